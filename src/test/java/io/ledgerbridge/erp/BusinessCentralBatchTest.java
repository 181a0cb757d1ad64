package io.ledgerbridge.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.OnBusinessCentral;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sales document's and a journal's lines reach Business Central in {@code $batch} requests of up to 100
 * operations, each a transaction (Isolation: snapshot): the stub checks every operation against the contract, runs
 * them in order and rolls the batch back when one fails. Calls are counted at the stub; figures worked by hand (the
 * stub company's tax is 20%).
 */
@QuarkusTest
@TestProfile(OnBusinessCentral.class)
class BusinessCentralBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPANY = VendorStubs.BC_COMPANY;
    private static final String BATCH = VendorStubs.BC_BASE + "/$batch";

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
    void anInvoicesLinesGoInOneBatch() throws Exception {
        String customer = BusinessCentralLedger.customer(COMPANY, "Acme Inc.");
        Exchange created = call("create-invoice", invoice("ACME-US 2026-10", customer, 3));
        assertThat(created.getException()).isNull();
        // 3 lines of 2.5 h x 100.00 = 750.00, tax 150.00
        JsonNode answer = JSON.readTree(created.getMessage().getBody(String.class));
        assertThat(answer.path("subTotal").decimalValue()).isEqualByComparingTo("750.00");
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo("900.00");
        assertThat(answer.path("lines")).hasSize(3);

        List<LoggedRequest> batches = batches();
        assertThat(batches).singleElement().satisfies(batch -> {
            assertThat(batch.getHeader("Isolation")).isEqualTo("snapshot");
            JsonNode requests = JSON.readTree(batch.getBodyAsString()).path("requests");
            assertThat(requests).hasSize(3);
            assertThat(requests.path(0).path("url").asText())
                    .matches("companies\\(" + COMPANY + "\\)/salesInvoices\\([^)]+\\)/salesInvoiceLines");
        });
        assertThat(VendorStubs.server().findAll(postRequestedFor(urlPathMatching(".*/salesInvoiceLines")))).isEmpty();
        // find, create, 1 batch for the 3 lines (3 calls before batching), post, read back
        assertThat(VendorStubs.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                urlPathMatching(VendorStubs.BC_BASE + "/.*")))).hasSize(5);
    }

    @Test
    void moreThanAHundredLinesTakeOneBatchPerHundred() throws Exception {
        String customer = BusinessCentralLedger.customer(COMPANY, "Globex Corp.");
        Exchange created = call("create-invoice", invoice("GLOBEX-US 2026-10", customer, 130));
        assertThat(created.getException()).isNull();
        JsonNode answer = JSON.readTree(created.getMessage().getBody(String.class));
        // 130 x 250.00 = 32,500.00, tax 6,500.00
        assertThat(answer.path("subTotal").decimalValue()).isEqualByComparingTo("32500.00");
        assertThat(answer.path("total").decimalValue()).isEqualByComparingTo("39000.00");
        assertThat(answer.path("lines")).hasSize(130);
        assertThat(batches()).extracting(batch -> JSON.readTree(batch.getBodyAsString()).path("requests").size())
                .containsExactly(100, 30);
    }

    @Test
    void aRefusedLineRollsItsBatchBackAndTheRetryAddsThemAll() throws Exception {
        String customer = BusinessCentralLedger.customer(COMPANY, "Initech Inc.");
        ObjectNode refused = (ObjectNode) JSON.readTree(invoice("INITECH-US 2026-10", customer, 3));
        ((ObjectNode) refused.path("lines").path(1)).put("accountCode", "");

        Exchange failed = call("create-invoice", refused.toString());
        assertThat(failed.getException()).isInstanceOfSatisfying(FlowFailure.class, failure -> {
            assertThat(failure.errorClass()).isEqualTo(ErrorClass.TARGET_REJECTED);
            assertThat(failure.getMessage()).contains("An account line needs lineDetails.number");
        });
        // the draft is there, without the line the batch added before the refusal
        assertThat(BusinessCentralLedger.records(COMPANY, "salesInvoices")).singleElement()
                .satisfies(draft -> assertThat(draft.path("salesInvoiceLines")).isEmpty());

        // corrected and sent again: the draft is found by its reference and gets all three lines, once
        Exchange retried = call("create-invoice", invoice("INITECH-US 2026-10", customer, 3));
        assertThat(retried.getException()).isNull();
        assertThat(BusinessCentralLedger.records(COMPANY, "salesInvoices")).singleElement().satisfies(draft -> {
            assertThat(draft.path("salesInvoiceLines")).hasSize(3);
            assertThat(draft.path("totalAmountIncludingTax").decimalValue()).isEqualByComparingTo("900.00");
        });
    }

    @Test
    void aJournalsLinesGoInOneBatch() throws Exception {
        BusinessCentralLedger.journalBatch(COMPANY, "LEDGERBRID");
        Exchange posted = call("post-journal", """
                {"reference": "WIP-US-2026-10", "date": "2026-10-31", "narration": "Unbilled revenue (WIP)",
                 "currency": "USD",
                 "lines": [{"accountCode": "1410", "amount": "1720.50"}, {"accountCode": "1410", "amount": "79.50"},
                           {"accountCode": "40100", "amount": "-1800.00"}]}
                """);
        assertThat(posted.getException()).isNull();
        assertThat(batches()).singleElement().satisfies(
                batch -> assertThat(JSON.readTree(batch.getBodyAsString()).path("requests")).hasSize(3));
        assertThat(BusinessCentralLedger.records(COMPANY, "generalLedgerEntries")).hasSize(3);
    }

    @Test
    void theStubChecksEachOperationOfABatchAgainstTheContract() {
        String batch = """
                {"requests": [{"id": "1", "method": "POST",
                               "url": "companies(%s)/salesInvoices(%s)/salesInvoiceLines",
                               "headers": {"Content-Type": "application/json"},
                               "body": {"lineType": "Account", "quantity": "two and a half"}}]}
                """.formatted(COMPANY, UUID.randomUUID());
        io.restassured.RestAssured.given().baseUri("http://127.0.0.1:" + VendorStubs.server().port())
                .contentType("application/json").header("Authorization", "Bearer t").body(batch)
                .post(BATCH).then().statusCode(400);
        assertThat(VendorStubs.violations()).singleElement().asString()
                .contains("$batch operation 1").contains("quantity");
        VendorStubs.reset();
    }

    private static List<LoggedRequest> batches() {
        return VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(BATCH)));
    }

    private Exchange call(String capability, String body) {
        return producer.request("direct:erp-" + capability, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader(FlowHeaders.IDEMPOTENCY_KEY, capability + ":" + UUID.randomUUID());
        });
    }

    /** A billing run's invoice of this many lines of 2.5 h at 100.00. */
    private static String invoice(String reference, String customer, int lines) {
        ObjectNode invoice = JSON.createObjectNode().put("runId", 7).put("period", "2026-10").put("currency", "USD")
                .put("issueDate", "2026-11-03").put("dueDate", "2026-12-03").put("reference", reference)
                .put("total", new BigDecimal("250.00").multiply(BigDecimal.valueOf(lines))).put("post", true);
        invoice.putObject("client").put("erpContactId", customer).put("name", "Customer");
        invoice.putObject("project").put("id", 1).put("name", "Web shop").put("region", "NA");
        ArrayNode items = invoice.putArray("lines");
        for (int i = 1; i <= lines; i++) {
            items.addObject().put("lineNo", i).put("description", "Programming: 2.5 h at 100.00 (" + i + ")")
                    .put("quantity", new BigDecimal("2.5")).put("unitPrice", new BigDecimal("100.00"))
                    .put("lineAmount", new BigDecimal("250.00")).put("accountCode", "40100");
        }
        return invoice.toString();
    }
}
