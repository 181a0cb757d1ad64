package io.ledgerbridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.erp.ErpGateway;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.flow.SystemCall;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.project.Projects;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.xref.CrossReference;
import io.ledgerbridge.xref.CrossReferences;
import io.ledgerbridge.xref.CrossReferences.Entry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Invoice status back: the ERP's status of every invoice a billing run created is read until it is paid or voided;
 * a change becomes an invoice-status CloudEvent (keyed by project id) that the CRM and PSA updates consume.
 */
@ApplicationScoped
@Named("invoiceStatus")
public class InvoiceStatus {

    /** The billing run whose invoice is read (request writes it; changed and seen read it). */
    public static final String BILLING_RUN_ID = "ledgerbridgeBillingRunId";
    /** The invoice's status, canonical (changed and psaState write it; seen and the CRM/PSA steps read it). */
    public static final String INVOICE_STATUS = "ledgerbridgeInvoiceStatus";
    /** Exchange property: the invoice-status event being delivered (the route keeps it between the PSA steps). */
    public static final String EVENT = "ledgerbridgeEvent";

    /** Statuses after which an invoice no longer changes. */
    private static final Set<String> FINAL = Set.of("PAID", "VOIDED", "DELETED");

    private final FlowJson json;
    private final CrossReferences crossReferences;
    private final ErpGateway erp;
    private final Regions regions;
    private final Projects projects;

    InvoiceStatus(FlowJson json, CrossReferences crossReferences, ErpGateway erp, Regions regions, Projects projects) {
        this.json = json;
        this.crossReferences = crossReferences;
        this.erp = erp;
        this.regions = regions;
        this.projects = projects;
    }

    /**
     * The billing runs whose invoice may still change in the ERP, each in the ledger of its project's legal entity
     * (none of a ledger whose ERP cannot read invoices back, the file outbox).
     */
    public List<Long> open() {
        return QuarkusTransaction.requiringNew().call(() -> BillingRun.<BillingRun>list(
                "status = ?1 and erpInvoiceId is not null and (erpStatus is null or erpStatus not in ?2) order by id",
                BillingRun.Status.INVOICED, FINAL).stream().filter(r -> erp.can(entity(r), "read-invoice"))
                .map(r -> r.id).toList());
    }

    /** The cross-reference system of the ledger holding an event's invoice (that of its project's entity). */
    private String ledger(JsonNode data) {
        ProjectRecord project = ProjectRecord.findById(data.path("projectId").asLong());
        return regions.ledgerOf(project.region).xrefSystem();
    }

    private String entity(BillingRun run) {
        ProjectRecord project = ProjectRecord.findById(run.projectId);
        return regions.of(project.region).entity();
    }

    /** Prepares the read of one run's invoice (the ERP capability read-invoice, in its entity's ledger). */
    public void request(Exchange exchange) {
        Long runId = exchange.getMessage().getBody(Long.class);
        Message in = exchange.getMessage();
        QuarkusTransaction.requiringNew().run(() -> {
            BillingRun run = BillingRun.findById(runId);
            in.setHeader(ErpCall.ERP_INVOICE_ID, run.erpInvoiceId);
            in.setHeader(ErpCall.LEGAL_ENTITY, entity(run));
        });
        in.setHeader(BILLING_RUN_ID, runId);
        in.setBody("");
    }

    /**
     * Compares the ERP's answer with what the store last saw; on a change returns the invoice-status CloudEvent
     * (stored as seen only after it is published: {@link #seen}), else null (nothing to tell).
     */
    public String changed(Exchange exchange) {
        Message in = exchange.getMessage();
        Long runId = in.getHeader(BILLING_RUN_ID, Long.class);
        JsonNode invoice = json.read(in.getBody(String.class));
        String status = invoice.path("status").asText();
        BigDecimal paid = invoice.path("amountPaid").isNumber() ? invoice.path("amountPaid").decimalValue() : null;
        LocalDate paidOn = invoice.path("paidOn").isTextual() ? LocalDate.parse(invoice.path("paidOn").asText()) : null;
        return QuarkusTransaction.requiringNew().call(() -> {
            BillingRun run = BillingRun.findById(runId);
            if (status.isEmpty() || status.equals(run.erpStatus)) {
                return null;
            }
            ProjectRecord project = ProjectRecord.findById(run.projectId);
            in.setHeader("kafka.KEY", String.valueOf(project.id));
            in.setHeader(INVOICE_STATUS, status);
            return json.write(event(run, project, status, paid, paidOn));
        });
    }

