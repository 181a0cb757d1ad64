package io.ledgerbridge.privacy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Viewers see what failed and why, not the people in it; operators, who replay and edit, see everything. */
@QuarkusTest
class PersonalDataMaskingTest {

    @Inject
    PersonalData personalData;

    @Test
    void aViewerSeesTheDeadLetterWithoutPersonalData() {
        long entry = TimeEntryFixtures.nextId();
        // a project nobody knows: REFERENCE dead letter with the person's name and notes in its payload
        given().contentType("application/json").body(TimeEntryFixtures.unknownProject()
                .approvedEntry(entry, "1", "2026-11-20T10:15:00Z").replace("Sprint planning", "call kim@example.com"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        DeadLetter letter = Store.deadLetters(entry).get(0);

        JsonPath viewer = Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter.id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(viewer.getString("payload")).doesNotContain("Kim Allen").doesNotContain("kim@example.com")
                .contains("\"name\":\"***\"").contains("\"id\":" + entry).contains("\"hours\":1");
        assertThat(viewer.getString("businessKey")).isEqualTo("harvest:time-entry:" + entry);

        JsonPath operator = Admin.as(Admin.OPERATOR).get("/admin/dead-letters/" + letter.id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(operator.getString("payload")).contains("Kim Allen").contains("kim@example.com");
    }

    @Test
    void aViewerListsDeadLettersWithoutTheAddressesInTheirErrors() {
        long entry = refusedByTheErp("user kim@example.com is not on the project");
        VendorStubs.reset();
        String key = "harvest:time-entry:" + entry;

        assertThat(Admin.as(Admin.VIEWER).queryParam("key", key).get("/admin/dead-letters").then().statusCode(200)
                .extract().jsonPath().getString("items[0].errorMessage")).contains("user *** is not")
                .doesNotContain("kim@example.com");
        assertThat(Admin.as(Admin.OPERATOR).queryParam("key", key).get("/admin/dead-letters").then().statusCode(200)
                .extract().jsonPath().getString("items[0].errorMessage")).contains("kim@example.com");
    }

    @Test
    void namesEmailsNotesAndRatesAreMaskedAtAnyDepth() {
        String person = """
                {"ref": {"system": "hr", "id": "E-7"}, "first_name": "Ana", "lastName": "Lima",
                 "work-email": "ana.lima@firm.example", "contact": {"phone": "+351 21 000 0000"},
                 "roles": [{"role": "Data Scientist", "billRate": 150.00, "cost_rate": 80}],
                 "comment": "see ana.lima@firm.example", "startsOn": "2026-11-01"}
                """;
        String masked = personalData.mask(person);
        assertThat(masked).doesNotContain("Ana").doesNotContain("Lima").doesNotContain("+351")
                .doesNotContain("150").doesNotContain("80").doesNotContain("@firm.example")
                .contains("E-7").contains("Data Scientist").contains("2026-11-01");
        assertThat(personalData.mask("not json")).isEqualTo("*** (not JSON: hidden)");
        assertThat(personalData.maskText("rejected: user bob@example.com exists")).isEqualTo("rejected: user *** exists");
    }

    /** What mappings/privacy/personal-data.json declares: names, name patterns, values in any text. */
    @Test
    void theDeclaredClassificationCoversIdentifiersAddressesAndPhonesByNameAndByValue() {
        String person = """
                {"id": "E-8", "home_address": "1 Rua Augusta", "personal_phone": "912 000 000", "ssn": "078-05-1120",
                 "bank": {"IBAN": "PT50000201231234567890154"}, "emergencyContactPhone": "555 0100",
                 "hours": 7.5, "spent_date": "2026-11-20", "amount": "1234.50"}
                """;
        String masked = personalData.mask(person);
        assertThat(masked).doesNotContain("Rua Augusta", "912 000 000", "078-05-1120", "PT5000020123", "555 0100")
                .contains("E-8", "7.5", "2026-11-20", "1234.50");
        // in free text (an error quoting the vendor, a resolution, an audit entry): values by pattern, quoted fields
        assertThat(personalData.maskText("call +44 20 7946 0958 or mail ana@firm.example; SSN 078-05-1120, IBAN "
                + "PT50000201231234567890154; body {\"ssn\": \"1\", \"home_address\":\"x\", \"hours\": 7.5} on 2026-11-20 "
                + "for 1234.50 EUR")).isEqualTo("call *** or mail ***; SSN ***, IBAN ***; body {\"ssn\":\"***\", "
                + "\"home_address\":\"***\", \"hours\": 7.5} on 2026-11-20 for 1234.50 EUR");
    }

    @Test
    void aViewerSeesResolutionsReplayOutcomesAndTheAuditTrailMasked() {
        long entry = refusedByTheErp("user lee@example.com (+1 415 555 0100) is not on the project");
        long id = Store.deadLetters(entry).get(0).id;
        // replayed while the ERP still refuses: the replay's outcome quotes the ERP's answer
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay");
        VendorStubs.reset();
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"reason\": \"lee@example.com left; booked by hand, ask +1 415 555 0199\"}")
                .post("/admin/dead-letters/" + id + "/resolve").then().statusCode(200);

        JsonPath viewer = Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then().statusCode(200)
                .extract().jsonPath();
        assertThat(viewer.getString("resolution")).endsWith(": *** left; booked by hand, ask ***");
        assertThat(viewer.getList("replays.detail", String.class)).isNotEmpty()
                .allSatisfy(detail -> assertThat(detail).doesNotContain("lee@example.com", "415 555"));
        String audit = Admin.as(Admin.VIEWER).queryParam("action", "resolve").queryParam("size", 500)
                .get("/admin/audit").then().statusCode(200).extract().asString();
        assertThat(audit).contains("*** left; booked by hand").doesNotContain("lee@example.com", "415 555 0199");
        assertThat(Admin.as(Admin.OPERATOR).get("/admin/dead-letters/" + id).then().statusCode(200).extract()
                .jsonPath().getString("resolution")).contains("lee@example.com");
        assertThat(Admin.as(Admin.OPERATOR).queryParam("action", "resolve").get("/admin/audit").then().statusCode(200)
                .extract().asString()).contains("lee@example.com left");
    }

    /** An approved entry the ERP refuses (400) with this message, until the stubs are reset; returns its id. */
    static long refusedByTheErp(String message) {
        VendorStubs.reset();
        TimeEntryFixtures.Project project = TimeEntryFixtures.knownProject();
        VendorStubs.server().stubFor(WireMock.post(WireMock.urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/"
                + project.erpProjectId() + "/Time")).atPriority(1).willReturn(WireMock.aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"" + message + "\"}")));
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "1", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        return entry;
    }
}
