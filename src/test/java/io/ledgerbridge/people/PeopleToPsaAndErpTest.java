package io.ledgerbridge.people;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.project.AssignmentRecord;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.xref.CrossReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Joiners get a Harvest account and their Xero user; leavers' assignments end on their last day. */
@QuarkusTest
class PeopleToPsaAndErpTest {

    private String employee;
    private String email;
    private String xeroUser;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        employee = "E" + TimeEntryFixtures.nextId();
        email = "ana.lima." + employee.toLowerCase() + "@example.com";
        xeroUser = UUID.randomUUID().toString();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void joinerGetsAHarvestAccountAndTheirXeroUserAndLeaverAssignmentsEndOnTheLastDay() {
        xeroKnows(email);
        post(person("2026-10-01T08:00:00Z", null));
        await().atMost(Duration.ofSeconds(60)).until(() -> done("2026-10-01T08:00:00Z"));

        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users"))
                .withRequestBody(matchingJsonPath("$.email", equalTo(email)))
                .withRequestBody(matchingJsonPath("$.first_name", equalTo("Ana"))));
        String harvestId = xref("hr", employee, "harvest");
        assertThat(xref("harvest", harvestId, "erp")).isEqualTo(xeroUser);

        // staffed on a project (through the staffing feed: the PSA's user assignment id is the source id)
        long project = TimeEntryFixtures.nextId();
        long userAssignment = TimeEntryFixtures.nextId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(List.of(Map.of("sourceId",
                String.valueOf(userAssignment), "psaProjectId", String.valueOf(project), "psaUserId", harvestId,
                "role", "Consultant", "startsOn", "2026-10-01"))).put("/admin/assignments").then().statusCode(200);

        // leaves: last day 31 October 2026, already past
        post(person("2026-11-02T08:00:00Z", "2026-10-31"));
        await().atMost(Duration.ofSeconds(60)).until(() -> done("2026-11-02T08:00:00Z"));
        AssignmentRecord ended = QuarkusTransaction.requiringNew().call(
                () -> AssignmentRecord.bySourceId(String.valueOf(userAssignment)).orElseThrow());
        assertThat(ended.endsOn).isEqualTo(LocalDate.parse("2026-10-31"));
        VendorStubs.server().verify(1, patchRequestedFor(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/projects/" + project
                + "/user_assignments/" + userAssignment)).withRequestBody(equalToJson("{\"is_active\": false}")));
        VendorStubs.server().verify(1, patchRequestedFor(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users/" + harvestId))
                .withRequestBody(equalToJson("{\"is_active\": false}")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users")));
    }

    @Test
    void joinerXeroDoesNotKnowYetWaitsAsReferenceWithTheirHarvestAccountKept() {
        post(person("2026-10-01T08:00:00Z", null));
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter() != null);
        assertThat(deadLetter().errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(deadLetter().errorMessage).contains(email).contains("invite them in Xero");
        String harvestId = xref("hr", employee, "harvest");

        // invited in Xero: the replay finds the Harvest account (no second one) and matches the Xero user
        VendorStubs.reset();
        xeroKnows(email);
        // an earlier test's ERP outage may have left the circuit open: replays are refused (503) until it lets calls
        // through again
        long letter = deadLetter().id;
        await().atMost(Duration.ofSeconds(30)).until(() -> Admin.as(Admin.OPERATOR).contentType("application/json")
                .post("/admin/dead-letters/" + letter + "/replay").then().extract().statusCode() != 503);
        assertThat(deadLetter().status).isEqualTo(io.ledgerbridge.deadletter.DeadLetter.Status.REPLAYED);
        assertThat(xref("harvest", harvestId, "erp")).isEqualTo(xeroUser);
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users")));
    }

    /** Xero's users in two pages of the largest size, the person on the second: the flow reads on until found. */
    private void xeroKnows(String address) {
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_BASE + "/ProjectsUsers")).atPriority(1)
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("""
                        {"pagination": {"page": 1, "pageSize": 500, "pageCount": 2, "itemCount": 501},
                         "items": [{"userId": "%s", "name": "Someone Else", "email": "else@example.com"}]}
                        """.formatted(UUID.randomUUID()))));
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_BASE + "/ProjectsUsers")).atPriority(1)
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("""
                        {"pagination": {"page": 2, "pageSize": 500, "pageCount": 2, "itemCount": 501},
                         "items": [{"userId": "%s", "name": "Ana Lima", "email": "%s"}]}
                        """.formatted(xeroUser, address.toUpperCase()))));
    }

    private String person(String updatedAt, String terminationDate) {
        return """
                {"employeeId": "%s", "firstName": "Ana", "lastName": "Lima", "email": "%s", "region": "EU",
                 "defaultRole": "Consultant", "hireDate": "2026-10-01", "terminationDate": %s, "updatedAt": "%s"}
                """.formatted(employee, email, terminationDate == null ? "null" : "\"" + terminationDate + "\"",
                updatedAt);
    }

    private static void post(String person) {
        given().contentType("application/json").body(person).post("/api/v1/people").then().statusCode(202);
    }

    private boolean done(String version) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count(
                "flow = ?1 and sourceId = ?2 and sourceVersion = ?3 and status = ?4", "people-to-psa-and-erp",
                employee, version, SyncRecord.Status.POSTED) == 1);
    }

    private DeadLetter deadLetter() {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("hr:person:" + employee).stream()
                .findFirst().orElse(null));
    }

    private static String xref(String system, String id, String target) {
        return QuarkusTransaction.requiringNew().call(() -> CrossReference.lookup("PERSON", system, id, target)
                .map(r -> r.targetId).orElse(null));
    }
}
