package io.ledgerbridge.erp.xero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * A credit note's second call in Xero: once Xero has the (authorised) credit note, its credit is allocated to the
 * invoice it corrects (PUT /CreditNotes/{id}/Allocations, mapping canonical-to-xero-allocation), as much as the
 * invoice still has due as Xero reads it then, under its own idempotency key, so that a retry of either call books
 * nothing twice. An invoice the customer has paid meanwhile takes none: the credit stays on the contact, to refund or
 * to set against a later invoice in Xero.
 */
@ApplicationScoped
@Named("xeroCreditNotes")
public class XeroCreditNotes {

    /** Exchange property: the canonical credit note while Xero answers (keep writes it, allocation reads it). */
    public static final String DOCUMENT = "ledgerbridgeXeroCreditNote";
    /** Exchange property: the canonical answer of the created credit note (allocation writes it, allocated reads). */
    public static final String ANSWER = "ledgerbridgeXeroCreditNoteAnswer";
    /** Exchange property: Xero's id of the credit note just created (the route writes and answers it). */
    public static final String CREDIT_NOTE_ID = "ledgerbridgeErpCreditNoteId";
    /** Exchange property: whether the credit note's credit goes to an invoice (allocation and due write it). */
    public static final String ALLOCATE = "ledgerbridgeXeroAllocate";
    /** Exchange property: how much of the credit goes to the invoice (due writes it, allocated reads it). */
    public static final String ALLOCATED = "ledgerbridgeXeroAllocated";

    private final FlowJson json;

    XeroCreditNotes(FlowJson json) {
        this.json = json;
    }

    /** Keeps the canonical credit note of the body. */
    public void keep(Exchange exchange) {
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
    }

    /**
     * Takes Xero's answer (canonical, the body): when the credit note names an invoice and has credit left,
     * {@link #ALLOCATE} is true and header {@link ErpCall#ERP_INVOICE_ID} names the invoice, which the route reads
     * before allocating to it ({@link #due}).
     */
    public void allocation(Exchange exchange) {
        Message message = exchange.getMessage();
        String answer = message.getBody(String.class);
        exchange.setProperty(ANSWER, answer);
        JsonNode document = json.read(exchange.getProperty(DOCUMENT, String.class));
        JsonNode created = json.read(answer);
        boolean allocate = document.path("invoice").hasNonNull("erpInvoiceId")
                && created.path("remainingCredit").decimalValue().signum() > 0;
        exchange.setProperty(ALLOCATE, allocate);
        if (allocate) {
            message.setHeader(ErpCall.ERP_INVOICE_ID, document.path("invoice").path("erpInvoiceId").asText());
        }
    }

    /**
     * Takes the invoice as Xero holds it now (the canonical invoice of read-invoice, the body) and decides how much
     * of the credit it can take: what is left of the credit, at most what the invoice still has due, and only while
     * it is AUTHORISED (Xero refuses an allocation to a paid, voided or draft invoice). Something to allocate: the
     * body becomes the allocation's input ({@code creditNote}, {@code document}, {@code amount}). Nothing (the
     * customer paid the invoice meanwhile): {@link #ALLOCATE} turns false and the credit stays on the contact, the
     * body the credit note's answer with nothing allocated.
     */
    public void due(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader(ErpCall.ERP_INVOICE_ID);
        JsonNode invoice = json.read(message.getBody(String.class));
        JsonNode created = json.read(exchange.getProperty(ANSWER, String.class));
        java.math.BigDecimal remaining = created.path("remainingCredit").decimalValue();
        java.math.BigDecimal due = invoice.path("amountDue").isNumber() ? invoice.path("amountDue").decimalValue()
                : java.math.BigDecimal.ZERO;
        java.math.BigDecimal amount = "AUTHORISED".equals(invoice.path("status").asText()) ? remaining.min(due)
                : java.math.BigDecimal.ZERO;
        if (amount.signum() <= 0) {
            exchange.setProperty(ALLOCATE, false);
            ObjectNode unallocated = (ObjectNode) created.deepCopy();
            unallocated.put("allocated", 0);
            message.setBody(json.write(unallocated));
            return;
        }
        ObjectNode input = json.object();
        input.set("creditNote", created);
        input.set("document", json.read(exchange.getProperty(DOCUMENT, String.class)));
        input.put("amount", amount);
        exchange.setProperty(ALLOCATED, amount);
        message.setBody(json.write(input));
        message.setHeader(FlowHeaders.IDEMPOTENCY_KEY,
                message.getHeader(FlowHeaders.IDEMPOTENCY_KEY, String.class) + ":allocation");
    }

    /** The canonical answer once its credit is allocated: what went to the invoice, and what credit remains. */
    public String allocated(Exchange exchange) {
        ObjectNode answer = (ObjectNode) json.read(exchange.getProperty(ANSWER, String.class)).deepCopy();
        java.math.BigDecimal amount = exchange.getProperty(ALLOCATED, java.math.BigDecimal.class);
        JsonNode remaining = answer.path("remainingCredit");
        answer.put("allocated", amount);
        answer.put("remainingCredit", remaining.isNumber() ? remaining.decimalValue().subtract(amount)
                : java.math.BigDecimal.ZERO);
        String key = exchange.getMessage().getHeader(FlowHeaders.IDEMPOTENCY_KEY, String.class);
        if (key != null && key.endsWith(":allocation")) {
            exchange.getMessage().setHeader(FlowHeaders.IDEMPOTENCY_KEY,
                    key.substring(0, key.length() - ":allocation".length()));
        }
        return json.write(answer);
    }
}
