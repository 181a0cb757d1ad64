package io.ledgerbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.contract.Contracts;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.legalentity.LegalEntities.LegalEntity;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.warehouse.Extracts;
import io.ledgerbridge.warehouse.Facts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The billing run of one project and period: the approved, unbilled items through the period's last day become the
 * lines of one draft invoice (one line per role and rate, one per expense, each rounded half-even once), planned in
 * the store before the ERP is called so that a retry or replay sends the same invoice with the same idempotency key;
 * once the ERP confirms it to the cent, the items are billed and every line keeps the items behind it.
 */
@ApplicationScoped
@Named("billingRuns")
public class BillingRuns {

    private final FlowJson json;
    private final Regions regions;
    private final Clock clock = Clock.systemUTC();

    private final Contracts contracts;

    private final CreditNotes creditNotes;
    private final Facts facts;

    BillingRuns(FlowJson json, Regions regions, Contracts contracts, CreditNotes creditNotes, Facts facts) {
        this.creditNotes = creditNotes;
        this.facts = facts;
        this.contracts = contracts;
        this.json = json;
        this.regions = regions;
    }

    /** The business key of a project's run of a period: its dead letters carry it. */
    /** The order of an invoice's lines by the kind of what they bill. */
    private static final List<BillableItem.Kind> LINE_ORDER = List.of(BillableItem.Kind.RETAINER,
            BillableItem.Kind.MILESTONE, BillableItem.Kind.OVERAGE, BillableItem.Kind.TIME, BillableItem.Kind.EXPENSE);

    public static String businessKey(Object projectId, String period) {
        return "billing:project-" + projectId + ":" + period;
    }

    /** What an admin call or the schedule asks for. */
    public record Request(Long projectId, String period) {
    }

    /**
     * Plans (or takes up the earlier plan of) the run the body asks for: {@code {"projectId": 1, "period": "2026-11"}}.
     * Sets SKIP with the reason when the period is already invoiced or has nothing to bill; else the body becomes the
     * canonical invoice for the ERP mapping, or, for a run sent in a billing batch, the batch's invoices with header
     * {@value BillingBatches#BATCH} (see {@link BillingBatches}).
     */
    public String plan(Exchange exchange) {
        return plan(exchange, true);
    }

    /**
     * Plans the run as {@link #plan(Exchange)} does, and no more: many runs billed together, {@link BillingBatches#form}
     * then decides how each is sent.
     */
    public void planOnly(Exchange exchange) {
        exchange.getMessage().setBody(plan(exchange, false));
    }

    private String plan(Exchange exchange, boolean send) {
        Message in = exchange.getMessage();
        JsonNode request = json.read(in.getBody(String.class));
        String period = request.path("period").asText();
        YearMonth month;
        try {
            month = YearMonth.parse(period);
        } catch (DateTimeParseException bad) {
            throw new FlowFailure(ErrorClass.VALIDATION, "period '" + period + "' is not YYYY-MM");
        }
        long projectId = request.path("projectId").asLong();
        FlowIdentity.identify(in, "ledgerbridge", projectId + ":" + period, null,
                businessKey(projectId, period));
        in.setHeader(CreditNotes.PROJECT, projectId);
        try {
            return planIn(in, request, projectId, period, month, send);
        } catch (jakarta.persistence.PersistenceException raced) {
            // another instance planned the same project and period a moment ago (unique per project and period):
            // take up its plan, which carries the same idempotency key
            return planIn(in, request, projectId, period, month, send);
        }
    }

