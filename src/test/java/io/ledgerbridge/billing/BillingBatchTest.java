package io.ledgerbridge.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Billing many projects at once (what the schedule does at month end, direct:billing-runs) sends their invoices to
 * Xero in one PUT /Invoices per batch instead of one each, and never invoices twice: a refused invoice fails alone and
 * is sent alone once fixed; a batch that failed as a whole, or a run of it billed again, sends the batch as it was
 * first sent under its idempotency key. Each project: 2 h at 100.00 = 200.00, Xero adds 20 % tax.
 */
@QuarkusTest
class BillingBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PERIOD = "2026-10";
    private static final String XERO_INVOICES = VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices";

    @Inject
    ProducerTemplate producer;

    @Inject
    BillingBatches batches;

    @BeforeEach
    void healthyXero() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void threeProjectsTakeOneCallAndARefusedInvoiceFailsAloneAndIsSentAloneOnceFixed() {
        Project a = project();
        Project b = project();
        Project c = project();
        VendorStubs.XeroInvoices.archive(c.contact);

        producer.requestBody("direct:billing-runs", List.of(a.request(), b.request(), c.request()));

        List<LoggedRequest> calls = salesInvoiceCalls();
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.getUrl()).contains("summarizeErrors=false");
            assertThat(call.getHeader("Idempotency-Key")).startsWith("billing-batch-");
            assertThat(invoices(call)).extracting(i -> i.path("Reference").asText())
                    .containsExactly(a.reference(), b.reference(), c.reference());
        });
        for (Project invoiced : List.of(a, b)) {
            BillingRun run = run(invoiced);
            assertThat(run.status).isEqualTo(BillingRun.Status.INVOICED);
            assertThat(run.total).isEqualByComparingTo("200.00");
            assertThat(run.erpTotal).isEqualByComparingTo("240.00");
            assertThat(run.batchKey).isEqualTo(calls.get(0).getHeader("Idempotency-Key"));
        }
        BillingRun refused = run(c);
        assertThat(refused.status).isEqualTo(BillingRun.Status.PLANNED);
        assertThat(refused.batchKey).as("a refused invoice leaves its batch").isNull();
        DeadLetter letter = deadLetter("billing:project-" + c.id + ":" + PERIOD);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.TARGET_REJECTED);
        assertThat(letter.errorMessage).contains("archived");
        assertThat(VendorStubs.XeroInvoices.createdWithReference(c.reference())).isZero();

        // the contact restored in Xero: the replay sends the invoice alone, under the run's own key
        VendorStubs.reset();
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + letter.id + "/replay")
                .then().statusCode(200);
        assertThat(run(c).status).isEqualTo(BillingRun.Status.INVOICED);
        assertThat(salesInvoiceCalls()).singleElement().satisfies(call -> {
            assertThat(call.getHeader("Idempotency-Key")).isEqualTo(refused.idempotencyKey);
            assertThat(invoices(call)).hasSize(1);
        });
        for (Project project : List.of(a, b, c)) {
            assertThat(VendorStubs.XeroInvoices.createdWithReference(project.reference())).isEqualTo(1);
        }
    }

    @Test
    void aBatchThatFailedIsSentAgainAsItWasAndNothingIsInvoicedTwice() {
        Project d = project();
        Project e = project();
        VendorStubs.server().stubFor(put(urlPathEqualTo(XERO_INVOICES)).atPriority(1)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"Message\": \"The Xero API is currently offline for maintenance\"}")));

        producer.requestBody("direct:billing-runs", List.of(d.request(), e.request()));

        String key = run(d).batchKey;
        assertThat(key).startsWith("billing-batch-").isEqualTo(run(e).batchKey);
        DeadLetter letter = deadLetter("billing:" + key);
        // its dead letter says why it waits: the schedule does not send it again by itself
        QuarkusTransaction.requiringNew().run(() -> BillingBatch.update("createdAt = ?1 where key = ?2",
                java.time.Instant.now().minus(Duration.ofHours(1)), key));
        assertThat(batches.stalled()).doesNotContain("{\"batch\":\"" + key + "\"}");
        assertThat(letter.flow).isEqualTo("billing-batch");
        assertThat(letter.errorClass).isEqualTo(ErrorClass.TARGET_UNAVAILABLE);
        assertThat(run(d).status).isEqualTo(BillingRun.Status.PLANNED);

        // Xero is back. One of the projects billed again (an operator, or the next month-end) sends its whole batch
        // under the batch's key: Xero creates both invoices, this run is invoiced
        VendorStubs.reset();
        await().atMost(Duration.ofSeconds(30)).until(() -> Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", PERIOD, "projects", List.of(d.id))).post("/admin/billing-runs").then()
                .extract().jsonPath().getString("outcomes[0].outcome").equals("INVOICED"));
        assertThat(run(e).status).isEqualTo(BillingRun.Status.PLANNED);
        // had nobody been told (no open dead letter), the schedule would send it again by itself
        QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("status = ?1 where id = ?2",
                DeadLetter.Status.RESOLVED, letter.id));
        assertThat(batches.stalled()).contains("{\"batch\":\"" + key + "\"}");
        QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("status = ?1 where id = ?2",
                DeadLetter.Status.OPEN, letter.id));

        // the batch's dead letter replayed: the same request under the same key, Xero answers what it created
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + letter.id + "/replay")
                .then().statusCode(200);
        assertThat(run(e).status).isEqualTo(BillingRun.Status.INVOICED);
        assertThat(salesInvoiceCalls()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(call -> {
            assertThat(call.getHeader("Idempotency-Key")).isEqualTo(key);
            assertThat(invoices(call)).hasSize(2);
        });
        assertThat(VendorStubs.XeroInvoices.createdWithReference(d.reference())).isEqualTo(1);
        assertThat(VendorStubs.XeroInvoices.createdWithReference(e.reference())).isEqualTo(1);
        assertThat(run(d).erpInvoiceId).isNotEqualTo(run(e).erpInvoiceId);
    }

    @Test
    void twoBillingsOfThePeriodAtOnceInvoiceEachProjectOnce() throws Exception {
        Project f = project();
        Project g = project();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Callable<String> billing = () -> Admin.as(Admin.OPERATOR).contentType("application/json")
                    .body(Map.of("period", PERIOD, "projects", List.of(f.id, g.id))).post("/admin/billing-runs").then()
                    .statusCode(200).extract().asString();
            for (var outcome : pool.invokeAll(List.of(billing, billing))) {
                assertThat(outcome.get()).doesNotContain("FAILED");
            }
        } finally {
            pool.shutdownNow();
        }
        // each run was claimed once, for a batch or alone: Xero holds one invoice per project
        await().atMost(Duration.ofSeconds(10)).until(() -> run(f).status == BillingRun.Status.INVOICED
                && run(g).status == BillingRun.Status.INVOICED);
        assertThat(VendorStubs.XeroInvoices.createdWithReference(f.reference())).isEqualTo(1);
        assertThat(VendorStubs.XeroInvoices.createdWithReference(g.reference())).isEqualTo(1);
    }

    /** A project of the EU entity with one consultant's 2 approved hours in October, posted. */
    private Project project() {
        long psaProject = TimeEntryFixtures.nextId();
        long user = TimeEntryFixtures.nextId();
        String card = "BATCH-" + psaProject;
        String contact = UUID.randomUUID().toString();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest",
                        "sourceId", String.valueOf(user), "targetSystem", "erp", "targetId", UUID.randomUUID().toString())),
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", "EUR", "billRate", "100.00",
                        "costRate", "60.00", "effectiveFrom", "2026-01-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", UUID.randomUUID().toString()), Map.entry("erpContactId", contact),
                        Map.entry("name", "Batch " + psaProject), Map.entry("code", "B-" + psaProject),
                        Map.entry("clientName", "Client " + psaProject), Map.entry("region", "EU"),
                        Map.entry("currency", "EUR"), Map.entry("contractType", "TIME_AND_MATERIALS"),
                        Map.entry("rateCard", card), Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-10-01"))),
                "assignments", List.of(Map.of("sourceId", "batch-" + psaProject, "psaProjectId",
                        String.valueOf(psaProject), "psaUserId", String.valueOf(user), "role", "Consultant",
                        "startsOn", "2026-10-01", "erpTaskId", UUID.randomUUID().toString()))))
                .put("/admin/reference-data").then().statusCode(200);
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "2026-10-14", "hours": 2, "notes": "Delivery", "billable": true,
                 "is_closed": true, "is_billed": false, "updated_at": "2026-11-02T09:00:00Z",
                 "user": {"id": %d, "name": "Ana Lima"}, "project": {"id": %d, "name": "Batch"},
                 "task": {"id": 77, "name": "Consultant"}}
                """.formatted(entry, user, psaProject)).post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(() -> SyncRecord
                .count("sourceId = ?1 and status = ?2", String.valueOf(entry), SyncRecord.Status.POSTED) > 0));
        long id = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then().statusCode(200)
                .extract().jsonPath().getLong("[0].id");
        return new Project(id, psaProject, contact);
    }

    private record Project(long id, long psaId, String contact) {
        String request() {
            return "{\"projectId\": " + id + ", \"period\": \"" + PERIOD + "\"}";
        }

        String reference() {
            return "B-" + psaId + " " + PERIOD;
        }
    }

    private static BillingRun run(Project project) {
        return QuarkusTransaction.requiringNew().call(() -> BillingRun.of(project.id, PERIOD).orElseThrow());
    }

    private static DeadLetter deadLetter(String businessKey) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey(businessKey).stream()
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no dead letter " + businessKey)));
    }

    /** The calls that reached Xero's invoices with sales invoices (ACCREC; expenses' bills share the endpoint). */
    private static List<LoggedRequest> salesInvoiceCalls() {
        List<LoggedRequest> calls = new ArrayList<>();
        for (LoggedRequest call : VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(XERO_INVOICES)))) {
            if ("ACCREC".equals(invoices(call).path(0).path("Type").asText())) {
                calls.add(call);
            }
        }
        return calls;
    }

    private static JsonNode invoices(LoggedRequest call) {
        try {
            return JSON.readTree(call.getBodyAsString()).path("Invoices");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
