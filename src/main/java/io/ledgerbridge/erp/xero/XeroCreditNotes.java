package io.ledgerbridge.erp.xero;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * A credit note's second call in Xero: once Xero has the (authorised) credit note, its credit is allocated to the
 * invoice it corrects (PUT /CreditNotes/{id}/Allocations, mapping canonical-to-xero-allocation), under its own
 * idempotency key, so that a retry of either call books nothing twice.
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
    /** Exchange property: whether the credit note's credit goes to an invoice (allocation writes it). */
    public static final String ALLOCATE = "ledgerbridgeXeroAllocate";

    private final FlowJson json;

    XeroCreditNotes(FlowJson json) {
        this.json = json;
    }

    /** Keeps the canonical credit note of the body. */
    public void keep(Exchange exchange) {
        exchange.setProperty(DOCUMENT, exchange.getMessage().getBody(String.class));
    }

    /**
     * Takes Xero's answer (canonical, the body): when the credit note names an invoice and has credit left, the body
     * becomes the allocation's input ({@code creditNote}, {@code document}) and {@link #ALLOCATE} is true.
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
            ObjectNode input = json.object();
            input.set("creditNote", created);
            input.set("document", document);
            message.setBody(json.write(input));
            message.setHeader(FlowHeaders.IDEMPOTENCY_KEY,
                    message.getHeader(FlowHeaders.IDEMPOTENCY_KEY, String.class) + ":allocation");
        }
    }

    /** The canonical answer once its credit is allocated: nothing remains, all of it went to the invoice. */
    public String allocated(Exchange exchange) {
        ObjectNode answer = (ObjectNode) json.read(exchange.getProperty(ANSWER, String.class)).deepCopy();
        JsonNode remaining = answer.path("remainingCredit");
        answer.set("allocated", remaining.isMissingNode() || remaining.isNull() ? answer.path("total") : remaining);
        answer.put("remainingCredit", 0);
        String key = exchange.getMessage().getHeader(FlowHeaders.IDEMPOTENCY_KEY, String.class);
        if (key != null && key.endsWith(":allocation")) {
            exchange.getMessage().setHeader(FlowHeaders.IDEMPOTENCY_KEY,
                    key.substring(0, key.length() - ":allocation".length()));
        }
        return json.write(answer);
    }
}
