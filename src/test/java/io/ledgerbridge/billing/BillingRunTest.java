package io.ledgerbridge.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Approved time and expenses of one EU project in October, with a rate card change on the 16th and an expense paid
 * in USD, become one draft invoice; totals are computed by hand below.
 */
@QuarkusTest
class BillingRunTest {

    private static final String XERO_INVOICES = VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices";
    private static final String CONTACT = "5c6a1f0e-3b7d-4e2a-9f10-2d3c4b5a6e7f";

    private long psaProject;
    private long user;
    private String card;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        psaProject = TimeEntryFixtures.nextId();
        user = TimeEntryFixtures.nextId();
        card = "BILLING-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest",
                        "sourceId", String.valueOf(user), "targetSystem", "erp", "targetId", UUID.randomUUID().toString())),
                "rateCards", List.of(
                        rate("Consultant", "100.00", "2026-01-01"), rate("Consultant", "110.00", "2026-10-16")),
                "fxRates", List.of(
                        Map.of("base", "USD", "quote", "EUR", "rate", "0.9200", "effectiveFrom", "2026-10-01"),
                        Map.of("base", "USD", "quote", "EUR", "rate", "0.9300", "effectiveFrom", "2026-10-20")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", UUID.randomUUID().toString()), Map.entry("erpContactId", CONTACT),
                        Map.entry("name", "Data Platform"), Map.entry("code", "DP-" + psaProject),
                        Map.entry("clientName", "Müller GmbH"), Map.entry("region", "EU"), Map.entry("currency", "EUR"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-10-01"))),
                "assignments", List.of(Map.of("sourceId", "billing-" + psaProject, "psaProjectId",
                        String.valueOf(psaProject), "psaUserId", String.valueOf(user), "role", "Consultant",
                        "startsOn", "2026-10-01", "erpTaskId", UUID.randomUUID().toString()))))
                .put("/admin/reference-data").then().statusCode(200).body("projects", is(1));
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    private Map<String, String> rate(String role, String bill, String from) {
        return Map.of("card", card, "role", role, "currency", "EUR", "billRate", bill, "costRate", "60.00",
                "effectiveFrom", from);
    }

    @Test
    void approvedTimeAndExpensesOfAPeriodBecomeOneDraftInvoiceTracedToTheirEntries() throws Exception {
        long e1 = time("2026-10-05", "7.5");
        long e2 = time("2026-10-10", "0.25");
        long e3 = time("2026-10-20", "8");
        long e4 = time("2026-10-21", "2.75");
        long x1 = expense("2026-10-08", "89.90", "EUR", "Hotel");
        long x2 = expense("2026-10-22", "123.45", "USD", "Flight");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("approved-time-to-erp", e1, e2, e3, e4)
                && posted("approved-expenses-to-erp", x1, x2));

        // the flight, paid with the firm's card (EU companyCard: Flight), as a spend-money transaction from the card's
        // account: booked in the EU entity's EUR at the rate of its date, EU expense tax
        JsonNode spend = accounting("/BankTransactions", "BankTransactions", x2);
        assertThat(spend.path("Type").asText()).isEqualTo("SPEND");
        assertThat(spend.path("BankAccount").path("Code").asText()).isEqualTo("090");
        JsonNode spendLine = spend.path("LineItems").path(0);
        assertThat(spendLine.path("UnitAmount").decimalValue()).isEqualByComparingTo("114.81");
        assertThat(spendLine.path("TaxType").asText()).isEqualTo("INPUT2");
        assertThat(spendLine.path("AccountCode").asText()).isEqualTo("493");
        // the hotel, paid by the consultant, as a draft bill to them (ACCPAY): what the firm owes them
        JsonNode bill = accounting("/Invoices", "Invoices", x1);
        assertThat(bill.path("Type").asText()).isEqualTo("ACCPAY");
        assertThat(bill.path("Contact").path("Name").asText()).isEqualTo("Ana Lima");
        assertThat(bill.path("LineItems").path(0).path("UnitAmount").decimalValue()).isEqualByComparingTo("89.90");
        VendorStubs.server().verify(0, putRequestedFor(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Receipts")));

        long projectId = projectId();
        JsonPath outcome = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        assertThat(outcome.getString("outcomes[0].outcome")).as(outcome.prettify()).isEqualTo("INVOICED");
        long runId = outcome.getLong("outcomes[0].billingRunId");

        // by hand: 7.75 h x 100.00 = 775.00; 10.75 h x 110.00 = 1182.50 (rate card v2 from the 16th);
        // hotel 89.90 EUR; flight 123.45 USD x 0.9300 (rate of the 22nd) = 114.8085 -> 114.81
        JsonPath run = Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + runId).then().statusCode(200)
                .extract().jsonPath();
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("2162.21");
        assertThat(run.getString("status")).isEqualTo("INVOICED");
        assertThat(run.getList("lines.lineAmount", String.class).stream().map(BigDecimal::new).toList())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("775.00"), new BigDecimal("1182.50"), new BigDecimal("89.90"),
                        new BigDecimal("114.81"));
        assertThat(run.getList("lines[0].sources.id", String.class)).containsExactlyInAnyOrder(id(e1), id(e2));
        assertThat(run.getList("lines[0].sources.rateVersion", Integer.class)).containsOnly(1);
        assertThat(run.getList("lines[1].sources.id", String.class)).containsExactlyInAnyOrder(id(e3), id(e4));
        assertThat(run.getList("lines[1].sources.rateVersion", Integer.class)).containsOnly(2);
        assertThat(run.getList("lines[2].sources.id", String.class)).containsExactly(id(x1));
        assertThat(run.getList("lines[3].sources.id", String.class)).containsExactly(id(x2));
        assertThat(run.getString("lines[3].description")).contains("123.45 USD at 0.93");

        var sent = salesInvoices();
        assertThat(sent).hasSize(1);
        JsonNode invoice = new ObjectMapper().readTree(sent.get(0).getBodyAsString()).path("Invoices").path(0);
        assertThat(invoice.path("Contact").path("ContactID").asText()).isEqualTo(CONTACT);
        assertThat(invoice.path("CurrencyCode").asText()).isEqualTo("EUR");
        assertThat(invoice.path("Status").asText()).isEqualTo("DRAFT");
        assertThat(invoice.path("LineItems").findValuesAsText("TaxType")).containsOnly("OUTPUT2");
        assertThat(sent.get(0).getHeader("Idempotency-Key")).isEqualTo("billing-" + projectId + "-2026-10");

        // the same period again, by hand or by schedule: nothing is sent twice
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/billing-runs").then().statusCode(200)
                .body("outcomes[0].outcome", is("SKIPPED")).body("outcomes[0].billingRunId", is((int) runId));
        assertThat(salesInvoices()).hasSize(1);
        assertThat(unbilled(projectId)).isZero();
    }

    @Test
    void businessRulesDeadLetterTheirClassesAndTheClosedPeriodIsHeldForAnOperator() {
        long outsideAssignment = time("2026-09-30", "1");
        long noFxRate = expense("2026-10-09", "50.00", "NOK", "Taxi");
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter("time-entry", outsideAssignment) != null
                && deadLetter("expense", noFxRate) != null);
        DeadLetter notActive = deadLetter("time-entry", outsideAssignment);
        assertThat(notActive.errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(notActive.errorMessage).contains("not active on 2026-09-30");
        DeadLetter fx = deadLetter("expense", noFxRate);
        assertThat(fx.errorClass).isEqualTo(ErrorClass.FX);
        assertThat(fx.errorMessage).contains("NOK/EUR").contains("2026-10-09");

        long billed = time("2026-10-12", "4");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("approved-time-to-erp", billed));
        VendorStubs.server().stubFor(put(urlPathEqualTo(XERO_INVOICES)).atPriority(1).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json").withBody("{\"ErrorNumber\":10,"
                        + "\"Type\":\"ValidationException\",\"Message\":\"A validation exception occurred\","
                        + "\"Elements\":[{\"ValidationErrors\":[{\"Message\":\"The document date cannot be before the "
                        + "period lock date of 31/10/2026\"}]}]}")));
        long projectId = projectId();
        JsonPath outcome = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        assertThat(outcome.getString("outcomes[0].outcome")).isEqualTo("FAILED");
        assertThat(outcome.getString("outcomes[0].detail")).startsWith("PERIOD_CLOSED");
        long letter = outcome.getLong("outcomes[0].deadLetterId");
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter).then().statusCode(200)
                .body("status", is("OPEN")).body("flow", is("billing-run"));
        // nothing was billed: the items wait, planned for the same invoice, until an operator replays it
        assertThat(unbilled(projectId)).isZero();
        VendorStubs.reset();
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + letter + "/replay").then().statusCode(200)
                .body("outcome", is("POSTED"));
        assertThat(salesInvoices()).hasSize(1);
        Admin.as(Admin.VIEWER).queryParam("projectId", projectId).get("/admin/billing-runs").then()
                .body("[0].status", is("INVOICED")).body("[0].total", is(400.0f)); // 4 h x 100.00 (rate v1 on the 12th)
    }

    @Test
    void roleWithoutRateIsRateAndAnErpTotalOffByACentIsInternalWithNothingBilled() {
        long dataScientist = TimeEntryFixtures.nextId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(List.of(Map.of("sourceId", "ds-" + dataScientist,
                "psaProjectId", String.valueOf(psaProject), "psaUserId", String.valueOf(dataScientist),
                "role", "Data Scientist", "startsOn", "2026-10-01"))).put("/admin/assignments").then().statusCode(200);
        long unpriced = timeOf(dataScientist, "2026-10-12", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter("time-entry", unpriced) != null);
        assertThat(deadLetter("time-entry", unpriced).errorClass).isEqualTo(ErrorClass.RATE);
        assertThat(deadLetter("time-entry", unpriced).errorMessage)
                .contains("no rate for role Data Scientist on 2026-10-12");

        long entry = time("2026-10-12", "1.5");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("approved-time-to-erp", entry));
        // Xero's sub-total disagrees with the plan (150.00) by one cent
        VendorStubs.server().stubFor(put(urlPathEqualTo(XERO_INVOICES)).atPriority(1).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"Invoices\":[{"
                        + "\"InvoiceID\":\"" + UUID.randomUUID() + "\",\"InvoiceNumber\":\"INV-9\",\"Status\":\"DRAFT\","
                        + "\"SubTotal\":150.01,\"Total\":180.01,\"LineItems\":[{\"LineAmount\":150.01}]}]}")));
        long projectId = projectId();
        JsonPath outcome = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId)))
                .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        assertThat(outcome.getString("outcomes[0].outcome")).isEqualTo("FAILED");
        assertThat(outcome.getString("outcomes[0].detail")).startsWith("INTERNAL")
                .contains("sub-total 150.01 vs planned 150.00");
        Admin.as(Admin.VIEWER).queryParam("projectId", projectId).get("/admin/billing-runs").then()
                .body("[0].status", is("PLANNED"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> BillableItem.count(
                "projectId = ?1 and status = ?2", projectId, BillableItem.Status.BILLED))).isZero();
    }

    @Test
    void twoRunsOfOnePeriodAtOnceMakeOneInvoiceAndBillEachItemOnce() throws Exception {
        long e1 = time("2026-10-05", "4");
        long e2 = time("2026-10-06", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("approved-time-to-erp", e1, e2));
        long projectId = projectId();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<String>> runs = pool.invokeAll(List.of(() -> run(projectId),
                    () -> run(projectId)));
            for (var run : runs) {
                assertThat(run.get()).isIn("INVOICED", "SKIPPED");
            }
        } finally {
            pool.shutdownNow();
        }
        var sent = salesInvoices();
        assertThat(sent).isNotEmpty();
        assertThat(sent.stream().map(r -> r.getHeader("Idempotency-Key")).distinct())
                .containsExactly("billing-" + projectId + "-2026-10");
        Admin.as(Admin.VIEWER).queryParam("projectId", projectId).get("/admin/billing-runs").then()
                .body("size()", is(1)).body("[0].status", is("INVOICED")).body("[0].total", is(600.0f));
        assertThat(QuarkusTransaction.requiringNew().call(() -> BillableItem.count(
                "projectId = ?1 and status = ?2", projectId, BillableItem.Status.BILLED))).isEqualTo(2);
    }

    private static String run(long projectId) {
        return Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(projectId))).post("/admin/billing-runs").then()
                .statusCode(200).extract().jsonPath().getString("outcomes[0].outcome");
    }

    @Test
    void expenseChangedAfterItsDocumentWasPostedIsHeldNotBookedTwice() {
        long id = expense("2026-10-08", "89.90", "EUR", "Hotel");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("approved-expenses-to-erp", id));
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "2026-10-08", "total_cost": 98.90, "billable": true, "is_closed": true,
                 "updated_at": "2026-11-03T09:00:00Z", "user": {"id": %d}, "project": {"id": %d},
                 "client": {"currency": "EUR"}, "expense_category": {"name": "Hotel"}}
                """.formatted(id, user, psaProject)).post("/api/v1/expenses").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetter("expense", id) != null);
        assertThat(deadLetter("expense", id).errorClass).isEqualTo(ErrorClass.TARGET_REJECTED);
        assertThat(deadLetter("expense", id).errorMessage).contains("a second document would book it twice");
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.Invoices[0].Reference", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                                "harvest-expense-" + id))));
    }

    private long time(String date, String hours) {
        return timeOf(user, date, hours);
    }

    private long timeOf(long user, String date, String hours) {
        long id = TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "%s", "hours": %s, "notes": "Delivery", "billable": true,
                 "is_closed": true, "is_billed": false, "updated_at": "2026-11-02T09:00:00Z",
                 "user": {"id": %d, "name": "Ana Lima"}, "client": {"id": 1, "name": "Müller GmbH"},
                 "project": {"id": %d, "name": "Data Platform"}, "task": {"id": 77, "name": "Consultant"}}
                """.formatted(id, date, hours, user, psaProject)).post("/api/v1/time-entries").then().statusCode(202);
        return id;
    }

    private long expense(String date, String amount, String currency, String category) {
        long id = TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"id": %d, "spent_date": "%s", "total_cost": %s, "billable": true, "is_closed": true,
                 "is_billed": false, "notes": "Client visit", "updated_at": "2026-11-02T09:00:00Z",
                 "user": {"id": %d, "name": "Ana Lima"}, "project": {"id": %d, "name": "Data Platform"},
                 "client": {"id": 1, "name": "Müller GmbH", "currency": "%s"},
                 "expense_category": {"id": 5, "name": "%s"}}
                """.formatted(id, date, amount, user, psaProject, currency, category))
                .post("/api/v1/expenses").then().statusCode(202).body("accepted[0]", is(id));
        return id;
    }

    /** The sales invoices (ACCREC) Xero received; the bills (ACCPAY) of expenses share their endpoint. */
    private static List<com.github.tomakehurst.wiremock.verification.LoggedRequest> salesInvoices() {
        return VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(XERO_INVOICES))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.Invoices[0].Type", com.github.tomakehurst.wiremock.client.WireMock.equalTo("ACCREC"))));
    }

    /** The document of the expense the accounting API received at this path (one of the body's array). */
    private static JsonNode accounting(String path, String array, long expense) {
        return VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + path)))
                .stream().map(r -> {
                    try {
                        return new ObjectMapper().readTree(r.getBodyAsString()).path(array).path(0);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).filter(d -> d.path("Reference").asText().equals("harvest-expense-" + expense)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + path + " document of expense " + expense));
    }


    private static String id(long id) {
        return String.valueOf(id);
    }

    private static boolean posted(String flow, long... ids) {
        return QuarkusTransaction.requiringNew().call(() -> {
            for (long id : ids) {
                if (SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3", flow, String.valueOf(id),
                        SyncRecord.Status.POSTED) == 0) {
                    return false;
                }
            }
            return true;
        });
    }

    private static DeadLetter deadLetter(String type, long id) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("harvest:" + type + ":" + id)
                .stream().findFirst().orElse(null));
    }

    private long projectId() {
        return Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then().statusCode(200)
                .extract().jsonPath().getLong("[0].id");
    }

    private static long unbilled(long projectId) {
        return QuarkusTransaction.requiringNew().call(() -> BillableItem.count("projectId = ?1 and status = ?2",
                projectId, BillableItem.Status.UNBILLED));
    }
}