    /** The event of a status change is out: the store remembers the status as seen. */
    public void seen(Exchange exchange) {
        Message in = exchange.getMessage();
        Long runId = in.getHeader(BILLING_RUN_ID, Long.class);
        String status = in.getHeader(INVOICE_STATUS, String.class);
        QuarkusTransaction.requiringNew().run(() -> BillingRun.update("erpStatus = ?1, updatedAt = ?2 where id = ?3",
                status, StoreTime.now(), runId));
    }

    private ObjectNode event(BillingRun run, ProjectRecord project, String status, BigDecimal paid, LocalDate paidOn) {
        ObjectNode event = json.object();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", "/ledgerbridge/invoice-status");
        event.put("type", "io.ledgerbridge.invoice.status-changed");
        event.put("subject", "project/" + project.id + "/invoice/" + run.erpInvoiceId);
        event.put("time", StoreTime.now().toString());
        event.put("datacontenttype", "application/json");
        ObjectNode data = event.putObject("data");
        data.put("billingRunId", run.id);
        data.put("projectId", project.id);
        data.put("crmId", project.crmId);
        data.put("psaProjectId", project.psaId);
        data.put("erpInvoiceId", run.erpInvoiceId);
        data.put("number", run.erpInvoiceNumber);
        data.put("period", run.period);
        data.put("status", status);
        data.put("previousStatus", run.erpStatus);
        data.put("currency", run.currency);
        data.put("subTotal", run.total);
        data.put("total", run.erpTotal);
        data.put("amountPaid", paid);
        data.put("paidOn", paidOn == null ? null : paidOn.toString());
        data.put("issueDate", run.issueDate.toString());
        data.put("dueDate", run.dueDate.toString());
        ArrayNode lines = data.putArray("lines");
        for (InvoiceLineRecord line : InvoiceLineRecord.ofRun(run.id)) {
            lines.addObject().put("description", line.description).put("quantity", line.quantity)
                    .put("unitPrice", line.unitPrice).put("kind", line.kind);
        }
        return event;
    }

    /**
     * Prepares the PSA side of an event: header {@code ledgerbridgePsaInvoiceId} when the PSA already mirrors the
     * invoice, {@code ledgerbridgePsaClientId} for creating it, {@code ledgerbridgePsaPaid} when its payment is there;
     * the event comes back with {@code psa.clientId} for the mappings.
     */
    public String psaState(Exchange exchange) {
        Message in = exchange.getMessage();
        ObjectNode event = (ObjectNode) json.read(in.getBody(String.class));
        JsonNode data = event.path("data");
        String invoice = data.path("erpInvoiceId").asText();
        in.setHeader(FlowHeaders.BUSINESS_KEY, "erp:invoice:" + invoice);
        in.setHeader(INVOICE_STATUS, data.path("status").asText());
        if (data.hasNonNull("crmId")) {
            in.setHeader(SystemCall.CRM_ID, data.path("crmId").asText());
        } else {
            in.removeHeader(SystemCall.CRM_ID);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            String ledger = ledger(data);
            CrossReference.lookup("INVOICE", ledger, invoice, projects.psa())
                    .ifPresentOrElse(r -> in.setHeader(SystemCall.PSA_INVOICE_ID, r.targetId),
                            () -> in.removeHeader(SystemCall.PSA_INVOICE_ID));
            CrossReference.lookup("PAYMENT", ledger, invoice, projects.psa())
                    .ifPresentOrElse(r -> in.setHeader(SystemCall.PSA_PAID, r.targetId),
                            () -> in.removeHeader(SystemCall.PSA_PAID));
            // the PSA client of the project, recorded by the deal-won set-up (none for projects loaded by hand)
            String client = CrossReference.lookup("PROJECT_CLIENT", projects.psa(), data.path("psaProjectId").asText(),
                    projects.psa()).map(r -> r.targetId).orElse(null);
            if (client != null) {
                in.setHeader(SystemCall.PSA_CLIENT_ID, client);
            } else {
                in.removeHeader(SystemCall.PSA_CLIENT_ID);
            }
            event.putObject("psa").put("clientId", client);
        });
        return json.write(event);
    }

    /**
     * Records what the PSA created for an invoice-status event (psa-mirror-invoice its mirror of the invoice, type
     * INVOICE; psa-record-payment the payment, type PAYMENT): a cross-reference from the ERP's invoice in its ledger.
     */
    public void psaCreated(String event, String type, String psaId) {
        JsonNode data = json.read(event).path("data");
        String invoice = data.path("erpInvoiceId").asText();
        String ledger = QuarkusTransaction.requiringNew().call(() -> ledger(data));
        crossReferences.upsert(List.of(new Entry(type, ledger, invoice, projects.psa(), psaId)));
    }
}
