package io.ledgerbridge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Xero Accounting's credit notes, their allocations and manual journals, kept as Xero keeps them: a credit note's
 * lines are quantity x unit amount to the cent with 20% tax, its RemainingCredit falls with each allocation (PAID at
 * nothing left); an allocation needs an AUTHORISED credit note and an AUTHORISED invoice ({@link
 * VendorStubs.XeroInvoices}, or {@link #authorisedInvoice}) and no more than either has left; a manual journal whose
 * lines do not sum to zero is refused with Xero's validation error. The same Idempotency-Key answers the same
 * document, as Xero does. An invoice is read (GET /Invoices/{id}) as credit left it.
 */
public final class XeroDocuments implements ResponseDefinitionTransformerV2 {

    static final String NAME = "xero-documents";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ALLOCATIONS = Pattern.compile(".*/CreditNotes/([^/]+)/Allocations");
    private static final Pattern INVOICE = Pattern.compile(".*/Invoices/([^/]+)");
    private static final Map<String, String> BY_KEY = new ConcurrentHashMap<>();
    private static final Map<String, ObjectNode> CREDIT_NOTES = new ConcurrentHashMap<>();
    private static final Map<String, ObjectNode> INVOICES = new ConcurrentHashMap<>();
    private static final List<ObjectNode> JOURNALS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger NUMBERS = new AtomicInteger(500);

    /** Forgets every document. */
    static void reset() {
        BY_KEY.clear();
        CREDIT_NOTES.clear();
        INVOICES.clear();
        JOURNALS.clear();
    }

    /** An AUTHORISED sales invoice of this total (tax included) that credit can be allocated to; answers its id. */
    public static String authorisedInvoice(String total) {
        String id = UUID.randomUUID().toString();
        INVOICES.put(id, JSON.createObjectNode().put("InvoiceID", id).put("Status", "AUTHORISED")
                .put("Total", new BigDecimal(total)).put("AmountDue", new BigDecimal(total))
                .put("AmountCredited", BigDecimal.ZERO));
        return id;
    }

    /**
     * GET /Invoices/{id}: the invoice as credit left it, else as it was created (nothing paid or credited yet); one
     * the stubs did not create answers as a draft (tests that create invoices their own way).
     */
    private static ObjectNode held(String id) {
        ObjectNode credited = INVOICES.get(id);
        if (credited != null) {
            return credited.deepCopy();
        }
        ObjectNode created = VendorStubs.XeroInvoices.created(id);
        if (created == null) {
            return JSON.createObjectNode().put("InvoiceID", id).put("Status", "DRAFT");
        }
        return created.put("AmountDue", created.path("Total").decimalValue()).put("AmountPaid", BigDecimal.ZERO)
                .put("AmountCredited", BigDecimal.ZERO);
    }

    /** The invoice as credit left it (a copy): AmountDue, AmountCredited, Status (PAID when nothing is due). */
    public static ObjectNode invoice(String id) {
        return INVOICES.get(id).deepCopy();
    }

    /** The credit notes Xero holds (copies). */
    public static List<ObjectNode> creditNotes() {
        return CREDIT_NOTES.values().stream().map(ObjectNode::deepCopy).toList();
    }

    /** The manual journals Xero holds (copies). */
    public static List<ObjectNode> journals() {
        return JOURNALS.stream().map(ObjectNode::deepCopy).toList();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String path = event.getRequest().getUrl().replaceFirst("\\?.*", "");
        Matcher read = INVOICE.matcher(path);
        if (event.getRequest().getMethod().equals(com.github.tomakehurst.wiremock.http.RequestMethod.GET)
                && read.matches()) {
            return json(200, JSON.createObjectNode().set("Invoices", JSON.createArrayNode().add(held(read.group(1))))
                    .toString());
        }
        String key = event.getRequest().getHeader("Idempotency-Key");
        String body = event.getRequest().getBodyAsString();
        try {
            String answer = key == null ? answer(path, body) : BY_KEY.get(key);
            if (answer == null) {
                answer = answer(path, body);
                BY_KEY.put(key, answer);
            }
            return json(200, answer);
        } catch (Refused refused) {
            return json(400, refused.body());
        }
    }

    private static ResponseDefinition json(int status, String body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
                .withHeaders(new HttpHeaders(new HttpHeader("Content-Type", "application/json"))).withBody(body)
                .build();
    }

    private static String answer(String path, String body) {
        try {
            JsonNode request = JSON.readTree(body);
            Matcher allocation = ALLOCATIONS.matcher(path);
            if (allocation.matches()) {
                return allocate(allocation.group(1), request.path("Allocations").path(0));
            }
            if (path.endsWith("/CreditNotes")) {
                return creditNote((ObjectNode) request.path("CreditNotes").path(0).deepCopy());
            }
            if (path.endsWith("/ManualJournals")) {
                return journal((ObjectNode) request.path("ManualJournals").path(0).deepCopy());
            }
            throw new Refused("No such document: " + path);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String creditNote(ObjectNode note) throws java.io.IOException {
        BigDecimal subTotal = BigDecimal.ZERO;
        BigDecimal tax = BigDecimal.ZERO;
        for (JsonNode line : note.path("LineItems")) {
            BigDecimal amount = line.path("Quantity").decimalValue().multiply(line.path("UnitAmount").decimalValue())
                    .setScale(2, RoundingMode.HALF_UP);
            BigDecimal lineTax = amount.multiply(new BigDecimal("0.20")).setScale(2, RoundingMode.HALF_UP);
            ((ObjectNode) line).put("LineAmount", amount).put("TaxAmount", lineTax);
            subTotal = subTotal.add(amount);
            tax = tax.add(lineTax);
        }
        note.put("CreditNoteID", UUID.randomUUID().toString());
        note.put("CreditNoteNumber", "CN-" + NUMBERS.incrementAndGet());
        note.put("SubTotal", subTotal).put("TotalTax", tax).put("Total", subTotal.add(tax));
        note.put("RemainingCredit", subTotal.add(tax));
        CREDIT_NOTES.put(note.path("CreditNoteID").asText(), note);
        return JSON.writeValueAsString(JSON.createObjectNode().set("CreditNotes", JSON.createArrayNode().add(note)));
    }

    private static String allocate(String creditNoteId, JsonNode allocation) throws java.io.IOException {
        ObjectNode note = CREDIT_NOTES.get(creditNoteId);
        if (note == null) {
            throw new Refused("Credit note not found");
        }
        String invoiceId = allocation.path("Invoice").path("InvoiceID").asText();
        ObjectNode invoice = INVOICES.computeIfAbsent(invoiceId, id -> {
            ObjectNode created = VendorStubs.XeroInvoices.created(id);
            return created == null ? null : created.put("AmountDue", created.path("Total").decimalValue())
                    .put("AmountCredited", BigDecimal.ZERO);
        });
        BigDecimal amount = allocation.path("Amount").decimalValue();
        synchronized (note) {
            if (!"AUTHORISED".equals(note.path("Status").asText())) {
                throw new Refused("Credit note must be AUTHORISED before it can be allocated");
            }
            if (invoice == null) {
                throw new Refused("Invoice could not be found");
            }
            if (!"AUTHORISED".equals(invoice.path("Status").asText())) {
                throw new Refused("Invoice not of valid status for modification");
            }
            if (amount.compareTo(note.path("RemainingCredit").decimalValue()) > 0
                    || amount.compareTo(invoice.path("AmountDue").decimalValue()) > 0) {
                throw new Refused("Amount must be less than or equal to the remaining credit and the invoice's"
                        + " amount due");
            }
            BigDecimal remaining = note.path("RemainingCredit").decimalValue().subtract(amount);
            note.put("RemainingCredit", remaining);
            if (remaining.signum() == 0) {
                note.put("Status", "PAID");
            }
            BigDecimal due = invoice.path("AmountDue").decimalValue().subtract(amount);
            invoice.put("AmountDue", due).put("AmountCredited", invoice.path("AmountCredited").decimalValue().add(amount));
            if (due.signum() == 0) {
                invoice.put("Status", "PAID");
            }
        }
        ObjectNode answer = JSON.createObjectNode().put("AllocationID", UUID.randomUUID().toString())
                .put("Amount", amount).put("Date", allocation.path("Date").asText());
        answer.putObject("Invoice").put("InvoiceID", invoiceId);
        answer.putObject("CreditNote").put("CreditNoteID", creditNoteId);
        return JSON.writeValueAsString(JSON.createObjectNode().set("Allocations", JSON.createArrayNode().add(answer)));
    }

    private static String journal(ObjectNode journal) throws java.io.IOException {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode line : journal.path("JournalLines")) {
            sum = sum.add(line.path("LineAmount").decimalValue());
        }
        if (sum.signum() != 0) {
            throw new Refused("The total debits (" + sum + ") must equal total credits");
        }
        journal.put("ManualJournalID", UUID.randomUUID().toString());
        JOURNALS.add(journal);
        return JSON.writeValueAsString(JSON.createObjectNode().set("ManualJournals", JSON.createArrayNode().add(journal)));
    }

    /** Xero's answer to a document it refuses: 400, a ValidationException with the message. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }

        String body() {
            ObjectNode error = JSON.createObjectNode().put("ErrorNumber", 10).put("Type", "ValidationException")
                    .put("Message", "A validation exception occurred");
            error.putArray("Elements").addObject().putArray("ValidationErrors").addObject().put("Message", getMessage());
            return error.toString();
        }
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }
}
