package io.ledgerbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.legalentity.LegalEntities.LegalEntity;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.warehouse.Extracts;
import io.ledgerbridge.warehouse.Facts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Corrections after invoicing. When an entry (approved time, an expense) changes after the invoice that billed it was
 * issued, the billing run that next sees the change plans a credit note for that invoice: one line per changed entry,
 * reversing what the invoice billed for it, posted and allocated to the invoice in the ERP (capability
 * create-credit-note). The entry is then billed again at its corrected value, when anything is still due, by that
 * billing run: never a negative line on a later invoice. A change to an entry whose invoice is still a draft in the
 * ERP waits until the invoice is issued (its status comes back from the ERP); one whose invoice is being sent waits
 * for that run.
 */
@ApplicationScoped
@Named("creditNotes")
public class CreditNotes {

    /** Header: the project a billing run is for (BillingRuns.plan writes it; the credit notes step reads it). */
    public static final String PROJECT = "ledgerbridgeBillingProjectId";
    /** Header: the credit note being sent (document writes it; the step completing it reads it). */
    public static final String CREDIT_NOTE_ID = "ledgerbridgeCreditNoteId";

    /** The ERP statuses of an invoice that was issued to the client (a draft or one awaiting approval was not). */
    private static final Set<String> ISSUED = Set.of("AUTHORISED", "PAID", "PARTIALLY_PAID", "OPEN");

    /** What planning the corrections left for the invoice, and what it planned or left waiting. */
    public record Planned(List<BillableItem> items, int creditNotes, int waiting) {
    }

    private final FlowJson json;
    private final Regions regions;

    private final Facts facts;

    CreditNotes(FlowJson json, Regions regions, Facts facts) {
        this.facts = facts;
        this.json = json;
        this.regions = regions;
    }

