package io.ledgerbridge.reconcile;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A period with deliberate gaps between Harvest, ledgerbridge and Xero produces exactly the expected findings: an
 * entry waiting as a dead letter, one transferred but gone from Xero, minutes changed in Xero, a duplicate and an
 * orphan in Xero, a stale approval; a recent untransferred approval and the matching entries produce none.
 */
@QuarkusTest
class ReconciliationTest {

    private static final String V1 = "2026-11-02T09:00:00Z";
    private final long psaProject = TimeEntryFixtures.nextId() % 2_000_000_000L;
    private final long user = TimeEntryFixtures.nextId();
    private final String erpProject = UUID.randomUUID().toString();
    private final String erpUser = UUID.randomUUID().toString();
    private final String erpTask = UUID.randomUUID().toString();

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void seededGapsGiveExactlyTheExpectedFindings() throws Exception {
        VendorStubs.reset();
        referenceData();

        long matching = post("2026-10-05", "2");
        long changedInErp = post("2026-10-06", "3");
        long duplicated = post("2026-10-07", "1");
        long goneFromErp = post("2026-10-08", "1.5");
        long deadLettered = post("2026-10-02", "4"); // before the assignment: REFERENCE dead letter
        long stale = TimeEntryFixtures.nextId();     // approved in Harvest, never sent to ledgerbridge
        long recent = TimeEntryFixtures.nextId();    // approved an hour ago, not yet sent: in flight, no finding
        long taxi = TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "2026-10-10", "total_cost": 50.00, "billable": true, "is_closed": true,
                 "updated_at": "%s", "user": {"id": %d}, "project": {"id": %d}, "client": {"currency": "EUR"},
                 "expense_category": {"name": "Taxi"}}
                """.formatted(taxi, V1, user, psaProject)).post("/api/v1/expenses").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of(matching, changedInErp, duplicated, goneFromErp)
                .stream().allMatch(id -> target(id) != null) && deadLetter(deadLettered)
                && posted("approved-expenses-to-erp", taxi));

        // October is billed: 7.5 h x 100.00 = 750.00 and the taxi 50.00; Xero's invoice then changes by hand:
        // the time line's amount edited, the time line copied, a line added, the taxi line removed
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
        long billingRun = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId))).post("/admin/billing-runs").then()
                .statusCode(200).extract().jsonPath().getLong("outcomes[0].billingRunId");
        JsonPath planned = Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + billingRun).then().extract().jsonPath();
        String timeLine = planned.getString("lines[0].description");
        String invoice = planned.getString("erpInvoiceId");
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/" + invoice))
                .atPriority(1).willReturn(okJson("""
                        {"Invoices": [{"InvoiceID": "%s", "Status": "DRAFT", "LineItems": [
                          {"Description": "%s", "Quantity": 7.5, "LineAmount": 760.00},
                          {"Description": "%s", "Quantity": 7.5, "LineAmount": 750.00},
                          {"Description": "Goodwill credit", "Quantity": 1, "LineAmount": 99.00}]}]}
                        """.formatted(invoice, timeLine, timeLine))));

        String now = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        VendorStubs.server().stubFor(harvestOctober(1).willReturn(okJson("""
                        {"time_entries": [%s, %s, %s, %s, %s, %s, %s,
                          {"id": 1, "spent_date": "2026-10-09", "hours": 8, "is_closed": false,
                           "updated_at": "%s", "user": {"id": %d}}],
                         "per_page": 2000, "total_pages": 1, "next_page": null, "page": 1}
                        """.formatted(entry(matching, "2026-10-05", "2", V1), entry(changedInErp, "2026-10-06", "3", V1),
                        entry(duplicated, "2026-10-07", "1", V1), entry(goneFromErp, "2026-10-08", "1.5", V1),
                        entry(deadLettered, "2026-10-02", "4", V1), entry(stale, "2026-10-09", "6", V1),
                        entry(recent, "2026-10-09", "5", now), V1, user))));
        String twin = UUID.randomUUID().toString();
        String orphan = UUID.randomUUID().toString();
        // Xero's entries of October in two pages (read with the period and page asked for)
        VendorStubs.server().stubFor(erpOctober(1).willReturn(okJson("""
                {"pagination": {"page": 1, "pageSize": 500, "pageCount": 2, "itemCount": 5},
                 "items": [%s, %s, %s]}
                """.formatted(erp(target(matching), "2026-10-05", 120, erpTask),
                erp(target(changedInErp), "2026-10-06", 200, erpTask),
                erp(target(duplicated), "2026-10-07", 60, erpTask)))));
        VendorStubs.server().stubFor(erpOctober(2).willReturn(okJson("""
                {"pagination": {"page": 2, "pageSize": 500, "pageCount": 2, "itemCount": 5},
                 "items": [%s, %s]}
                """.formatted(erp(twin, "2026-10-07", 60, erpTask),
                erp(orphan, "2026-10-09", 45, UUID.randomUUID().toString())))));
        // any other query (another period, no page) is an entry of November: a finding if it were read
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + erpProject + "/Time"))
                .atPriority(2).willReturn(okJson("""
                        {"pagination": {"page": 1, "pageSize": 500, "pageCount": 1, "itemCount": 1}, "items": [%s]}
                        """.formatted(erp(UUID.randomUUID().toString(), "2026-11-03", 30, erpTask)))));

        // as after a backfill: many sync records changed since the last ANALYZE, and autovacuum not there yet
        java.sql.Timestamp beforeRun = sql("select now()");
        sql("alter table sync_record set (autovacuum_enabled = false)");
        long run;
        try {
            sql("insert into sync_record (flow, entity_type, source_system, source_id, source_version, business_key, "
                    + "target_system, operation, payload_hash, status, attempts, created_at, updated_at) select "
                    + "'statistics-probe', 'TIME_ENTRY', 'probe', cast(g as varchar(20)), 'v1', 'probe:' || g, 'erp', "
                    + "'CREATE', 'probe', 'FAILED', 0, now(), now() from generate_series(1, 12000) g");
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) sql("select n_mod_since_analyze from "
                    + "pg_stat_user_tables where relname = 'sync_record' and schemaname = current_schema()"))
                    .longValue() >= 12_000);
            run = Admin.as(Admin.OPERATOR).contentType("application/json")
                    .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                    .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
            await().atMost(Duration.ofSeconds(30)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                    .get("/admin/reconciliations/" + run).then().extract().path("status")));
            java.sql.Timestamp analyzed = sql("select last_analyze from pg_stat_user_tables where relname = "
                    + "'sync_record' and schemaname = current_schema()");
            assertThat(analyzed).as("the run analyzed the sync records before matching").isNotNull()
                    .isAfterOrEqualTo(beforeRun);
        } finally {
            sql("delete from sync_record where flow = 'statistics-probe'");
            sql("alter table sync_record reset (autovacuum_enabled)");
        }
        JsonPath result = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + run).then().statusCode(200)
                .extract().jsonPath();
        assertThat(result.getString("status")).as(result.prettify()).isEqualTo("COMPLETED");
        assertThat(result.getInt("sourceEntries")).isEqualTo(7);
        assertThat(result.getInt("erpEntries")).isEqualTo(5);
        assertThat(result.getInt("erpInvoiceLines")).isEqualTo(3);

        List<Map<String, Object>> findings = result.getList("findings");
        assertThat(findings).as(result.prettify()).hasSize(10);
        // the invoice: the edited line, the copy, the unplanned line, the removed taxi line
        assertThat(invoiceFinding(findings, "AMOUNT_DIFFERS")).containsEntry("expected", "750.0000")
                .containsEntry("actual", "760.0000");
        assertThat(invoiceFinding(findings, "DUPLICATED_IN_TARGET")).containsEntry("actual", "750.0000");
        assertThat(invoiceFinding(findings, "ORPHAN_IN_TARGET").get("detail").toString()).contains("Goodwill credit");
        assertThat(invoiceFinding(findings, "MISSING_IN_TARGET").get("detail").toString()).contains("Taxi");
        assertThat(finding(findings, "AMOUNT_DIFFERS", changedInErp, null))
                .containsEntry("expected", "180").containsEntry("actual", "200");
        assertThat(finding(findings, "MISSING_IN_TARGET", deadLettered, null))
                .containsEntry("replayCandidate", true).extracting("deadLetter").asString().startsWith("/admin/dead-letters/");
        assertThat(finding(findings, "MISSING_IN_TARGET", goneFromErp, null))
                .containsEntry("erpEntryId", target(goneFromErp)).containsEntry("replayCandidate", false);
        assertThat(finding(findings, "STALE", stale, null)).containsEntry("replayCandidate", false);
        assertThat(finding(findings, "DUPLICATED_IN_TARGET", null, twin)).containsEntry("actual", "60");
        assertThat(finding(findings, "ORPHAN_IN_TARGET", null, orphan)).containsEntry("actual", "45");

        // each finding is owned (mappings/ownership.json: reconciliation -> billing), open, due two days after the run
        assertThat(findings).allSatisfy(f -> {
            assertThat(f).containsEntry("team", "billing").containsEntry("status", "OPEN").containsEntry("entity", "EU")
                    .containsEntry("assignee", null).containsEntry("overdue", false);
            assertThat(Duration.between(java.time.Instant.parse((String) f.get("foundAt")),
                    java.time.Instant.parse((String) f.get("dueAt")))).isEqualTo(Duration.ofDays(2));
        });
        int taken = (Integer) finding(findings, "STALE", stale, null).get("id");
        int resolved = (Integer) finding(findings, "ORPHAN_IN_TARGET", null, orphan).get("id");
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/findings/" + taken + "/take").then()
                .statusCode(200).body("assignee", org.hamcrest.Matchers.is(Admin.OPERATOR));
        Admin.as(Admin.OPERATOR).queryParam("assignee", "me").queryParam("team", "billing").get("/admin/findings")
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.hasItem(taken));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("reason", "a goodwill booking"))
                .post("/admin/findings/" + resolved + "/resolve").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.is("RESOLVED"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("reason", "again"))
                .post("/admin/findings/" + resolved + "/resolve").then().statusCode(409);

        // the next run of the period finds again what still differs; the first run's open findings are superseded
        long again = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + again).then().extract().path("status")));
        Admin.as(Admin.VIEWER).get("/admin/findings/" + taken).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.is("SUPERSEDED"));
        Admin.as(Admin.VIEWER).get("/admin/findings/" + resolved).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.is("RESOLVED"));
        Admin.as(Admin.VIEWER).queryParam("projectId", projectId).queryParam("size", 500).get("/admin/findings")
                .then().statusCode(200).body("items.run", org.hamcrest.Matchers.everyItem(
                        org.hamcrest.Matchers.is((int) again)));
    }

    @Test
    void anErpThatIgnoresThePageAskedForStopsTheRunWithTheReasonInsteadOfPagingForever() {
        VendorStubs.reset();
        referenceData();
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
        VendorStubs.server().stubFor(harvestOctober(1).willReturn(okJson("""
                {"time_entries": [], "per_page": 2000, "total_pages": 1, "next_page": null, "page": 1}""")));
        // every page asked for answers as page 1 of 2
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + erpProject + "/Time"))
                .atPriority(1).willReturn(okJson("""
                        {"pagination": {"page": 1, "pageSize": 500, "pageCount": 2, "itemCount": 501}, "items": []}
                        """)));

        long run = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + run).then().extract().path("status")));

        JsonPath result = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + run).then().extract().jsonPath();
        assertThat(result.getString("status")).isEqualTo("FAILED");
        assertThat(result.getString("error")).as(result.prettify())
                .contains("answered page 1 when asked for page 2 of project " + projectId);
        VendorStubs.server().verify(2, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + erpProject + "/Time")));
    }

    /** Harvest's approved time of the project in October, the page asked for. */
    private MappingBuilder harvestOctober(int page) {
        return get(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/time_entries")).atPriority(1)
                .withQueryParam("project_id", equalTo(String.valueOf(psaProject)))
                .withQueryParam("from", equalTo("2026-10-01")).withQueryParam("to", equalTo("2026-10-31"))
                .withQueryParam("per_page", equalTo("2000")).withQueryParam("page", equalTo(String.valueOf(page)));
    }

    /** Xero's time of the ERP project in October (its bounds in UTC), 500 a page, the page asked for. */
    private MappingBuilder erpOctober(int page) {
        return get(urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + erpProject + "/Time")).atPriority(1)
                .withQueryParam("dateAfterUtc", equalTo("2026-10-01T00:00:00Z"))
                .withQueryParam("dateBeforeUtc", equalTo("2026-11-01T00:00:00Z"))
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo(String.valueOf(page)));
    }

    /** The project, its rate card, assignment and the consultant's ERP user, as reference data. */
    private void referenceData() {
        String card = "RECON-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest", "sourceId",
                        String.valueOf(user), "targetSystem", "erp", "targetId", erpUser)),
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", "EUR", "billRate", "100.00",
                        "costRate", "50.00", "effectiveFrom", "2026-01-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", erpProject), Map.entry("name", "Reconciled"),
                        Map.entry("erpContactId", UUID.randomUUID().toString()),
                        Map.entry("clientName", "Initech"), Map.entry("region", "EU"), Map.entry("currency", "EUR"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-10-01"))),
                "assignments", List.of(Map.of("sourceId", "recon-" + psaProject, "psaProjectId",
                        String.valueOf(psaProject), "psaUserId", String.valueOf(user), "role", "Consultant",
                        "startsOn", "2026-10-03", "erpTaskId", erpTask))))
                .put("/admin/reference-data").then().statusCode(200);
    }

    private static Map<String, Object> invoiceFinding(List<Map<String, Object>> findings, String type) {
        return findings.stream().filter(f -> type.equals(f.get("type")) && f.get("billingRun") != null).findFirst()
                .orElseThrow(() -> new AssertionError("no invoice " + type + " finding in " + findings));
    }

    private static boolean posted(String flow, long id) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                flow, String.valueOf(id), SyncRecord.Status.POSTED) > 0);
    }

    private static Map<String, Object> finding(List<Map<String, Object>> findings, String type, Long source,
            String erpEntry) {
        return findings.stream().filter(f -> type.equals(f.get("type"))
                && (source == null || String.valueOf(source).equals(f.get("sourceId")))
                && (erpEntry == null || erpEntry.equals(f.get("erpEntryId")))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " finding for " + source + "/" + erpEntry
                        + " in " + findings));
    }

    private long post(String date, String hours) {
        long id = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(entry(id, date, hours, V1)).post("/api/v1/time-entries").then()
                .statusCode(202);
        return id;
    }

    private String entry(long id, String date, String hours, String updatedAt) {
        return """
                {"id": %d, "spent_date": "%s", "hours": %s, "billable": true, "is_closed": true,
                 "updated_at": "%s", "user": {"id": %d}, "project": {"id": %d}, "task": {"id": 1}}
                """.formatted(id, date, hours, updatedAt, user, psaProject);
    }

    private String erp(String id, String date, int minutes, String task) {
        return """
                {"timeEntryId": "%s", "userId": "%s", "projectId": "%s", "taskId": "%s",
                 "dateUtc": "%sT00:00:00Z", "duration": %d, "status": "ACTIVE"}
                """.formatted(id, erpUser, erpProject, task, date, minutes);
    }

    private static String target(long entry) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.<SyncRecord>find(
                "flow = ?1 and sourceId = ?2 and status = ?3", "approved-time-to-erp", String.valueOf(entry),
                SyncRecord.Status.POSTED).firstResultOptional().map(r -> r.targetId).orElse(null));
    }

    private static boolean deadLetter(long entry) {
        return QuarkusTransaction.requiringNew().call(() -> io.ledgerbridge.deadletter.DeadLetter
                .byBusinessKey("harvest:time-entry:" + entry).stream().findFirst().isPresent());
    }

    /** One statement on the store; a query's first column of its first row, else null. */
    @SuppressWarnings("unchecked")
    private <T> T sql(String statement) throws java.sql.SQLException {
        try (var connection = dataSource.getConnection(); var st = connection.createStatement()) {
            if (st.execute(statement)) {
                try (var rows = st.getResultSet()) {
                    return rows.next() ? (T) rows.getObject(1) : null;
                }
            }
            return null;
        }
    }
}
