package io.ledgerbridge.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.OnBusinessCentral;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Business Central connector on what the project-to-cash walk does not meet: an entry's newer version replaces
 * it with the ETag just read (If-Match), Business Central's refusals and outages take their error classes (400 with
 * the OData message, 503 and 429 retried), a consultant who is no employee is a REFERENCE, reconciliation reads a
 * job's time registration entries.
 */
@QuarkusTest
@TestProfile(OnBusinessCentral.class)
class BusinessCentralConnectorTest {

    private static final String COMPANY = VendorStubs.BC_COMPANY;
    private static final String API = VendorStubs.BC_BASE + "/companies(" + COMPANY + ")";
    private static final String V1 = "2026-11-20T10:15:00Z";
    private static final String V2 = "2026-11-21T08:00:00Z";

    @BeforeEach
    void healthyBusinessCentral() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).as("requests that break the Business Central contract").isEmpty();
    }

    @Test
    void aNewerVersionOfAnEntryIsPatchedWithTheETagJustRead() {
        Project project = project();
        long id = TimeEntryFixtures.nextId();
        send(project.approvedEntry(id, "1.5", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(id, V1));
        ObjectNode entry = entries(project).get(0);
        assertThat(entry.path("quantity").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(entry.path("employeeId").asText()).isEqualTo(project.erpUserId());

        send(project.approvedEntry(id, "2.25", V2));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(id, V2));
        assertThat(entries(project)).singleElement().satisfies(updated -> {
            assertThat(updated.path("id").asText()).isEqualTo(entry.path("id").asText());
            assertThat(updated.path("quantity").decimalValue()).isEqualByComparingTo("2.25");
        });
        String path = API + "/timeRegistrationEntries(" + entry.path("id").asText() + ")";
        VendorStubs.server().verify(1, getRequestedFor(urlPathEqualTo(path)));
        VendorStubs.server().verify(1, patchRequestedFor(urlPathEqualTo(path))
                .withHeader("If-Match", equalTo(entry.path("@odata.etag").asText())));
    }

    @Test
    void aRefusalCarriesBusinessCentralsMessage() {
        Project project = project();
        BusinessCentralLedger.remove(COMPANY, "projects", project.erpProjectId());
        long id = TimeEntryFixtures.nextId();
        send(project.approvedEntry(id, "3", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetter(id) != null);
        DeadLetter letter = deadLetter(id);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.TARGET_REJECTED);
        assertThat(letter.errorMessage).contains("business-central rejected the request with 400")
                .contains("Internal_RecordNotFound: The Job does not exist")
                .doesNotContain("{\"error\"");
        assertThat(letter.attempts).isEqualTo(1);
    }

    @Test
    void anOutageAndARateLimitAreWaitedOut() {
        Project project = project();
        String time = java.util.regex.Pattern.quote(API + "/employees(" + project.erpUserId() + ")/timeRegistrationEntries");
        VendorStubs.server().stubFor(post(urlPathMatching(time)).atPriority(1).inScenario("bc-busy")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled")
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"Service unavailable\"}}")));
        VendorStubs.server().stubFor(post(urlPathMatching(time)).atPriority(1).inScenario("bc-busy")
                .whenScenarioStateIs("throttled").willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}")));
        long id = TimeEntryFixtures.nextId();
        send(project.approvedEntry(id, "4", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(id, V1));
        VendorStubs.server().verify(3, postRequestedFor(urlPathMatching(time)));
        assertThat(entries(project)).hasSize(1);
        assertThat(deadLetter(id)).isNull();
    }

    @Test
    void aConsultantWhoIsNoEmployeeIsAReference() {
        String person = "N" + TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"employeeId": "%s", "firstName": "Nora", "lastName": "Newhire", "email": "nora.%s@example.com",
                 "region": "EU", "hireDate": "2026-09-01", "terminationDate": null, "updatedAt": "2026-09-01T08:00:00Z"}
                """.formatted(person, person)).post("/api/v1/people").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                DeadLetter.byBusinessKey("hr:person:" + person).stream().findFirst().orElse(null)) != null);
        DeadLetter letter = QuarkusTransaction.requiringNew().call(() ->
                DeadLetter.byBusinessKey("hr:person:" + person).get(0));
        assertThat(letter.errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(letter.errorMessage).contains("nora." + person + "@example.com")
                .contains("no employee of the Business Central company");
    }

    @Test
    void reconciliationReadsTheJobsTimeFromBusinessCentral() {
        Project project = project();
        long id = TimeEntryFixtures.nextId();
        send(project.approvedEntry(id, "1.5", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted(id, V1));
        // someone registered time on the job in Business Central itself
        String theirs = BusinessCentralLedger.timeEntry(COMPANY, project.erpUserId(), project.erpProjectId(),
                "2026-11-12", "0.75");
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/time_entries")).atPriority(1)
                .withQueryParam("project_id", equalTo(String.valueOf(project.projectId())))
                .withQueryParam("from", equalTo("2026-11-01")).withQueryParam("to", equalTo("2026-11-30"))
                .willReturn(okJson("{\"time_entries\": [" + project.approvedEntry(id, "1.5", V1) + "], \"per_page\": 2000,"
                        + " \"total_pages\": 1, \"next_page\": null, \"page\": 1}")));
        long projectId = QuarkusTransaction.requiringNew().call(() ->
                ProjectRecord.byPsaId(String.valueOf(project.projectId())).orElseThrow().id);

        long run = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-11", "projects", List.of(projectId)))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + run).then().extract().path("status")));
        JsonPath result = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + run).then().statusCode(200)
                .extract().jsonPath();
        assertThat(result.getString("status")).as(result.prettify()).isEqualTo("COMPLETED");
        assertThat(result.getInt("sourceEntries")).isEqualTo(1);
        assertThat(result.getInt("erpEntries")).isEqualTo(2);
        // ours matches to the minute (1.5 h = 90 min); theirs is an orphan of 45 minutes
        assertThat(result.getList("findings", Map.class)).as(result.prettify()).singleElement().satisfies(finding -> {
            assertThat(finding.get("type")).isEqualTo("ORPHAN_IN_TARGET");
            assertThat(finding.get("erpEntryId")).isEqualTo(theirs);
            assertThat(finding.get("actual")).isEqualTo("45");
        });
        VendorStubs.server().verify(1, getRequestedFor(urlPathEqualTo(API + "/timeRegistrationEntries"))
                .withQueryParam("$filter", equalTo("jobId eq " + project.erpProjectId()
                        + " and date ge 2026-11-01 and date lt 2026-12-01")));
    }

    /** A Harvest project whose job and consultant exist in the Business Central company. */
    private static Project project() {
        String job = BusinessCentralLedger.project(COMPANY, "J" + (TimeEntryFixtures.nextId() % 10_000_000), "Website");
        String employee = BusinessCentralLedger.employee(COMPANY, "kim." + UUID.randomUUID() + "@example.com", "Kim");
        return TimeEntryFixtures.register(new Project(TimeEntryFixtures.nextId(), TimeEntryFixtures.nextId(),
                TimeEntryFixtures.nextId(), job, employee, TimeEntryFixtures.ROLE));
    }

    private static List<ObjectNode> entries(Project project) {
        return BusinessCentralLedger.records(COMPANY, "timeRegistrationEntries").stream()
                .filter(e -> e.path("jobId").asText().equals(project.erpProjectId())).toList();
    }

    private static void send(String entry) {
        given().contentType("application/json").body(entry).post("/api/v1/time-entries").then().statusCode(202);
    }

    private static boolean posted(long id, String version) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and "
                + "sourceVersion = ?3 and status = ?4", "approved-time-to-erp", String.valueOf(id), version,
                SyncRecord.Status.POSTED) > 0);
    }

    private static DeadLetter deadLetter(long id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("harvest:time-entry:" + id)
                .stream().findFirst().orElse(null));
    }
}
