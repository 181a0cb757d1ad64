package io.ledgerbridge.contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Milestones completed in delivery reach the contract through the milestone feed (webhook POST
 * /api/v1/milestone-completions, through the Kafka intake of the test profile) as the admin call does: the milestone
 * is completed once, with who and when, audited, and the billing run of its period invoices it. A repeated event
 * changes nothing; what cannot be applied is a classified dead letter with the reason.
 */
@QuarkusTest
class MilestoneCompletedFlowTest {

    private ContractFixtures.Contracted project;
    private long projectId;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        project = ContractFixtures.project("FIXED_FEE", "150.00");
        projectId = project.projectId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(ContractFixtures.fixedFee("12000.00", "18000.00"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(200);
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void aCompletedMilestoneFromTheFeedIsInvoicedOnceInItsPeriod() {
        String design = "ms-" + TimeEntryFixtures.nextId();
        post(event(design, "harvest", String.valueOf(project.psaProject()), "design", "2026-11-05",
                "2026-11-05T16:42:00Z"));
        await().atMost(Duration.ofSeconds(60)).until(() -> posted(design));
        JsonPath contract = contract();
        assertThat(contract.getString("milestones.find { it.code == 'design' }.status")).isEqualTo("COMPLETED");
        assertThat(contract.getString("milestones.find { it.code == 'design' }.completedOn")).isEqualTo("2026-11-05");
        assertThat(contract.getString("milestones.find { it.code == 'design' }.completedBy"))
                .isEqualTo("dana.lee@globex-consulting.example");
        String milestoneId = QuarkusTransaction.requiringNew().call(() -> Milestone.<Milestone>find(
                "projectId = ?1 and code = ?2", projectId, "design").firstResult().id.toString());
        Admin.as(Admin.VIEWER).queryParam("key", "milestone-feed:milestone-completion:" + design)
                .get("/admin/sync-records").then().statusCode(200)
                .body("postings[0].status", is("POSTED")).body("postings[0].targetId", is("milestone:" + milestoneId));
        Admin.as(Admin.VIEWER).queryParam("action", "milestone-complete").get("/admin/audit").then().statusCode(200)
                .body("items.actor", hasItem("milestone-feed:dana.lee@globex-consulting.example"))
                .body("items.target", hasItem("project/" + projectId + "/milestone/design"));

        // the same event again (a webhook retried), then a second event of the same milestone a day later: nothing
        // changes, the milestone stays completed on 5 November
        post(event(design, "harvest", String.valueOf(project.psaProject()), "design", "2026-11-05",
                "2026-11-05T16:42:00Z"));
        String again = "ms-" + TimeEntryFixtures.nextId();
        post(event(again, "harvest", String.valueOf(project.psaProject()), "design", "2026-11-06",
                "2026-11-06T09:00:00Z"));
        await().atMost(Duration.ofSeconds(60)).until(() -> posted(again));
        assertThat(contract().getString("milestones.find { it.code == 'design' }.completedOn")).isEqualTo("2026-11-05");
        assertThat(QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("businessKey = ?1",
                "milestone-feed:milestone-completion:" + design))).isEqualTo(1);

        // go-live, the project named by ledgerbridge's own id, completed in December
        String goLive = "ms-" + TimeEntryFixtures.nextId();
        post(event(goLive, "ledgerbridge", String.valueOf(projectId), "go-live", "2026-12-01", "2026-12-01T10:00:00Z"));
        await().atMost(Duration.ofSeconds(60)).until(() -> posted(goLive));

        // November's invoice is the design milestone, 12,000.00 EUR; December's the go-live, 18,000.00 EUR
        JsonPath november = run(project.bill("2026-11"));
        assertThat(november.getList("lines.kind", String.class)).containsExactly("MILESTONE");
        assertThat(november.getString("lines[0].description"))
                .isEqualTo("Milestone Design signed off (design), completed 2026-11-05");
        assertThat(new BigDecimal(november.getString("total"))).isEqualByComparingTo("12000.00");
        JsonPath december = run(project.bill("2026-12"));
        assertThat(december.getList("lines.kind", String.class)).containsExactly("MILESTONE");
        assertThat(new BigDecimal(december.getString("total"))).isEqualByComparingTo("18000.00");
        assertThat(project.bill("2026-11").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
    }

    @Test
    void anEventThatCannotBeAppliedIsADeadLetterWithTheReason() {
        String psa = String.valueOf(project.psaProject());
        String noSuchCode = "ms-" + TimeEntryFixtures.nextId();
        post(event(noSuchCode, "harvest", psa, "handover", "2026-11-05", "2026-11-05T16:42:00Z"));
        DeadLetter letter = deadLetter(noSuchCode);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.VALIDATION);
        assertThat(letter.errorMessage).contains("has no milestone 'handover' in its contract; its milestones are "
                + "[design, go-live]");

        long unknownProject = TimeEntryFixtures.nextId();
        String unknown = "ms-" + TimeEntryFixtures.nextId();
        post(event(unknown, "harvest", String.valueOf(unknownProject), "design", "2026-11-05", "2026-11-05T16:42:00Z"));
        letter = deadLetter(unknown);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(letter.errorMessage).contains("project harvest:" + unknownProject + " is unknown");

        String crmIds = "ms-" + TimeEntryFixtures.nextId();
        post(event(crmIds, "salesforce", "006Dn00000F1x2FIAR", "design", "2026-11-05", "2026-11-05T16:42:00Z"));
        assertThat(deadLetter(crmIds).errorMessage).contains("a milestone names its project by the PSA's (harvest) id"
                + " or by ledgerbridge's own");

        String future = "ms-" + TimeEntryFixtures.nextId();
        post(event(future, "harvest", psa, "design", "2099-01-01", "2026-11-05T16:42:00Z"));
        assertThat(deadLetter(future).errorMessage).contains("completed on 2099-01-01: that day is still to come");

        // an event without its day is refused at the door (nothing accepted), with the field named
        given().contentType("application/json").body(event("ms-" + TimeEntryFixtures.nextId(), "harvest", psa,
                "design", "2026-11-05", "2026-11-05T16:42:00Z").replace("\"completedOn\": \"2026-11-05\",", ""))
                .post("/api/v1/milestone-completions").then().statusCode(422)
                .contentType("application/problem+json").body("errors[0].message", containsString("completedOn"));

        // nothing of it completed a milestone
        assertThat(contract().getList("milestones.status", String.class)).containsExactly("OPEN", "OPEN");
    }

    private static String event(String id, String projectSystem, String projectId, String code, String on,
            String occurredAt) {
        return """
                {"eventId": "%s", "project": {"system": "%s", "id": "%s"}, "milestone": "%s",
                 "completedOn": "%s", "completedBy": "dana.lee@globex-consulting.example", "occurredAt": "%s"}
                """.formatted(id, projectSystem, projectId, code, on, occurredAt);
    }

    private static void post(String event) {
        given().contentType("application/json").body(event).post("/api/v1/milestone-completions").then()
                .statusCode(202);
    }

    private JsonPath contract() {
        return Admin.as(Admin.VIEWER).get("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .extract().jsonPath();
    }

    private static JsonPath run(JsonPath billed) {
        assertThat(billed.getString("outcomes[0].outcome")).as(billed.prettify()).isEqualTo("INVOICED");
        return Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + billed.getLong("outcomes[0].billingRunId")).then()
                .statusCode(200).extract().jsonPath();
    }

    private static boolean posted(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                "milestone-completed", eventId, SyncRecord.Status.POSTED) > 0);
    }

    private static DeadLetter deadLetter(String eventId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> find(eventId) != null);
        return find(eventId);
    }

    private static DeadLetter find(String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey(
                "milestone-feed:milestone-completion:" + eventId).stream().findFirst().orElse(null));
    }
}