    /**
     * Inside a billing run's transaction: the unbilled items that correct entries an issued invoice billed get a
     * credit note per corrected invoice (PLANNED, sent after planning) and carry the entry's whole corrected value
     * again; the items to invoice are answered (an entry corrected to nothing is left out, credited). A credit note is
     * dated as the run's invoice ({@code issueDate}), or as the invoice it corrects when that is dated later.
     */
    public Planned plan(ProjectRecord project, String period, List<BillableItem> unbilled, LocalDate issueDate) {
        List<BillableItem> changed = unbilled.stream()
                .filter(i -> i.kind == BillableItem.Kind.TIME || i.kind == BillableItem.Kind.EXPENSE).toList();
        if (changed.isEmpty()) {
            return new Planned(unbilled, 0, 0);
        }
        Map<String, List<BillableItem>> earlier = BillableItem.<BillableItem>list("projectId = ?1 and sourceId in ?2 "
                + "and status in ?3 order by id", project.id, changed.stream().map(i -> i.sourceId).distinct().toList(),
                List.of(BillableItem.Status.PLANNED, BillableItem.Status.BILLED)).stream()
                .collect(Collectors.groupingBy(CreditNotes::source, LinkedHashMap::new, Collectors.toList()));
        List<BillableItem> items = new ArrayList<>(unbilled);
        Map<Long, List<BillableItem>> toCredit = new LinkedHashMap<>();
        Map<Long, BillingRun> runs = new LinkedHashMap<>();
        List<BillableItem> corrected = new ArrayList<>();
        int waiting = 0;
        for (BillableItem item : changed) {
            List<BillableItem> billed = earlier.get(source(item));
            if (billed == null) {
                continue; // a new entry: nothing invoiced to correct
            }
            boolean issued = billed.stream().allMatch(b -> b.status == BillableItem.Status.BILLED
                    && issued(runs.computeIfAbsent(b.billingRunId, id -> BillingRun.<BillingRun>findById(id))));
            if (!issued) {
                items.remove(item);
                waiting++;
                continue;
            }
            corrected.add(item);
            billed.stream().filter(b -> b.amount.signum() > 0)
                    .forEach(b -> toCredit.computeIfAbsent(b.billingRunId, r -> new ArrayList<>()).add(b));
        }
        Instant now = StoreTime.now();
        Currency unit = Currency.getInstance(project.currency);
        LegalEntity entity = regions.entityOf(project.region);
        for (Map.Entry<Long, List<BillableItem>> credit : toCredit.entrySet()) {
            BillingRun run = runs.get(credit.getKey());
            CreditNote note = new CreditNote();
            note.projectId = project.id;
            note.period = period;
            note.correctsRunId = run.id;
            note.status = CreditNote.Status.PLANNED;
            note.currency = project.currency;
            note.total = BigDecimal.ZERO;
            note.issueDate = issueDate.isBefore(run.issueDate) ? run.issueDate : issueDate;
            note.reference = "pending";
            note.createdAt = now;
            note.updatedAt = now;
            note.persistAndFlush();
            note.reference = reference(note, project);
            Money total = Money.zero(unit);
            int lineNo = 0;
            for (BillableItem billed : credit.getValue()) {
                InvoiceLineRecord invoiced = InvoiceLineRecord.findById(billed.invoiceLineId);
                CreditNoteLine line = new CreditNoteLine();
                line.creditNoteId = note.id;
                line.lineNo = ++lineNo;
                line.kind = billed.kind.name();
                line.quantity = billed.kind == BillableItem.Kind.TIME ? billed.quantity : BigDecimal.ONE;
                line.unitPrice = billed.kind == BillableItem.Kind.TIME ? billed.unitPrice : billed.amount;
                line.lineAmount = billed.amount;
                line.taxType = entity.salesTaxType();
                line.correctsLineId = invoiced == null ? null : invoiced.id;
                line.description = description(billed, run, invoiced);
                line.persistAndFlush();
                total = total.plus(new Money(line.lineAmount, unit));
                billed.status = BillableItem.Status.CREDITED;
                billed.creditNoteLineId = line.id;
                billed.updatedAt = now;
            }
            note.total = total.amount();
        }
        // each corrected entry carries its whole value again: billed anew by this run when anything is still due
        for (BillableItem item : corrected) {
            for (BillableItem credited : earlier.get(source(item))) {
                if (credited.status == BillableItem.Status.CREDITED) {
                    item.quantity = item.quantity.add(credited.kind == BillableItem.Kind.TIME ? credited.quantity
                            : BigDecimal.ZERO);
                    item.amount = item.amount.add(credited.amount);
                    item.creditNoteLineId = credited.creditNoteLineId;
                }
            }
            if (item.kind == BillableItem.Kind.EXPENSE) {
                item.quantity = BigDecimal.ONE;
                item.unitPrice = item.amount;
            }
            item.updatedAt = now;
            if (item.amount.signum() <= 0) {
                // corrected to nothing (deleted, made non-billable): the credit note is all there is
                item.status = BillableItem.Status.CREDITED;
                items.remove(item);
            }
        }
        return new Planned(items, toCredit.size(), waiting);
    }

    private static String source(BillableItem item) {
        return item.kind + "|" + item.sourceSystem + "|" + item.sourceId;
    }

    private static boolean issued(BillingRun run) {
        return run != null && run.status == BillingRun.Status.INVOICED
                && (run.posted || run.erpStatus != null && ISSUED.contains(run.erpStatus));
    }

    private static String reference(CreditNote note, ProjectRecord project) {
        String reference = "CN-" + note.id + " " + Objects.requireNonNullElse(project.code, "project " + project.id);
        return reference.length() <= 35 ? reference : reference.substring(0, 35);
    }

    private static String description(BillableItem billed, BillingRun run, InvoiceLineRecord invoiced) {
        String invoice = "invoice " + Objects.requireNonNullElse(run.erpInvoiceNumber, run.erpInvoiceId)
                + (invoiced == null ? "" : " line " + invoiced.lineNo);
        String what = billed.kind == BillableItem.Kind.TIME
                ? billed.role + " on " + billed.workDate + ": " + billed.quantity.stripTrailingZeros().toPlainString()
                        + " h at " + new Money(billed.unitPrice, Currency.getInstance(billed.currency))
                : "expense " + Objects.requireNonNullElse(billed.role, "") + " of " + billed.workDate;
        String description = "Correction of " + invoice + ": " + what + ", as billed";
        return description.length() <= 400 ? description : description.substring(0, 400);
    }

