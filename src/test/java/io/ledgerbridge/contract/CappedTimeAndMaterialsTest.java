package io.ledgerbridge.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Time and materials at 100.00 EUR an hour with a cap of 1,000.00 EUR: time is billed in work-date order up to the
 * cap, the rest is held under a CAP_EXCEEDED finding until an approver bills it anyway or writes it off. Amounts are
 * written out by hand.
 */
@QuarkusTest
class CappedTimeAndMaterialsTest {

    private ContractFixtures.Contracted project;
    private long projectId;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        project = ContractFixtures.capped("100.00", "1000.00");
        projectId = project.projectId();
        Admin.as(Admin.VIEWER).get("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .body("terms[0].cap", is(1000.00f));
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void timeBeyondTheCapIsHeldUntilAnApproverBillsItAnywayOrWritesItOff() {
        long e1 = project.time("2026-10-05", "4");
        long e2 = project.time("2026-10-06", "4");
        long e3 = project.time("2026-10-07", "3");
        long e4 = project.time("2026-10-08", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(e1, e2, e3, e4));

        // 4 h + 4 h = 800.00 fit; the 7th (300.00) would make 1,100.00: it and the 8th after it are held
        JsonPath october = project.bill("2026-10");
        assertThat(october.getString("outcomes[0].outcome")).as(october.prettify()).isEqualTo("INVOICED");
        assertThat(october.getString("outcomes[0].detail")).contains("total 800.00 EUR")
                .contains("held for an approver");
        JsonPath finding = Admin.as(Admin.VIEWER).queryParam("type", "CAP_EXCEEDED").queryParam("projectId", projectId)
                .get("/admin/findings").then().statusCode(200).body("total", is(1)).extract().jsonPath();
        long first = finding.getLong("items[0].id");
        assertThat(finding.getString("items[0].expected")).isEqualTo("1000.00");
        assertThat(finding.getString("items[0].actual")).isEqualTo("1200.00");
        assertThat(finding.getString("items[0].detail")).isEqualTo("time and materials capped at 1000.00 EUR: "
                + "800.00 EUR billed or being billed; 2 approved time entries worth 400.00 EUR (2026-10-07 to "
                + "2026-10-08) held beyond the cap: an approver bills them anyway or writes them off "
                + "(POST /admin/findings/" + first + "/decision)");
        assertThat(finding.getString("items[0].team")).isNotNull();
        assertThat(items(BillableItem.Status.HELD)).isEqualTo(2);

        // an operator may not decide; the approver bills them anyway: November's run invoices the 400.00
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("decision", "BILL_ANYWAY", "reason", "client agreed")).post("/admin/findings/" + first
                        + "/decision").then().statusCode(403);
        Admin.as(Admin.APPROVER).contentType("application/json")
                .body(Map.of("decision", "BILL_ANYWAY", "reason", "change request CR-7 signed by the client"))
                .post("/admin/findings/" + first + "/decision").then().statusCode(200)
                .body("status", is("RESOLVED")).body("entries", is(2));
        JsonPath november = project.bill("2026-11");
        assertThat(november.getString("outcomes[0].outcome")).as(november.prettify()).isEqualTo("INVOICED");
        JsonPath run = Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + november.getLong("outcomes[0].billingRunId"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("400.00");
        assertThat(run.getList("lines[0].sources.id", String.class))
                .containsExactlyInAnyOrder(String.valueOf(e3), String.valueOf(e4));

        // now 1,200.00 is billed: December's 2 h (200.00) are beyond the cap, held again; written off, never billed
        long e5 = project.time("2026-12-01", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(e5));
        JsonPath december = project.bill("2026-12");
        assertThat(december.getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        assertThat(december.getString("outcomes[0].detail")).contains("beyond the contract's cap");
        long second = Admin.as(Admin.VIEWER).queryParam("type", "CAP_EXCEEDED").queryParam("projectId", projectId)
                .get("/admin/findings").then().statusCode(200).body("total", is(1)).extract().jsonPath()
                .getLong("items[0].id");
        assertThat(second).isNotEqualTo(first);
        Admin.as(Admin.APPROVER).contentType("application/json")
                .body(Map.of("decision", "WRITE_OFF", "reason", "goodwill: cap agreed in the SOW"))
                .post("/admin/findings/" + second + "/decision").then().statusCode(200)
                .body("resolution", containsString("approver: WRITE_OFF: goodwill")).body("entries", is(1));
        assertThat(items(BillableItem.Status.WRITTEN_OFF)).isEqualTo(1);
        assertThat(project.bill("2026-12").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        // a closed finding takes no second decision; a decision it does not know is refused
        Admin.as(Admin.APPROVER).contentType("application/json")
                .body(Map.of("decision", "BILL_ANYWAY", "reason", "again"))
                .post("/admin/findings/" + second + "/decision").then().statusCode(409);
        Admin.as(Admin.APPROVER).contentType("application/json").body(Map.of("decision", "MAYBE", "reason", "x"))
                .post("/admin/findings/" + second + "/decision").then().statusCode(400);
        Admin.as(Admin.VIEWER).get("/admin/audit?action=cap-decision").then().statusCode(200)
                .body("items.size()", org.hamcrest.Matchers.greaterThanOrEqualTo(2));
    }

    private long items(BillableItem.Status status) {
        return QuarkusTransaction.requiringNew().call(() -> BillableItem.count("projectId = ?1 and status = ?2",
                projectId, status));
    }
}
