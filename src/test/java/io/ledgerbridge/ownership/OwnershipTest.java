package io.ledgerbridge.ownership;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.ledgerbridge.audit.AuditEntry;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Management;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Owners of dead letters, end to end through the flow: the team from mappings/ownership.json (by error class and
 * legal entity), the due time from the flow's SLA, take and assign (with their refusals and audit), the list filters
 * "mine", team and overdue, and the escalation of an overdue one: once, as a CloudEvent on the escalations topic, in
 * the metrics and the audit trail.
 */
@QuarkusTest
class OwnershipTest {

    private static final String TIME_FLOW_SLA = "PT4H"; // ledgerbridge.slas.flows.approved-time-to-erp.resolution

    @BeforeEach
    void healthyErp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        VendorStubs.reset();
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void aDeadLetterIsOwnedByTheTeamOfTheFirstMatchingRuleAndDueByItsFlowsSla() {
        DeadLetter reference = referenceDeadLetter();
        assertThat(reference.ownerTeam).isEqualTo("data-stewards");
        assertThat(reference.assignee).isNull();
        assertThat(reference.dueAt).isEqualTo(reference.createdAt.plus(Duration.parse(TIME_FLOW_SLA)));

        DeadLetter northAmerica = refusedByTheErp("NA");
        assertThat(northAmerica.errorClass.name()).isEqualTo("TARGET_REJECTED");
        assertThat(northAmerica.entity).isEqualTo("NA");
        assertThat(northAmerica.ownerTeam).isEqualTo("na-finance-systems");

        DeadLetter europe = refusedByTheErp("EU");
        assertThat(europe.entity).isEqualTo("EU");
        assertThat(europe.ownerTeam).as("no rule for a rejection in the EU: the last rule's team").isEqualTo("integration");

        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + northAmerica.id).then().statusCode(200)
                .body("team", is("na-finance-systems")).body("entity", is("NA")).body("assignee", nullValue())
                .body("overdue", is(false)).body("dueAt", containsString("T"));
        Admin.as(Admin.VIEWER).queryParam("team", "na-finance-systems").queryParam("assignee", "none")
                .queryParam("size", 500).get("/admin/dead-letters").then().statusCode(200)
                .body("items.id", hasItem(northAmerica.id.intValue()))
                .body("items.id", not(hasItem(europe.id.intValue())));
    }

    @Test
    void anOperatorTakesOrAssignsAnOpenDeadLetterToAMemberAndEveryChangeIsAudited() {
        long id = referenceDeadLetter().id;
        String path = "/admin/dead-letters/" + id;

        Admin.as(Admin.VIEWER).contentType("application/json").post(path + "/take").then().statusCode(403);
        Admin.as(Admin.OPERATOR).contentType("application/json").post(path + "/take").then().statusCode(200)
                .body("team", is("data-stewards")).body("assignee", is(Admin.OPERATOR));
        Admin.as(Admin.OPERATOR).queryParam("assignee", "me").queryParam("size", 500).get("/admin/dead-letters")
                .then().statusCode(200).body("items.id", hasItem((int) id));
        Admin.as(Admin.APPROVER).queryParam("assignee", "me").queryParam("size", 500).get("/admin/dead-letters")
                .then().statusCode(200).body("items.id", not(hasItem((int) id)));

        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"team\": \"billing\", \"assignee\": \"viewer\"}").post(path + "/assign").then()
                .statusCode(422).contentType("application/problem+json").body("detail", containsString("viewer"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"team\": \"payroll\"}")
                .post(path + "/assign").then().statusCode(422).body("detail", containsString("payroll"));
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"team\": \"billing\", \"assignee\": \"approver\", \"note\": \"an invoice question\"}")
                .post(path + "/assign").then().statusCode(200).body("team", is("billing"))
                .body("assignee", is(Admin.APPROVER));
        Admin.as(Admin.APPROVER).queryParam("assignee", "me").queryParam("team", "billing").queryParam("size", 500)
                .get("/admin/dead-letters").then().statusCode(200).body("items.id", hasItem((int) id));

        List<AuditEntry> trail = QuarkusTransaction.requiringNew().call(() -> AuditEntry.<AuditEntry>list(
                "target = ?1 order by id", "dead-letter/" + id));
        assertThat(trail).extracting(e -> e.action + " " + e.actor + " " + e.outcome).contains(
                "take operator OK", "assign operator OK");
        assertThat(trail).filteredOn(e -> e.action.equals("assign") && e.outcome.equals("OK")).singleElement()
                .extracting(e -> e.detail).asString().contains("team data-stewards -> billing")
                .contains("assignee operator -> approver").contains("an invoice question");

        JsonNode before = resolutionSla();
        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"reason\": \"booked by hand\"}")
                .post(path + "/resolve").then().statusCode(200);
        JsonNode after = resolutionSla();
        assertThat(after.path("count").asLong()).as("closed in time counts as met").isEqualTo(
                before.path("count").asLong() + 1);
        assertThat(after.path("met").asLong()).isEqualTo(before.path("met").asLong() + 1);
        Admin.as(Admin.OPERATOR).contentType("application/json").post(path + "/take").then().statusCode(409);
    }

    @Test
    void anOverdueDeadLetterIsEscalatedOnceAsAnEventAMetricAndAnAuditEntry() {
        DeadLetter letter = referenceDeadLetter();
        double escalatedBefore = escalations("data-stewards");
        // as if its four hours had passed: the store says it was due a minute ago
        QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("dueAt = ?1 where id = ?2",
                Instant.now().minusSeconds(60), letter.id));

        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> DeadLetter.<DeadLetter>findById(letter.id).escalatedAt) != null);
        Admin.as(Admin.VIEWER).queryParam("overdue", "true").queryParam("team", "data-stewards")
                .queryParam("size", 500).get("/admin/dead-letters").then().statusCode(200)
                .body("items.id", hasItem(letter.id.intValue()));
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter.id).then().body("overdue", is(true));

        JsonNode event = await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.readAll("ledgerbridge.escalations")
                .stream().map(OwnershipTest::json).filter(e -> e.path("id").asText()
                        .equals("escalation-dead-letter-" + letter.id)).toList(), found -> !found.isEmpty()).get(0);
        assertThat(event.path("type").asText()).isEqualTo("io.ledgerbridge.deadletter.escalated");
        assertThat(event.path("data").path("team").asText()).isEqualTo("data-stewards");
        assertThat(event.path("data").path("errorClass").asText()).isEqualTo("REFERENCE");
        assertThat(event.path("data").path("link").asText()).isEqualTo("/admin/dead-letters/" + letter.id);
        assertThat(event.path("data").has("payload")).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> escalations("data-stewards") >= escalatedBefore + 1);
        assertThat(overdue("data-stewards")).isGreaterThanOrEqualTo(1);
        Admin.as(Admin.VIEWER).get("/admin/teams").then().statusCode(200)
                .body("teams.find { it.id == 'data-stewards' }.overdueDeadLetters", org.hamcrest.Matchers
                        .greaterThanOrEqualTo(1))
                .body("slas.'approved-time-to-erp'.resolution", is(TIME_FLOW_SLA));

        // closed after its due time: the KPI of the month counts it as an SLA missed
        JsonNode before = resolutionSla();
        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"reason\": \"late, booked by hand\"}")
                .post("/admin/dead-letters/" + letter.id + "/resolve").then().statusCode(200);
        JsonNode after = resolutionSla();
        assertThat(after.path("count").asLong()).isEqualTo(before.path("count").asLong() + 1);
        assertThat(after.path("met").asLong()).isEqualTo(before.path("met").asLong());

        // the next ticks leave it alone: escalated once
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(QuarkusTransaction.requiringNew().call(() -> AuditEntry.count("target = ?1 and action = ?2",
                "dead-letter/" + letter.id, "escalate"))).isEqualTo(1);
        assertThat(KafkaTopics.readAll("ledgerbridge.escalations").stream()
                .filter(e -> e.contains("\"escalation-dead-letter-" + letter.id + "\"")).count()).isEqualTo(1);
    }

    /** This month's resolution SLA of the time flow as the KPIs report it: count, met, share. */
    private static JsonNode resolutionSla() {
        String period = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
        return json(Admin.as(Admin.VIEWER).queryParam("period", period).get("/admin/kpis").then().statusCode(200)
                .extract().asString()).path("slaMet").path("approved-time-to-erp").path("resolution");
    }

    private static DeadLetter referenceDeadLetter() {
        TimeEntryFixtures.Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "2", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        return Store.deadLetters(entry).get(0);
    }

    /** A time entry of a project in the region that Xero refuses (400): a TARGET_REJECTED dead letter. */
    private static DeadLetter refusedByTheErp(String region) {
        TimeEntryFixtures.Project project = TimeEntryFixtures.register(TimeEntryFixtures.unknownProject(), region);
        VendorStubs.server().stubFor(WireMock.post(WireMock.urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/"
                + project.erpProjectId() + "/Time")).atPriority(1).willReturn(WireMock.aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"the task is closed\"}")));
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "1", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        return Store.deadLetters(entry).get(0);
    }

    private static double escalations(String team) {
        return metric("ledgerbridge_escalations_total\\{[^}]*kind=\"dead_letter\"[^}]*team=\"" + team + "\"[^}]*}");
    }

    private static double overdue(String team) {
        return metric("ledgerbridge_exceptions_overdue\\{[^}]*kind=\"dead_letter\"[^}]*team=\"" + team + "\"[^}]*}");
    }

    private static double metric(String series) {
        String metrics = given().get(Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile("(?m)^" + series + " ([0-9.E+-]+)$").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception notJson) {
            return new ObjectMapper().createObjectNode();
        }
    }
}
