package io.ledgerbridge.erp.xero;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.testing.XeroDocuments;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ERP capabilities create-credit-note and post-journal on Xero Accounting, against its contract: a posted credit
 * note's credit goes to the invoice it corrects, a retry books nothing twice, and a journal that does not balance
 * never reaches Xero. The expected figures are worked out by hand (20% tax).
 */
@QuarkusTest
class XeroCreditNotesAndJournalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ProducerTemplate producer;

    @BeforeEach
    void healthyXero() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).as("requests that break the Xero contract").isEmpty();
    }

    @Test
    void aPostedCreditNoteIsAllocatedToTheInvoiceItCorrectsOnce() throws Exception {
        String invoice = XeroDocuments.authorisedInvoice("1200.00");
        String key = "credit-note:" + UUID.randomUUID();
        String note = creditNote("ACME-WEB 2026-10 C1", invoice, true);

        Exchange first = call("create-credit-note", note, key);
        assertThat(first.getException()).isNull();
        JsonNode answer = JSON.readTree(first.getMessage().getBody(String.class));
        // 1.5 h x 120.00 = 180.00, tax 36.00: 216.00 of credit, all of it allocated
        assertThat(answer.path("subTotal").decimalValue()).isEqualByComparingTo("180.00");
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo("216.00");
        assertThat(answer.path("allocated").decimalValue()).isEqualByComparingTo("216.00");
        assertThat(answer.path("remainingCredit").decimalValue()).isEqualByComparingTo("0");
        assertThat(answer.path("number").asText()).startsWith("CN-");
        assertThat(first.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo(answer.path("id").asText());
        assertThat(XeroDocuments.invoice(invoice).path("AmountDue").decimalValue()).isEqualByComparingTo("984.00");
        assertThat(XeroDocuments.creditNotes()).singleElement().satisfies(sent -> {
            assertThat(sent.path("Type").asText()).isEqualTo("ACCRECCREDIT");
            assertThat(sent.path("Reference").asText()).isEqualTo("ACME-WEB 2026-10 C1");
            assertThat(sent.path("Status").asText()).isEqualTo("PAID");
            assertThat(sent.path("LineItems").path(0).path("TaxType").asText()).isEqualTo("OUTPUT2");
        });

        // the same credit note again (a retry after a lost answer): Xero answers what it did, nothing more is booked
        Exchange retry = call("create-credit-note", note, key);
        assertThat(retry.getException()).isNull();
        assertThat(retry.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo(answer.path("id").asText());
        assertThat(XeroDocuments.creditNotes()).hasSize(1);
        assertThat(XeroDocuments.invoice(invoice).path("AmountCredited").decimalValue()).isEqualByComparingTo("216.00");
    }

    @Test
    void aDraftCreditNoteIsNotAllocatedAndAnAllocationXeroRefusesIsTargetRejected() throws Exception {
        Exchange draft = call("create-credit-note", creditNote("ACME-WEB 2026-10 C2", null, false),
                "credit-note:" + UUID.randomUUID());
        assertThat(draft.getException()).isNull();
        assertThat(JSON.readTree(draft.getMessage().getBody(String.class)).path("status").asText()).isEqualTo("DRAFT");
        VendorStubs.server().verify(0, putRequestedFor(urlPathMatching(".*/Allocations")));

        // an invoice Xero does not hold (never sent, or deleted): reading it is refused, with Xero's reason
        String unknown = UUID.randomUUID().toString();
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/" + unknown))
                .atPriority(1).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "text/plain")
                        .withBody("The resource you're looking for cannot be found")));
        Exchange refused = call("create-credit-note", creditNote("ACME-WEB 2026-10 C3", unknown, true),
                "credit-note:" + UUID.randomUUID());
        assertThat(refused.getException()).isInstanceOfSatisfying(FlowFailure.class, failure ->
                assertThat(failure.getMessage()).contains("404"));
        VendorStubs.server().verify(0, putRequestedFor(urlPathMatching(".*/Allocations")));
    }

    @Test
    void aCreditNoteForAPaidInvoiceKeepsItsCreditAndOneForAPartlyPaidInvoiceTakesWhatIsDue() throws Exception {
        // paid in full meanwhile: Xero would refuse any allocation, so none is made; the credit stays on the contact
        String paid = XeroDocuments.authorisedInvoice("1200.00");
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/" + paid))
                .atPriority(1).willReturn(okJson("{\"Invoices\":[{\"InvoiceID\":\"" + paid + "\",\"Status\":"
                        + "\"PAID\",\"Total\":1200.00,\"AmountPaid\":1200.00,\"AmountDue\":0.00}]}")));
        Exchange kept = call("create-credit-note", creditNote("ACME-WEB 2026-10 C4", paid, true),
                "credit-note:" + UUID.randomUUID());
        assertThat(kept.getException()).isNull();
        JsonNode unallocated = JSON.readTree(kept.getMessage().getBody(String.class));
        // 180.00 + 36.00 tax: all of it left as credit
        assertThat(unallocated.path("allocated").decimalValue()).isEqualByComparingTo("0");
        assertThat(unallocated.path("remainingCredit").decimalValue()).isEqualByComparingTo("216.00");
        VendorStubs.server().verify(0, putRequestedFor(urlPathMatching(".*/Allocations")));

        // 100.00 still due: 100.00 of the 216.00 goes to the invoice, 116.00 stays as credit
        String partly = XeroDocuments.authorisedInvoice("100.00");
        Exchange split = call("create-credit-note", creditNote("ACME-WEB 2026-10 C5", partly, true),
                "credit-note:" + UUID.randomUUID());
        assertThat(split.getException()).isNull();
        JsonNode answer = JSON.readTree(split.getMessage().getBody(String.class));
        assertThat(answer.path("allocated").decimalValue()).isEqualByComparingTo("100.00");
        assertThat(answer.path("remainingCredit").decimalValue()).isEqualByComparingTo("116.00");
        assertThat(XeroDocuments.invoice(partly).path("AmountDue").decimalValue()).isEqualByComparingTo("0");
    }

    @Test
    void aBalancedJournalIsPostedAndAnUnbalancedOneNeverReachesXero() throws Exception {
        Exchange posted = call("post-journal", journal("1720.50", "-1720.50"), "journal:" + UUID.randomUUID());
        assertThat(posted.getException()).isNull();
        JsonNode answer = JSON.readTree(posted.getMessage().getBody(String.class));
        assertThat(answer.path("status").asText()).isEqualTo("POSTED");
        assertThat(posted.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo(answer.path("id").asText());
        assertThat(XeroDocuments.journals()).singleElement().satisfies(journal -> {
            assertThat(journal.path("Narration").asText()).isEqualTo("Unbilled revenue (WIP) 2026-10 [WIP-NL-2026-10]");
            assertThat(journal.path("JournalLines").path(0).path("AccountCode").asText()).isEqualTo("1410");
            assertThat(journal.path("JournalLines").path(1).path("LineAmount").decimalValue())
                    .isEqualByComparingTo("-1720.50");
        });

        Exchange unbalanced = call("post-journal", journal("1720.50", "-1720.49"), "journal:" + UUID.randomUUID());
        assertThat(unbalanced.getException()).isInstanceOfSatisfying(FlowFailure.class, failure -> {
            assertThat(failure.errorClass()).isEqualTo(ErrorClass.VALIDATION);
            assertThat(failure.getMessage()).contains("debits 1720.50, credits 1720.49");
        });
        assertThat(XeroDocuments.journals()).hasSize(1);
    }

    private Exchange call(String capability, String body, String key) {
        return producer.request("direct:erp-" + capability, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(FlowHeaders.IDEMPOTENCY_KEY, key);
        });
    }

    private static String creditNote(String reference, String invoice, boolean post) {
        return """
                {"reference": "%s", "currency": "EUR", "issueDate": "2026-11-20", "post": %s,
                 "client": {"erpContactId": "5e5f3b8a-4c2d-4e1f-9a0b-1c2d3e4f5a6b", "name": "Acme GmbH"},
                 %s
                 "lines": [{"lineNo": 1, "description": "Programming: 1.5 h at 120.00 (corrected entry)",
                            "quantity": 1.5, "unitPrice": 120.00, "lineAmount": 180.00, "accountCode": "200",
                            "taxType": "OUTPUT2"}],
                 "total": 180.00}
                """.formatted(reference, post, invoice == null ? "" : "\"invoice\": {\"erpInvoiceId\": \"" + invoice + "\"},");
    }

    private static String journal(String debit, String credit) {
        return """
                {"reference": "WIP-NL-2026-10", "date": "2026-10-31", "narration": "Unbilled revenue (WIP) 2026-10",
                 "currency": "EUR",
                 "lines": [{"accountCode": "1410", "amount": "%s", "description": "Acme web shop: approved, not billed"},
                           {"accountCode": "4000", "amount": "%s", "description": "Acme web shop: revenue"}]}
                """.formatted(debit, credit);
    }
}
