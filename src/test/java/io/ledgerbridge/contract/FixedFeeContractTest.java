package io.ledgerbridge.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * A fixed-fee project of 30,000.00 EUR in two milestones: its approved time reaches the ERP as effort and is never an
 * invoice line; a milestone is invoiced once, as one line of its amount, by the billing run of the period it was
 * completed in; expenses are billed at cost as on time and materials. Amounts are written out by hand.
 */
@QuarkusTest
class FixedFeeContractTest {

    private static final String XERO_INVOICES = VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices";

    private ContractFixtures.Contracted project;
    private long projectId;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        project = ContractFixtures.project("FIXED_FEE", "150.00");
        projectId = project.projectId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(ContractFixtures.fixedFee("12000.00", "18000.00"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .body("terms[0].type", is("FIXED_FEE")).body("terms[0].fixedFee", is(30000.00f))
                .body("terms[0].recognition", is("PERCENT_COMPLETE"))
                .body("milestones.code", is(List.of("design", "go-live")))
                .body("milestones.status", is(List.of("OPEN", "OPEN")));
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void timeIsEffortAndEachMilestoneIsInvoicedOnceInThePeriodItWasCompleted() throws Exception {
        long e1 = project.time("2026-10-05", "7.5");
        long e2 = project.time("2026-10-06", "8");
        long x1 = project.expense("2026-10-07", "240.00");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp", e1, e2)
                && ContractFixtures.posted("approved-expenses-to-erp", x1));
        // the hours reached the ERP project as time (effort), and are kept as effort, not as billable items
        VendorStubs.server().verify(2, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                urlPathEqualTo(VendorStubs.XERO_BASE + "/Projects/" + project.erpProject() + "/Time")));
        assertThat(items(BillableItem.Kind.TIME, BillableItem.Status.EFFORT)).isEqualTo(2);
        assertThat(items(BillableItem.Kind.TIME, BillableItem.Status.UNBILLED)).isZero();

        // October before any milestone: only the expense, at cost (240.00)
        JsonPath october = project.bill("2026-10");
        assertThat(october.getString("outcomes[0].outcome")).as(october.prettify()).isEqualTo("INVOICED");
        JsonPath run = run(october.getLong("outcomes[0].billingRunId"));
        assertThat(run.getList("lines.kind", String.class)).containsExactly("EXPENSE");
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("240.00");

        // the design milestone completed on 5 November: November's invoice is that one line of 12,000.00
        Admin.as(Admin.APPROVER).contentType("application/json").body(Map.of("completedOn", "2026-11-05"))
                .post("/admin/projects/" + projectId + "/milestones/design/completion").then().statusCode(200)
                .body("outcome", is("COMPLETED")).body("milestone.status", is("COMPLETED"))
                .body("milestone.completedBy", is("approver"));
        // completing it again (a second click, a repeated event) changes nothing
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("completedOn", "2026-11-06"))
                .post("/admin/projects/" + projectId + "/milestones/design/completion").then().statusCode(200)
                .body("outcome", is("ALREADY_COMPLETED")).body("milestone.completedOn", is("2026-11-05"));
        long time3 = project.time("2026-11-10", "6");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp", time3));
        JsonPath november = project.bill("2026-11");
        assertThat(november.getString("outcomes[0].outcome")).as(november.prettify()).isEqualTo("INVOICED");
        run = run(november.getLong("outcomes[0].billingRunId"));
        assertThat(run.getList("lines.kind", String.class)).containsExactly("MILESTONE");
        assertThat(new BigDecimal(run.getString("lines[0].lineAmount"))).isEqualByComparingTo("12000.00");
        assertThat(run.getString("lines[0].description")).isEqualTo(
                "Milestone Design signed off (design), completed 2026-11-05");
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("12000.00");
        JsonNode invoice = lastSalesInvoice();
        assertThat(invoice.path("LineItems")).hasSize(1);
        assertThat(invoice.path("LineItems").path(0).path("Quantity").decimalValue()).isEqualByComparingTo("1");
        assertThat(invoice.path("LineItems").path(0).path("UnitAmount").decimalValue()).isEqualByComparingTo("12000.00");

        // November again: nothing is invoiced twice; the go-live milestone is not completed, nothing else is due
        assertThat(project.bill("2026-11").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        assertThat(project.bill("2026-12").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        assertThat(salesInvoices()).isEqualTo(2);
        Admin.as(Admin.VIEWER).get("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .body("milestones.status", is(List.of("COMPLETED", "OPEN")));
        // the invoiced milestone's amount cannot change afterwards: that would be a credit note
        Admin.as(Admin.OPERATOR).contentType("application/json").body(ContractFixtures.fixedFee("11000.00", "19000.00"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(422)
                .body("detail", containsString("milestone design was completed and billed at 12000.00 EUR"));
    }

    @Test
    void aContractThatDoesNotHoldTogetherIsRefusedWithTheReason() {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(ContractFixtures.fixedFee("12000.00", "17999.99"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(422)
                .body("detail", containsString("the milestones add up to 29999.99 EUR, the fixed fee is 30000.00 EUR"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("type", "FIXED_FEE"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(422)
                .body("title", is("Invalid contract"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of())
                .post("/admin/projects/" + projectId + "/milestones/no-such/completion").then().statusCode(404);
        Admin.as(Admin.VIEWER).contentType("application/json").body(Map.of())
                .post("/admin/projects/" + projectId + "/milestones/design/completion").then().statusCode(403);
        // nothing of the refused contracts was kept
        Admin.as(Admin.VIEWER).get("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .body("milestones.amount", is(List.of(12000.00f, 18000.00f)));
    }

    private static JsonPath run(long runId) {
        return Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + runId).then().statusCode(200).extract().jsonPath();
    }

    private long items(BillableItem.Kind kind, BillableItem.Status status) {
        return QuarkusTransaction.requiringNew().call(() -> BillableItem.count(
                "projectId = ?1 and kind = ?2 and status = ?3", projectId, kind, status));
    }

    private static long salesInvoices() {
        return VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(XERO_INVOICES))
                .withRequestBody(matchingJsonPath("$.Invoices[0].Type", equalTo("ACCREC")))).size();
    }

    private static JsonNode lastSalesInvoice() throws Exception {
        var sent = VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(XERO_INVOICES))
                .withRequestBody(matchingJsonPath("$.Invoices[0].Type", equalTo("ACCREC"))));
        return new ObjectMapper().readTree(sent.get(sent.size() - 1).getBodyAsString()).path("Invoices").path(0);
    }

}
