package io.ledgerbridge.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.SchedulesOn;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The schedule bills a project's last month by itself once the month (and its grace days) is over, once (checking
 * twice a second, no grace days: {@link SchedulesOn}).
 */
@QuarkusTest
@TestProfile(SchedulesOn.class)
class BillingScheduleTest {

    @Test
    void lastMonthIsBilledByTheScheduleWithoutAnAdminCallAndOnlyOnce() {
        VendorStubs.reset();
        long psaProject = TimeEntryFixtures.nextId();
        long user = TimeEntryFixtures.nextId();
        YearMonth last = YearMonth.now().minusMonths(1);
        LocalDate workDay = last.atDay(10);
        String card = "SCHEDULE-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest", "sourceId",
                        String.valueOf(user), "targetSystem", "erp", "targetId", UUID.randomUUID().toString())),
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", "USD", "billRate", "95.00",
                        "costRate", "50.00", "effectiveFrom", "2020-01-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", UUID.randomUUID().toString()),
                        Map.entry("erpContactId", UUID.randomUUID().toString()), Map.entry("name", "Scheduled"),
                        Map.entry("clientName", "Globex"), Map.entry("region", "NA"), Map.entry("currency", "USD"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2020-01-01"))),
                "assignments", List.of(Map.of("sourceId", "schedule-" + psaProject, "psaProjectId",
                        String.valueOf(psaProject), "psaUserId", String.valueOf(user), "role", "Consultant",
                        "startsOn", "2020-01-01", "erpTaskId", UUID.randomUUID().toString()))))
                .put("/admin/reference-data").then().statusCode(200);
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "%s", "hours": 2, "billable": true, "is_closed": true,
                 "updated_at": "%sT18:00:00Z", "user": {"id": %d}, "project": {"id": %d}, "task": {"id": 1}}
                """.formatted(entry, workDay, workDay, user, psaProject)).post("/api/v1/time-entries").then()
                .statusCode(202);

        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
        await().atMost(Duration.ofSeconds(60)).until(() -> QuarkusTransaction.requiringNew().call(() -> BillingRun
                .of(projectId, last.toString()).map(r -> r.status == BillingRun.Status.INVOICED).orElse(false)));
        String key = "billing-" + projectId + "-" + last;
        // the schedule keeps checking (twice a second) and finds the period invoiced: the invoice stays sent once
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> VendorStubs.server()
                .findAll(putRequestedFor(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices"))
                        .withHeader("Idempotency-Key", equalTo(key))).size() == 1);
        assertThat(QuarkusTransaction.requiringNew().call(() -> BillingRun.of(projectId, last.toString())
                .orElseThrow().total)).isEqualByComparingTo("190.00");
    }
}
