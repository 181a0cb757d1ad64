package io.ledgerbridge.erp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.OnBusinessCentral;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ERP capabilities create-credit-note and post-journal on Business Central, against its contract: a posted
 * credit memo is applied against the invoice it corrects, a journal goes through ledgerbridge's own batch and is
 * posted, and neither is booked twice when a call is repeated (Business Central takes no idempotency key). The
 * figures are worked out by hand (the stub company's tax is 20%).
 */
@QuarkusTest
@TestProfile(OnBusinessCentral.class)
class BusinessCentralCreditNotesAndJournalsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPANY = VendorStubs.BC_COMPANY;

    @Inject
    ProducerTemplate producer;

    @BeforeEach
    void healthyBusinessCentral() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).as("requests that break the Business Central contract").isEmpty();
    }

    @Test
    void aPostedCreditMemoIsAppliedAgainstTheInvoiceItCorrectsOnce() throws Exception {
        String customer = BusinessCentralLedger.customer(COMPANY, "Acme Inc.");
        String invoice = BusinessCentralLedger.postedInvoice(COMPANY, customer, "1200.00");
        String note = creditNote("ACME-US 2026-10 C1", customer, invoice, true);

        Exchange first = call("create-credit-note", note);
        assertThat(first.getException()).isNull();
        JsonNode answer = JSON.readTree(first.getMessage().getBody(String.class));
        // 1.5 h x 120.00 = 180.00, tax 36.00: 216.00 applied against the invoice
        assertThat(answer.path("subTotal").decimalValue()).isEqualByComparingTo("180.00");
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo("216.00");
        assertThat(answer.path("status").asText()).isEqualTo("PAID");
        assertThat(answer.path("allocated").decimalValue()).isEqualByComparingTo("216.00");
        assertThat(answer.path("number").asText()).startsWith("S-CR");
        assertThat(first.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo(answer.path("id").asText());
        assertThat(invoice(invoice).path("remainingAmount").decimalValue()).isEqualByComparingTo("984.00");
        assertThat(BusinessCentralLedger.records(COMPANY, "salesCreditMemos")).singleElement().satisfies(memo -> {
            assertThat(memo.path("externalDocumentNumber").asText()).isEqualTo("ACME-US 2026-10 C1");
            assertThat(memo.path("invoiceId").asText()).isEqualTo(invoice);
            assertThat(memo.path("salesCreditMemoLines")).hasSize(1);
        });

        // again (a retry after a lost answer): found by its reference, nothing added, posted or applied twice
        Exchange retry = call("create-credit-note", note);
        assertThat(retry.getException()).isNull();
        assertThat(retry.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo(answer.path("id").asText());
        assertThat(BusinessCentralLedger.records(COMPANY, "salesCreditMemos")).singleElement()
                .satisfies(memo -> assertThat(memo.path("salesCreditMemoLines")).hasSize(1));
        assertThat(invoice(invoice).path("remainingAmount").decimalValue()).isEqualByComparingTo("984.00");
    }

    @Test
    void anUnpostedCreditMemoStaysADraft() throws Exception {
        String customer = BusinessCentralLedger.customer(COMPANY, "Acme Inc.");
        Exchange draft = call("create-credit-note", creditNote("ACME-US 2026-10 C2", customer, null, false));
        assertThat(draft.getException()).isNull();
        JsonNode answer = JSON.readTree(draft.getMessage().getBody(String.class));
        assertThat(answer.path("status").asText()).isEqualTo("DRAFT");
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo("216.00");
    }

    @Test
    void aJournalIsPostedThroughLedgerbridgesBatchOnce() throws Exception {
        Exchange noBatch = call("post-journal", journal("WIP-US-2026-10", "1720.50", "-1720.50"));
        assertThat(noBatch.getException()).isInstanceOfSatisfying(FlowFailure.class, failure -> {
            assertThat(failure.errorClass()).isEqualTo(ErrorClass.TARGET_REJECTED);
            assertThat(failure.getMessage()).contains("LEDGERBRID").contains("ledgerbridge.erp.business-central.journal");
        });

        String batch = BusinessCentralLedger.journalBatch(COMPANY, "LEDGERBRID");
        Exchange posted = call("post-journal", journal("WIP-US-2026-10", "1720.50", "-1720.50"));
        assertThat(posted.getException()).isNull();
        JsonNode answer = JSON.readTree(posted.getMessage().getBody(String.class));
        assertThat(answer.path("id").asText()).isEqualTo("WIP-US-2026-10");
        assertThat(answer.path("status").asText()).isEqualTo("POSTED");
        assertThat(answer.path("lines").findValuesAsText("amount")).containsExactly("1720.50", "-1720.50");
        assertThat(posted.getMessage().getHeader(FlowHeaders.TARGET_ID)).isEqualTo("WIP-US-2026-10");
        assertThat(entries("WIP-US-2026-10")).hasSize(2);
        assertThat(BusinessCentralLedger.records(COMPANY, "journalLines")).isEmpty();

        // again: its G/L entries say it is posted; nothing is added or posted
        Exchange again = call("post-journal", journal("WIP-US-2026-10", "1720.50", "-1720.50"));
        assertThat(again.getException()).isNull();
        assertThat(entries("WIP-US-2026-10")).hasSize(2);

        // a post that failed left one of a journal's two lines in the batch: it is replaced, not doubled
        BusinessCentralLedger.journalLine(COMPANY, batch, "WIP-US-2026-11", "1410", "300.00");
        Exchange resumed = call("post-journal", journal("WIP-US-2026-11", "300.00", "-300.00"));
        assertThat(resumed.getException()).isNull();
        assertThat(entries("WIP-US-2026-11")).extracting(e -> e.path("debitAmount").decimalValue().subtract(
                e.path("creditAmount").decimalValue()).setScale(2).toPlainString())
                .containsExactlyInAnyOrder("300.00", "-300.00");

        Exchange unbalanced = call("post-journal", journal("WIP-US-2026-12", "10.00", "-9.99"));
        assertThat(unbalanced.getException()).isInstanceOfSatisfying(FlowFailure.class,
                failure -> assertThat(failure.errorClass()).isEqualTo(ErrorClass.VALIDATION));
        assertThat(BusinessCentralLedger.records(COMPANY, "journalLines")).isEmpty();
    }

    private static ObjectNode invoice(String id) {
        return BusinessCentralLedger.records(COMPANY, "salesInvoices").stream()
                .filter(i -> i.path("id").asText().equals(id)).findFirst().orElseThrow();
    }

    private static java.util.List<ObjectNode> entries(String document) {
        return BusinessCentralLedger.records(COMPANY, "generalLedgerEntries").stream()
                .filter(e -> e.path("documentNumber").asText().equals(document)).toList();
    }

    private Exchange call(String capability, String body) {
        return producer.request("direct:erp-" + capability, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(FlowHeaders.IDEMPOTENCY_KEY, capability + ":" + UUID.randomUUID());
        });
    }

    private static String creditNote(String reference, String customer, String invoice, boolean post) {
        return """
                {"reference": "%s", "currency": "USD", "issueDate": "2026-11-20", "post": %s,
                 "client": {"erpContactId": "%s", "name": "Acme Inc."},
                 %s
                 "lines": [{"lineNo": 1, "description": "Programming: 1.5 h at 120.00 (corrected entry)",
                            "quantity": 1.5, "unitPrice": 120.00, "lineAmount": 180.00, "accountCode": "40100"}],
                 "total": 180.00}
                """.formatted(reference, post, customer,
                invoice == null ? "" : "\"invoice\": {\"erpInvoiceId\": \"" + invoice + "\"},");
    }

    private static String journal(String reference, String debit, String credit) {
        return """
                {"reference": "%s", "date": "2026-10-31", "narration": "Unbilled revenue (WIP)", "currency": "USD",
                 "lines": [{"accountCode": "1410", "amount": "%s", "description": "approved, not billed"},
                           {"accountCode": "40100", "amount": "%s"}]}
                """.formatted(reference, debit, credit);
    }
}
