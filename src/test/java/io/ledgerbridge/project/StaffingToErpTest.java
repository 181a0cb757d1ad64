package io.ledgerbridge.project;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.xref.CrossReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A staffing change gives the project one ERP task per role, at the role's rate, and keeps the assignment. */
@QuarkusTest
class StaffingToErpTest {

    private long psaProject;
    private String erpProject;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        psaProject = TimeEntryFixtures.nextId();
        erpProject = UUID.randomUUID().toString();
        String card = "STAFF-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", "SEK", "billRate", "1500.00",
                        "costRate", "900.00", "effectiveFrom", "2026-01-01")),
                "fxRates", List.of(Map.of("base", "SEK", "quote", "EUR", "rate", "0.0900", "effectiveFrom", "2026-10-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", erpProject), Map.entry("name", "Staffed"), Map.entry("clientName", "C"),
                        Map.entry("region", "EU"), Map.entry("currency", "EUR"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-10-01")))))
                .put("/admin/reference-data").then().statusCode(200);
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void firstAssignmentOfARoleCreatesTheErpTaskAtTheConvertedRateAndTheNextReusesIt() {
        long first = TimeEntryFixtures.nextId();
        long second = TimeEntryFixtures.nextId();
        post(assignment(first, psaProject, TimeEntryFixtures.nextId(), "2026-11-01"));
        await().atMost(Duration.ofSeconds(60)).until(() -> done(first));
        post(assignment(second, psaProject, TimeEntryFixtures.nextId(), "2026-11-15"));
        await().atMost(Duration.ofSeconds(60)).until(() -> done(second));

        // 1500.00 SEK x 0.0900 (rate in force on 1 November) = 135.00 EUR, the project's currency
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + erpProject + "/Tasks"))
                .withHeader("Idempotency-Key", equalTo("task-" + erpProject + "-Consultant"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("Consultant")))
                .withRequestBody(matchingJsonPath("$.rate.currency", equalTo("EUR")))
                .withRequestBody(matchingJsonPath("$.rate[?(@.value == 135.00)]"))
                .withRequestBody(matchingJsonPath("$.chargeType", equalTo("TIME"))));
        String task = QuarkusTransaction.requiringNew().call(() -> CrossReference
                .lookup("TASK", "harvest", psaProject + ":Consultant", "erp").orElseThrow().targetId);
        List<AssignmentRecord> kept = QuarkusTransaction.requiringNew().call(
                () -> AssignmentRecord.list("psaProjectId", String.valueOf(psaProject)));
        assertThat(kept).hasSize(2).allSatisfy(a -> {
            assertThat(a.erpTaskId).isEqualTo(task);
            assertThat(a.role).isEqualTo("Consultant");
        });
    }

    @Test
    void assignmentToAnUnknownProjectWaitsAsReference() {
        long id = TimeEntryFixtures.nextId();
        long unknown = TimeEntryFixtures.nextId();
        post(assignment(id, unknown, TimeEntryFixtures.nextId(), "2026-11-01"));
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter(id) != null);
        assertThat(deadLetter(id).errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(deadLetter(id).errorMessage).contains("project harvest:" + unknown + " is unknown");
    }

    static void post(String assignment) {
        given().contentType("application/json").body(assignment).post("/api/v1/assignments").then().statusCode(202);
    }

    static String assignment(long id, long project, long user, String start) {
        return """
                {"id": %d, "project": {"id": %d, "name": "Staffed"}, "user": {"id": %d, "name": "Ana Lima"},
                 "role": "Consultant", "starts_on": "%s", "ends_on": null, "is_active": true,
                 "updated_at": "2026-10-30T08:00:00Z"}
                """.formatted(id, project, user, start);
    }

    private static boolean done(long id) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                "staffing-to-erp", String.valueOf(id), SyncRecord.Status.POSTED) == 1);
    }

    private static DeadLetter deadLetter(long id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("harvest:assignment:" + id)
                .stream().findFirst().orElse(null));
    }
}
