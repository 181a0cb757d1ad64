package io.ledgerbridge.deal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A won deal becomes a client, project and task assignments in Harvest and a contact and project in Xero, once. */
@QuarkusTest
class DealWonToProjectTest {

    private static final String HARVEST = VendorStubs.HARVEST_BASE;
    private static final String XERO = VendorStubs.XERO_BASE;
    private static final String ACCOUNTING = VendorStubs.XERO_ACCOUNTING_BASE;

    private String card;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        card = "DEAL-" + TimeEntryFixtures.nextId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(role("Consultant", "8083365"), role("Architect", "8083366")),
                "rateCards", List.of(rate("Consultant", "120.00"), rate("Architect", "165.00"))))
                .put("/admin/reference-data").then().statusCode(200);
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void wonDealIsSetUpInPsaAndErpOnceAndTheCrmLearnsTheIds() throws Exception {
        String id = opportunityId();
        given().contentType("application/json").body("[" + opportunity(id, true) + "," + opportunity(opportunityId(), false) + "]")
                .post("/api/v1/deals").then().statusCode(202).body("accepted[0]", is(id))
                .body("ignored[0].reason", org.hamcrest.Matchers.startsWith("not won"));
        await().atMost(Duration.ofSeconds(60)).until(() -> setUp(id));

        ProjectRecord project = project(id);
        assertThat(project.psaId).isNotNull();
        assertThat(project.erpProjectId).isNotNull();
        assertThat(project.erpContactId).isNotNull();
        assertThat(project.region).isEqualTo("EU");
        assertThat(project.rateCard).isEqualTo(card);
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/clients"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("Müller Maschinenbau " + id))));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/projects"))
                .withRequestBody(matchingJsonPath("$.code", equalTo("MM-" + id)))
                .withRequestBody(matchingJsonPath("$.bill_by", equalTo("Tasks"))));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/projects/" + project.psaId + "/task_assignments"))
                .withRequestBody(matchingJsonPath("$.task_id", equalTo("8083365")))
                .withRequestBody(matchingJsonPath("$.hourly_rate", equalTo("120.0"))));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/projects/" + project.psaId + "/task_assignments"))
                .withRequestBody(matchingJsonPath("$.task_id", equalTo("8083366"))));
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(ACCOUNTING + "/Contacts"))
                .withHeader("Idempotency-Key", equalTo("deal-" + id + "-contact")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(XERO + "/Projects"))
                .withRequestBody(matchingJsonPath("$.contactId", equalTo(project.erpContactId))));

        // the time flow now resolves the Harvest project to the Xero project by itself
        Admin.as(Admin.VIEWER).queryParam("entityType", "PROJECT").queryParam("sourceSystem", "harvest")
                .get("/admin/cross-references").then().statusCode(200)
                .body("find { it.sourceId == '" + project.psaId + "' }.targetId", is(project.erpProjectId));
        // the CRM learns where the project lives, through the project-created event
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(1,
                patchRequestedFor(urlPathEqualTo(VendorStubs.CRM_BASE + "/sobjects/Opportunity/" + id))
                        .withRequestBody(matchingJsonPath("$.PSA_Project_Id__c", equalTo(project.psaId)))));
        JsonNode event = await().atMost(Duration.ofSeconds(30)).until(() -> projectCreated(id), Optional::isPresent)
                .orElseThrow();
        assertThat(event.path("type").asText()).isEqualTo("io.ledgerbridge.project.created");
        assertThat(event.path("data").path("erpProjectId").asText()).isEqualTo(project.erpProjectId);

        // the same deal again (a CRM retry) sets up nothing twice
        given().contentType("application/json").body(opportunity(id, true)).post("/api/v1/deals").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained("ledgerbridge.deals.won", "ledgerbridge-deal-won"));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/projects")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(XERO + "/Projects")));
    }

    @Test
    void replayAfterTheErpFailedCompletesOnlyTheMissingSteps() {
        VendorStubs.server().stubFor(post(urlPathEqualTo(XERO + "/Projects")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        String id = opportunityId();
        given().contentType("application/json").body(opportunity(id, true)).post("/api/v1/deals").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter(id) != null);
        DeadLetter letter = deadLetter(id);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.TARGET_UNAVAILABLE);
        assertThat(letter.step).isEqualTo("deal-erp-create-project");
        ProjectRecord half = project(id);
        assertThat(half.psaId).isNotNull();
        assertThat(half.erpContactId).isNotNull();
        assertThat(half.erpProjectId).isNull();

        VendorStubs.reset();
        // Harvest now holds the task assignments created before the failure
        VendorStubs.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                urlPathEqualTo(HARVEST + "/projects/" + half.psaId + "/task_assignments")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("""
                        {"task_assignments": [{"id": 1, "task": {"id": 8083365, "name": "Consultant"}},
                                              {"id": 2, "task": {"id": 8083366, "name": "Architect"}}],
                         "per_page": 2000, "total_pages": 1, "page": 1}""")));
        // the 503s may have opened the ERP's circuit: replays are refused (503) until it lets calls through again
        await().atMost(Duration.ofSeconds(30)).until(() -> Admin.as(Admin.OPERATOR)
                .contentType("application/json").post("/admin/dead-letters/" + letter.id + "/replay").then().extract().statusCode() != 503);
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter.id).then().body("status", is("REPLAYED"));
        assertThat(project(id).erpProjectId).isNotNull();
        // PSA and ERP contact were done before the failure: the replay did not touch them again
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(HARVEST + "/clients")));
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(HARVEST + "/projects")));
        VendorStubs.server().verify(0, postRequestedFor(urlPathMatching(HARVEST + "/projects/[0-9]+/task_assignments")));
        VendorStubs.server().verify(0, putRequestedFor(urlPathEqualTo(ACCOUNTING + "/Contacts")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(XERO + "/Projects")));
    }

    @Test
    void roleWithoutPsaTaskIsAReferenceDeadLetterAndNothingIsCreatedForIt() {
        String id = opportunityId();
        given().contentType("application/json").body(opportunity(id, true).replace("\"Architect\"", "\"Data Scientist\""))
                .post("/api/v1/deals").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter(id) != null);
        DeadLetter letter = deadLetter(id);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(letter.errorMessage).contains("ROLE ledgerbridge:Data Scientist");
        VendorStubs.server().verify(0, postRequestedFor(urlPathMatching(HARVEST + "/projects/[0-9]+/task_assignments")));
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(XERO + "/Projects")));
    }

    @Test
    void aFixedFeeDealKeepsItsTermsAndMilestonesAndOneThatDoesNotAddUpIsAValidationDeadLetter() {
        String id = opportunityId();
        given().contentType("application/json").body(fixedFee(id, 40000, 60000.00)).post("/api/v1/deals").then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> setUp(id));
        ProjectRecord project = project(id);
        assertThat(project.contractType).isEqualTo("FIXED_FEE");
        Admin.as(Admin.VIEWER).get("/admin/projects/" + project.id + "/contract").then().statusCode(200)
                .body("terms.size()", is(1)).body("terms[0].type", is("FIXED_FEE"))
                .body("terms[0].effectiveFrom", is("2026-11-01")).body("terms[0].fixedFee", is(100000.00f))
                .body("terms[0].budgetHours", is(480.0f)).body("terms[0].recognition", is("MILESTONE"))
                .body("milestones.code", is(List.of("a0B" + id.substring(3), "a0C" + id.substring(3))))
                .body("milestones.amount", is(List.of(40000.00f, 60000.00f)))
                .body("milestones.due", is(List.of("2026-12-15", "2027-04-30")));

        String wrong = opportunityId();
        given().contentType("application/json").body(fixedFee(wrong, 40000, 59999.99)).post("/api/v1/deals").then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter(wrong) != null);
        assertThat(deadLetter(wrong).errorClass).isEqualTo(ErrorClass.VALIDATION);
        assertThat(deadLetter(wrong).errorMessage)
                .contains("the milestones add up to 99999.99 EUR, the fixed fee is 100000.00 EUR");
        // neither the project nor its terms were kept: nothing is set up in the PSA or the ERP for it
        assertThat(QuarkusTransaction.requiringNew().call(() -> ProjectRecord.byCrmId(wrong))).isEmpty();
    }

    private String fixedFee(String id, double first, double second) {
        return opportunity(id, true).replace("\"TIME_AND_MATERIALS\"", "\"FIXED_FEE\"")
                .replace("\"OpportunityLineItems\"", """
                        "Fixed_Fee__c": 100000, "Budget_Hours__c": 480, "Revenue_Recognition__c": "MILESTONE",
                         "Milestones__r": {"totalSize": 2, "done": true, "records": [
                           {"Id": "a0B%s", "Name": "Pilot plant live", "Due_Date__c": "2026-12-15", "Amount__c": %s},
                           {"Id": "a0C%s", "Name": "Roll-out", "Due_Date__c": "2027-04-30", "Amount__c": %s}]},
                         "OpportunityLineItems\"""".formatted(id.substring(3), first, id.substring(3), second));
    }

    private Map<String, String> role(String role, String harvestTask) {
        return Map.of("entityType", "ROLE", "sourceSystem", "ledgerbridge", "sourceId", role, "targetSystem", "harvest",
                "targetId", harvestTask);
    }

    private Map<String, String> rate(String role, String bill) {
        return Map.of("card", card, "role", role, "currency", "EUR", "billRate", bill, "costRate", "80.00",
                "effectiveFrom", "2026-01-01");
    }

    private static String opportunityId() {
        String digits = String.valueOf(TimeEntryFixtures.nextId());
        return "006" + "0".repeat(15 - 3 - digits.length()) + digits;
    }

    private String opportunity(String id, boolean won) {
        return """
                {"Id": "%s", "Name": "Predictive maintenance %s", "StageName": "%s", "IsWon": %s,
                 "CloseDate": "2026-10-28", "Amount": 120000.00, "CurrencyIsoCode": "EUR",
                 "LastModifiedDate": "2026-10-28T09:15:00.000+0000",
                 "Account": {"Id": "001%s", "Name": "Müller Maschinenbau %s"},
                 "Region__c": "EU", "Contract_Type__c": "TIME_AND_MATERIALS", "Rate_Card__c": "%s",
                 "Project_Code__c": "MM-%s", "Project_Start__c": "2026-11-01", "Project_End__c": "2027-04-30",
                 "OpportunityLineItems": {"records": [
                    {"Product2": {"Name": "Consultant"}, "Quantity": 400},
                    {"Product2": {"Name": "Architect"}, "Quantity": 80}]}}
                """.formatted(id, id, won ? "Closed Won" : "Negotiation", won, id.substring(3), id, card, id);
    }

    private static boolean setUp(String id) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count(
                "flow = ?1 and sourceId = ?2 and status = ?3", "deal-won-to-project", id, SyncRecord.Status.POSTED) == 1);
    }

    private static ProjectRecord project(String id) {
        return QuarkusTransaction.requiringNew().call(() -> ProjectRecord.byCrmId(id).orElseThrow());
    }

    private static DeadLetter deadLetter(String id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("salesforce:opportunity:" + id)
                .stream().findFirst().orElse(null));
    }

    private static Optional<JsonNode> projectCreated(String crmId) {
        ObjectMapper json = new ObjectMapper();
        return KafkaTopics.readAll("ledgerbridge.project-events").stream().map(v -> {
            try {
                return json.readTree(v);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).filter(e -> crmId.equals(e.path("data").path("crmId").asText())).findFirst();
    }
}