    private String planIn(Message in, JsonNode request, long projectId, String period, YearMonth month,
            boolean send) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ProjectRecord project = ProjectRecord.<ProjectRecord>findByIdOptional(projectId)
                    .orElseThrow(() -> new FlowFailure(ErrorClass.VALIDATION, "no project " + projectId));
            if (project.erpContactId == null) {
                throw new ReferenceMissing(List.of("CONTACT:ledgerbridge:" + project.id),
                        "project " + project.name + " has no ERP contact to invoice (deal-won set-up incomplete)");
            }
            BillingRun run = BillingRun.of(projectId, period).orElse(null);
            if (run != null && run.status == BillingRun.Status.INVOICED) {
                return skip(in, "period " + period + " of project " + project.name + " is already invoiced as "
                        + run.erpInvoiceNumber + " (" + run.erpInvoiceId + ")");
            }
            if (run == null) {
                // entries changed after their invoice was issued: a credit note per invoice, the entries billed anew
                LocalDate issueDate = issueDate(request, month);
                CreditNotes.Planned corrections = creditNotes.plan(project, period,
                        BillableItem.unbilled(projectId, month.atEndOfMonth()), issueDate);
                // what the contract lets this run bill: on a capped time-and-materials contract, time beyond the
                // cap is held for an approver
                Contracts.Billable billable = contracts.billable(project, month.atEndOfMonth(), corrections.items());
                List<BillableItem> items = billable.items();
                if (items.isEmpty()) {
                    return skip(in, (billable.heldBy() != null ? "approved time of project " + project.name
                            + " is beyond its cap and held for an approver (finding " + billable.heldBy().id + ")"
                            : "nothing approved and unbilled for project " + project.name + " through "
                            + month.atEndOfMonth()) + corrected(corrections));
                }
                run = create(project, period, month, items, issueDate);
            }
            in.setHeader(FlowHeaders.SYNC_ACTION, "CREATE");
            in.setHeader(InvoiceStatus.BILLING_RUN_ID, run.id);
            in.setHeader(ErpCall.LEGAL_ENTITY, regions.of(project.region).entity());
            if (!send) {
                return "{}";
            }
            // how the invoice is sent is claimed once (alone, under the run's key, or in a billing batch), so that a
            // second billing of the period at the same time sends it the same way under the same key
            if (run.batchKey == null) {
                if (BillingRun.update("batchKey = ?1 where id = ?2 and batchKey is null", run.idempotencyKey,
                        run.id) == 1) {
                    run.batchKey = run.idempotencyKey;
                } else {
                    // a billing batch claimed it a moment ago: the update bypassed the entity, read what it holds
                    BillingRun.getEntityManager().refresh(run);
                }
            }
            if (!run.idempotencyKey.equals(run.batchKey)) {
                // sent in a billing batch: the batch again, as it was first sent, under its key
                in.setHeader(BillingBatches.BATCH, run.batchKey);
                in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, run.batchKey);
                return BillingBatch.<BillingBatch>findByIdOptional(run.batchKey).orElseThrow().invoices;
            }
            in.removeHeader(BillingBatches.BATCH);
            in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, run.idempotencyKey);
            return json.write(invoice(project, run));
        });
    }

    private static String corrected(CreditNotes.Planned corrections) {
        return (corrections.creditNotes() == 0 ? "" : "; " + corrections.creditNotes() + " credit note"
                + (corrections.creditNotes() == 1 ? "" : "s") + " planned for entries changed after invoicing")
                + (corrections.waiting() == 0 ? "" : "; " + corrections.waiting() + " changed entr"
                        + (corrections.waiting() == 1 ? "y waits" : "ies wait") + " until the invoice that billed "
                        + (corrections.waiting() == 1 ? "it" : "them") + " is issued in the ERP");
    }

    private String skip(Message in, String reason) {
        in.setHeader(FlowHeaders.SYNC_ACTION, "SKIP");
        in.setHeader(FlowHeaders.SKIP_REASON, reason);
        return "{}";
    }

    /** Groups the items into lines and fixes the plan: items point at their run and line. */
    /**
     * The invoice date a request asks for ({@code issueDate}: from the period's last day to today, e.g. a period
     * billed late and dated at its end), else the period's last day or today when that has passed.
     */
    private LocalDate issueDate(JsonNode request, YearMonth month) {
        LocalDate today = LocalDate.now(clock);
        if (!request.hasNonNull("issueDate")) {
            return today.isBefore(month.atEndOfMonth()) ? month.atEndOfMonth() : today;
        }
        LocalDate asked;
        try {
            asked = LocalDate.parse(request.path("issueDate").asText());
        } catch (DateTimeParseException bad) {
            throw new FlowFailure(ErrorClass.VALIDATION, "issueDate '" + request.path("issueDate").asText()
                    + "' is not a date (YYYY-MM-DD)");
        }
        if (asked.isBefore(month.atEndOfMonth()) || asked.isAfter(today.isBefore(month.atEndOfMonth())
                ? month.atEndOfMonth() : today)) {
            throw new FlowFailure(ErrorClass.VALIDATION, "issueDate " + asked + " of the invoice for " + month
                    + " is not between the period's last day and today");
        }
        return asked;
    }

    private BillingRun create(ProjectRecord project, String period, YearMonth month, List<BillableItem> items,
            LocalDate issueDate) {
        Currency currency = Currency.getInstance(project.currency);
        LegalEntity entity = regions.entityOf(project.region);
        Instant now = StoreTime.now();
        BillingRun run = new BillingRun();
        run.projectId = project.id;
        run.period = period;
        run.status = BillingRun.Status.PLANNED;
        run.currency = project.currency;
        run.total = BigDecimal.ZERO;
        run.idempotencyKey = "billing-" + project.id + "-" + period;
        run.issueDate = issueDate;
        run.dueDate = run.issueDate.plusDays(entity.paymentTermsDays());
        run.posted = entity.postInvoices();
        run.createdAt = now;
        run.updatedAt = now;
        run.persistAndFlush();

        Map<String, List<BillableItem>> groups = new LinkedHashMap<>();
        // retainer fees and milestones first, then overage, time by role and rate, then expenses
        List<BillableItem> ordered = items.stream().sorted(java.util.Comparator
                .comparing((BillableItem i) -> LINE_ORDER.indexOf(i.kind))
                .thenComparing(i -> i.kind == BillableItem.Kind.TIME ? i.role : "")
                .thenComparing(i -> i.kind == BillableItem.Kind.TIME ? i.unitPrice : BigDecimal.ZERO)
                .thenComparing(i -> i.workDate).thenComparing(i -> i.id)).toList();
        for (BillableItem item : ordered) {
            String key = item.kind == BillableItem.Kind.TIME
                    ? "TIME|" + item.role + "|" + item.unitPrice.stripTrailingZeros().toPlainString()
                    : item.kind + "|" + item.id;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
        }
        Money total = Money.zero(currency);
        int lineNo = 0;
        for (List<BillableItem> group : groups.values()) {
            BillableItem first = group.get(0);
            InvoiceLineRecord line = new InvoiceLineRecord();
            line.billingRunId = run.id;
            line.lineNo = ++lineNo;
            line.kind = first.kind.name();
            line.taxType = entity.salesTaxType();
            if (first.kind == BillableItem.Kind.TIME) {
                BigDecimal hours = group.stream().map(i -> i.quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
                Money rate = new Money(first.unitPrice, currency);
                line.quantity = hours;
                line.unitPrice = rate.amount();
                line.lineAmount = rate.times(hours).amount();
                line.description = first.role + ", " + period + ": " + hours.stripTrailingZeros().toPlainString()
                        + " h at " + rate + " (rate card " + first.rateCard + " v" + first.rateVersion + ")";
            } else if (first.kind == BillableItem.Kind.RETAINER || first.kind == BillableItem.Kind.OVERAGE) {
                // priced and described when the retainer period was billed or settled (io.ledgerbridge.contract)
                line.quantity = first.quantity;
                line.unitPrice = first.unitPrice;
                line.lineAmount = first.amount;
                line.description = first.description;
            } else if (first.kind == BillableItem.Kind.MILESTONE) {
                line.quantity = BigDecimal.ONE;
                line.unitPrice = first.amount;
                line.lineAmount = first.amount;
                line.description = "Milestone " + first.description + " (" + first.role + "), completed "
                        + first.workDate;
            } else {
                line.quantity = BigDecimal.ONE;
                line.unitPrice = first.amount;
                line.lineAmount = first.amount;
                line.description = "Expense " + Objects.requireNonNullElse(first.role, "") + " of " + first.workDate
                        + (first.description == null ? "" : ": " + first.description)
                        + (first.fxRate == null ? "" : " (" + new Money(first.sourceAmount, Currency.getInstance(first.sourceCurrency)) + " at "
                                + first.fxRate.stripTrailingZeros().toPlainString() + ")");
            }
            line.persistAndFlush();
            total = total.plus(new Money(line.lineAmount, currency));
            for (BillableItem item : group) {
                item.status = BillableItem.Status.PLANNED;
                item.billingRunId = run.id;
                item.invoiceLineId = line.id;
                item.updatedAt = now;
            }
        }
        run.total = total.amount();
        return run;
    }

    /** The canonical invoice of a planned run, for the ERP mapping. */
    ObjectNode invoice(ProjectRecord project, BillingRun run) {
        LegalEntity entity = regions.entityOf(project.region);
        ObjectNode invoice = json.object();
        invoice.put("runId", run.id);
        invoice.put("period", run.period);
        invoice.put("currency", run.currency);
        invoice.put("issueDate", run.issueDate.toString());
        invoice.put("dueDate", run.dueDate.toString());
        invoice.put("total", run.total);
        invoice.put("post", run.posted);
        invoice.put("reference", project.code != null ? project.code + " " + run.period : project.name + " " + run.period);
        ObjectNode client = invoice.putObject("client");
        client.put("erpContactId", project.erpContactId);
        client.put("name", project.clientName);
        ObjectNode proj = invoice.putObject("project");
        proj.put("id", project.id);
        proj.put("name", project.name);
        proj.put("region", project.region);
        proj.put("legalEntity", entity.name());
        ArrayNode lines = invoice.putArray("lines");
        for (InvoiceLineRecord line : InvoiceLineRecord.ofRun(run.id)) {
            ObjectNode l = lines.addObject();
            l.put("lineNo", line.lineNo);
            l.put("description", line.description);
            l.put("quantity", line.quantity);
            l.put("unitPrice", line.unitPrice);
            l.put("lineAmount", line.lineAmount);
            l.put("taxType", line.taxType);
            l.put("accountCode", entity.salesAccount());
        }
        return invoice;
    }

    /**
     * The ERP holds the invoice {@code invoiceId} of billing run {@code runId} (the canonical answer of the capability
     * create-invoice): checks its totals against the plan to the cent (INTERNAL when they differ:
     * nothing is marked billed, nothing is rounded away) and marks the run invoiced and its items billed.
     */
    public void complete(Long runId, String invoiceId, String canonicalAnswer) {
        JsonNode answer = json.read(canonicalAnswer);
        QuarkusTransaction.requiringNew().run(() -> {
            BillingRun run = BillingRun.findById(runId);
            List<InvoiceLineRecord> lines = InvoiceLineRecord.ofRun(runId);
            JsonNode erpLines = answer.path("lines");
            List<String> differences = new ArrayList<>();
            if (!answer.path("subTotal").isNumber() || answer.path("subTotal").decimalValue().compareTo(run.total) != 0) {
                differences.add("sub-total " + answer.path("subTotal").asText("missing") + " vs planned "
                        + run.total.toPlainString());
            }
            if (erpLines.size() != lines.size()) {
                differences.add(erpLines.size() + " lines vs " + lines.size() + " planned");
            }
            for (int i = 0; i < lines.size() && i < erpLines.size(); i++) {
                BigDecimal erpAmount = erpLines.path(i).path("lineAmount").decimalValue();
                if (erpAmount.compareTo(lines.get(i).lineAmount) != 0) {
                    differences.add("line " + lines.get(i).lineNo + " " + erpAmount.toPlainString() + " vs planned "
                            + lines.get(i).lineAmount.toPlainString());
                }
            }
            if (!differences.isEmpty()) {
                throw new FlowFailure(ErrorClass.INTERNAL, "invoice " + invoiceId
                        + " does not reconcile to the cent with billing run " + runId + " (" + run.currency + "): "
                        + String.join("; ", differences) + "; items stay planned for an operator");
            }
            run.status = BillingRun.Status.INVOICED;
            run.erpInvoiceId = invoiceId;
            run.erpInvoiceNumber = answer.path("number").asText(null);
            // what CRM and PSA were told: nothing yet, a draft to them; an ERP that issues the invoice as it creates
            // it (Business Central with post-invoices) answers AUTHORISED, which the status flow then tells
            run.erpStatus = "DRAFT";
            run.erpTotal = answer.path("total").isNumber() ? answer.path("total").decimalValue() : null;
            run.updatedAt = StoreTime.now();
            BillableItem.update("status = ?1, updatedAt = ?2 where billingRunId = ?3", BillableItem.Status.BILLED,
                    run.updatedAt, runId);
            for (InvoiceLineRecord line : lines) {
                facts.record("invoice-line", "billing-run:" + run.id + ":line:" + line.lineNo,
                        Extracts.invoiceLine(run, line));
            }
        });
    }

    /** Projects with unbilled items in a period that has ended (plus the grace days) and no invoice for it yet. */
    public List<String> due(int graceDays) {
        YearMonth last = YearMonth.from(LocalDate.now(clock).minusDays(graceDays)).minusMonths(1);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Long> projects = BillableItem.find("select distinct projectId from BillableItem where status = ?1 "
                    + "and workDate <= ?2", BillableItem.Status.UNBILLED, last.atEndOfMonth()).project(Long.class).list();
            List<String> requests = new ArrayList<>();
            for (Long project : projects) {
                if (BillingRun.of(project, last.toString()).isEmpty()) {
                    requests.add(json.write(json.object().put("projectId", project).put("period", last.toString())));
                }
            }
            return requests;
        });
    }
}
