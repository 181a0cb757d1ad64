package io.ledgerbridge.kpi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** KPIs from a known scenario: four entries approved two hours ago, one needing an operator, then billed. */
@QuarkusTest
class KpiTest {

    @Test
    void kpisOfAKnownScenario() {
        VendorStubs.reset();
        long psaProject = TimeEntryFixtures.nextId();
        long user = TimeEntryFixtures.nextId();
        String card = "KPI-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest", "sourceId",
                        String.valueOf(user), "targetSystem", "erp", "targetId", UUID.randomUUID().toString())),
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", "EUR", "billRate", "100.00",
                        "costRate", "50.00", "effectiveFrom", "2020-01-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", UUID.randomUUID().toString()),
                        Map.entry("erpContactId", UUID.randomUUID().toString()), Map.entry("name", "Measured"),
                        Map.entry("clientName", "Umbrella"), Map.entry("region", "EU"), Map.entry("currency", "EUR"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2020-01-01"))),
                "assignments", List.of(Map.of("sourceId", "kpi-" + psaProject, "psaProjectId", String.valueOf(psaProject),
                        "psaUserId", String.valueOf(user), "role", "Consultant", "startsOn", "2020-01-01",
                        "erpTaskId", UUID.randomUUID().toString()))))
                .put("/admin/reference-data").then().statusCode(200);
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        long replaysBefore = manualReplays(month);

        // the ERP refuses the 7.77 h entry (466 minutes) until an operator replays it
        VendorStubs.server().stubFor(post(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/[^/]+/Time")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.duration", equalTo("466")))
                .willReturn(aResponse().withStatus(400).withBody("{\"message\":\"task closed\"}")));
        String approved = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        long refused = entry(psaProject, user, "7.77", approved);
        List<Long> clean = List.of(entry(psaProject, user, "1", approved), entry(psaProject, user, "2", approved),
                entry(psaProject, user, "3", approved));
        await().atMost(Duration.ofSeconds(60)).until(() -> clean.stream().allMatch(KpiTest::posted)
                && deadLetter(refused) != null);
        VendorStubs.reset();
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + deadLetter(refused).id + "/replay").then().statusCode(200);
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", month.toString(), "projects", List.of(projectId)))
                .post("/admin/billing-runs").then().statusCode(200);

        JsonPath kpis = Admin.as(Admin.VIEWER).queryParam("period", month.toString()).queryParam("projectId", projectId)
                .get("/admin/kpis").then().statusCode(200).extract().jsonPath();
        assertThat(kpis.getLong("approvedTimeSynced")).isEqualTo(4);
        assertThat(kpis.getLong("syncedWithoutIntervention")).isEqualTo(3);
        assertThat(kpis.getDouble("syncedWithoutInterventionShare")).isEqualTo(0.75);
        assertThat(kpis.getLong("billingRuns")).isEqualTo(1);
        assertThat(kpis.getDouble("invoiceExceptionRate")).isEqualTo(0.0);
        // approved two hours ago, posted and invoiced within the test's minute
        assertThat(kpis.getLong("approvalToErpLagSeconds.count")).isEqualTo(4);
        assertThat(kpis.getLong("approvalToErpLagSeconds.p50")).isBetween(7200L, 7300L);
        assertThat(kpis.getLong("approvalToErpLagSeconds.p95")).isBetween(7200L, 7300L);
        assertThat(kpis.getLong("billingCycleSeconds.count")).isEqualTo(4);
        assertThat(kpis.getLong("billingCycleSeconds.p50")).isBetween(7200L, 7300L);
        assertThat(manualReplays(month)).isEqualTo(replaysBefore + 1);
        assertThat(kpis.getMap("openDeadLetters")).isNotNull();

        // the same figures (of every project) as gauges for Prometheus
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get(io.ledgerbridge.testing.Management.url("/q/metrics")).then().statusCode(200)
                .body(containsString("ledgerbridge_kpi_synced_without_intervention_ratio"))
                .body(containsString("ledgerbridge_kpi_approval_to_erp_lag_p95_seconds"))
                .body(containsString("ledgerbridge_kpi_manual_actions{action=\"replay\"")));
    }

    private static long manualReplays(YearMonth month) {
        Object replays = Admin.as(Admin.VIEWER).queryParam("period", month.toString()).get("/admin/kpis").then()
                .statusCode(200).extract().jsonPath().get("manualActions.replay");
        return replays == null ? 0 : ((Number) replays).longValue();
    }

    private static long entry(long project, long user, String hours, String approved) {
        long id = TimeEntryFixtures.nextId();
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "%s", "hours": %s, "billable": true, "is_closed": true,
                 "updated_at": "%s", "user": {"id": %d}, "project": {"id": %d}, "task": {"id": 1}}
                """.formatted(id, day, hours, approved, user, project)).post("/api/v1/time-entries").then()
                .statusCode(202);
        return id;
    }

    private static boolean posted(long id) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                "approved-time-to-erp", String.valueOf(id), SyncRecord.Status.POSTED) > 0);
    }

    private static DeadLetter deadLetter(long id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("harvest:time-entry:" + id)
                .stream().findFirst().orElse(null));
    }
}