    /** The credit notes of a project still to send, oldest first. */
    public List<Long> pending(Long projectId) {
        if (projectId == null) {
            return List.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> CreditNote.<CreditNote>list("projectId = ?1 and status = ?2 "
                + "order by id", projectId, CreditNote.Status.PLANNED).stream().map(n -> n.id).toList());
    }

    /**
     * The canonical credit note (mappings/schemas/credit-note.schema.json) of a planned credit note, posted and naming
     * the invoice it corrects; sets the credit note id, its idempotency key and the legal entity whose ERP gets it.
     */
    public String document(Exchange exchange, Long creditNoteId) {
        Message in = exchange.getMessage();
        return QuarkusTransaction.requiringNew().call(() -> {
            CreditNote note = CreditNote.findById(creditNoteId);
            ProjectRecord project = ProjectRecord.findById(note.projectId);
            BillingRun run = BillingRun.findById(note.correctsRunId);
            LegalEntity entity = regions.entityOf(project.region);
            in.setHeader(CREDIT_NOTE_ID, note.id);
            in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, "credit-note-" + note.id);
            in.setHeader(ErpCall.LEGAL_ENTITY, regions.of(project.region).entity());
            ObjectNode document = json.object();
            document.put("reference", note.reference);
            document.put("currency", note.currency);
            document.put("issueDate", note.issueDate.toString());
            ObjectNode client = document.putObject("client");
            client.put("erpContactId", project.erpContactId);
            client.put("name", project.clientName);
            ObjectNode invoice = document.putObject("invoice");
            invoice.put("erpInvoiceId", run.erpInvoiceId);
            if (run.erpInvoiceNumber != null) {
                invoice.put("number", run.erpInvoiceNumber);
            }
            document.put("post", true);
            ArrayNode lines = document.putArray("lines");
            for (CreditNoteLine line : CreditNoteLine.of(note.id)) {
                ObjectNode l = lines.addObject();
                l.put("lineNo", line.lineNo);
                l.put("description", line.description);
                l.put("quantity", line.quantity);
                l.put("unitPrice", line.unitPrice);
                l.put("lineAmount", line.lineAmount);
                l.put("accountCode", entity.salesAccount());
                l.put("taxType", line.taxType);
            }
            document.put("total", note.total);
            return json.write(document);
        });
    }

    /**
     * The ERP holds credit note {@code erpId} for planned credit note {@code creditNoteId} (the canonical answer of
     * create-credit-note): its sub-total must be the planned total to the cent (INTERNAL otherwise, and it stays
     * planned for an operator); it is then ISSUED with what the ERP allocated to the invoice.
     */
    public void complete(Long creditNoteId, String erpId, String canonicalAnswer) {
        JsonNode answer = json.read(canonicalAnswer);
        QuarkusTransaction.requiringNew().run(() -> {
            CreditNote note = CreditNote.findById(creditNoteId);
            JsonNode subTotal = answer.path("subTotal");
            if (!subTotal.isNumber() || subTotal.decimalValue().compareTo(note.total) != 0) {
                throw new FlowFailure(ErrorClass.INTERNAL, "credit note " + erpId + " does not reconcile to the cent "
                        + "with planned credit note " + note.id + " (" + note.currency + "): sub-total "
                        + subTotal.asText("missing") + " vs planned " + note.total.toPlainString());
            }
            note.status = CreditNote.Status.ISSUED;
            note.erpCreditNoteId = erpId;
            note.erpNumber = answer.path("number").asText(null);
            note.erpTotal = answer.path("total").isNumber() ? answer.path("total").decimalValue() : null;
            note.allocated = answer.path("allocated").isNumber() ? answer.path("allocated").decimalValue() : null;
            note.updatedAt = StoreTime.now();
            for (CreditNoteLine line : CreditNoteLine.of(note.id)) {
                facts.record("credit-note-line", "credit-note:" + note.id + ":line:" + line.lineNo,
                        Extracts.creditNoteLine(note, line));
            }
        });
    }
}
