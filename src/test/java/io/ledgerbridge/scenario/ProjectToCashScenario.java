package io.ledgerbridge.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.xref.CrossReference;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Project to cash, end to end, through every flow: two deals won (EU in EUR, NA in USD) -> projects in Harvest and
 * the ERP -> consultants onboarded -> staffing -> approved time with a rate card change on 16 October and expenses
 * paid in a third currency -> billing run for October -> invoice issued and paid in the ERP -> status back to CRM and
 * PSA. Every amount is computed by hand in the comments; every invoice line's source entries are checked. The walk is
 * the same on every ERP system; a subclass is one ERP behind its contract-checking stub (both stubs add a 20 % tax).
 */
abstract class ProjectToCashScenario {

    static final String HARVEST = VendorStubs.HARVEST_BASE;
    static final ObjectMapper JSON = new ObjectMapper();

    final long run = TimeEntryFixtures.nextId();
    private final String euCard = "EU-P2C-" + run;
    private final String naCard = "NA-P2C-" + run;

    /** The ERP's users of the two consultants, by their emails: their ids (Ana's first). */
    abstract List<String> erpUsers(String anaEmail, String benEmail);

    /** After staffing: what the ERP holds for the roles of the two projects. */
    abstract void assertRolesInErp(ProjectRecord eu, ProjectRecord na);

    /** After the billing run: the invoices the ERP received for the two projects. */
    abstract void assertInvoicesInErp(ProjectRecord eu, ProjectRecord na) throws Exception;

    /** The invoice is issued (approved, posted) in the ERP. */
    abstract void issue(String invoiceId);

    /** The customer pays the invoice in full; answers the payment day the ERP reports. */
    abstract String payInFull(String invoiceId, String total);

    /** The cross-reference system of the ERP ledger booking a region's projects (one ERP: {@code erp}). */
    String erpLedger(String region) {
        return "erp";
    }

    /** After the walk: what a subclass checks beyond it. */
    void afterWalk(ProjectRecord eu, ProjectRecord na) throws Exception {
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void dealWonToCashInTwoRegionsAndCurrencies() throws Exception {
        VendorStubs.reset();
        // the walk starts with a healthy ERP: no earlier suite's failures left in the circuit's rolling window (five
        // 503s there and the walk's first calls would open it, and the test profile retries for a second only)
        io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get().resetAll();
        referenceData();
        List<String> erpUsers = erpUsers("ana." + run + "@example.com", "ben." + run + "@example.com");

        // 1. two deals won in the CRM
        String euDeal = "006" + String.format("%012d", run);
        String naDeal = "006" + String.format("%012d", run + 1);
        post("/api/v1/deals", "[" + deal(euDeal, "EU", "EUR", euCard, "Consultant", "Architect") + ","
                + deal(naDeal, "NA", "USD", naCard, "Consultant") + "]");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("deal-won-to-project", euDeal)
                && posted("deal-won-to-project", naDeal));
        ProjectRecord eu = project(euDeal);
        ProjectRecord na = project(naDeal);
        assertThat(eu.currency).isEqualTo("EUR");
        assertThat(na.currency).isEqualTo("USD");

        // 2. two consultants join
        String ana = "A" + run;
        String ben = "B" + run;
        post("/api/v1/people", "[" + person(ana, "Ana", "EU") + "," + person(ben, "Ben", "NA") + "]");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("people-to-psa-and-erp", ana)
                && posted("people-to-psa-and-erp", ben));
        String anaHarvest = xref("PERSON", "hr", ana, "harvest");
        String benHarvest = xref("PERSON", "hr", ben, "harvest");
        assertThat(xref("PERSON", "harvest", anaHarvest, erpLedger("EU"))).isEqualTo(erpUsers.get(0));
        assertThat(xref("PERSON", "harvest", benHarvest, erpLedger("NA"))).isEqualTo(erpUsers.get(1));

        // 3. staffing: Ana consults on EU; Ben consults on NA and is the EU project's architect from 15 October
        long a1 = run * 10 + 1;
        long a2 = run * 10 + 2;
        long a3 = run * 10 + 3;
        post("/api/v1/assignments", "[" + assignment(a1, eu.psaId, anaHarvest, "Consultant", "2026-10-01") + ","
                + assignment(a2, na.psaId, benHarvest, "Consultant", "2026-10-01") + ","
                + assignment(a3, eu.psaId, benHarvest, "Architect", "2026-10-15") + "]");
        await().atMost(Duration.ofSeconds(60)).until(() -> posted("staffing-to-erp", String.valueOf(a1))
                && posted("staffing-to-erp", String.valueOf(a2)) && posted("staffing-to-erp", String.valueOf(a3)));
        assertRolesInErp(project(euDeal), project(naDeal));

        // 4. approved time (rate card v2 from 16 October) and expenses (FX of the spent date)
        List<Long> euConsultantV1 = List.of(time(eu, anaHarvest, "2026-10-06", "8", "Consultant"),
                time(eu, anaHarvest, "2026-10-13", "6.5", "Consultant"));
        long euConsultantV2 = time(eu, anaHarvest, "2026-10-20", "7.25", "Consultant");
        long euArchitect = time(eu, benHarvest, "2026-10-21", "3", "Architect");
        long naV1 = time(na, benHarvest, "2026-10-07", "8", "Consultant");
        long naV2 = time(na, benHarvest, "2026-10-22", "4.5", "Consultant");
        long notAssigned = time(na, anaHarvest, "2026-10-22", "2", "Consultant");
        long euTrain = expense(eu, anaHarvest, "2026-10-14", "240.00", "CHF", "Train");
        long naHotel = expense(na, benHarvest, "2026-10-23", "180.00", "EUR", "Hotel");
        List<Long> allTime = new ArrayList<>(euConsultantV1);
        allTime.addAll(List.of(euConsultantV2, euArchitect, naV1, naV2));
        await().atMost(Duration.ofSeconds(60)).until(() -> allTime.stream()
                .allMatch(id -> posted("approved-time-to-erp", String.valueOf(id)))
                && posted("approved-expenses-to-erp", String.valueOf(euTrain))
                && posted("approved-expenses-to-erp", String.valueOf(naHotel)));
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetter("harvest:time-entry:" + notAssigned) != null);
        assertThat(deadLetter("harvest:time-entry:" + notAssigned).errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(deadLetter("harvest:time-entry:" + notAssigned).errorMessage).contains("not assigned");

        // 5. the billing run for October
        JsonPath outcome = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "projects", List.of(eu.id, na.id)))
                .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        assertThat(outcome.getList("outcomes.outcome")).as(outcome.prettify()).containsExactly("INVOICED", "INVOICED");

        // EU, in EUR (time lines by role, then rate):
        //              Architect  3 h x 150.00                =  450.00
        //              Consultant 8 + 6.5 = 14.5 h x 100.00   = 1450.00
        //              Consultant 7.25 h x 110.00 (v2)        =  797.50
        //              Train 240.00 CHF x 1.0500              =  252.00
        //                                              total  = 2949.50 EUR
        JsonPath euRun = billingRun(outcome.getLong("outcomes[0].billingRunId"));
        assertThat(amount(euRun, "total")).isEqualByComparingTo("2949.50");
        assertThat(euRun.getString("currency")).isEqualTo("EUR");
        assertLine(euRun, 0, "450.00", List.of(euArchitect));
        assertLine(euRun, 1, "1450.00", euConsultantV1);
        assertLine(euRun, 2, "797.50", List.of(euConsultantV2));
        assertLine(euRun, 3, "252.00", List.of(euTrain));
        // NA, in USD:  Consultant 8 h x 120.00 = 960.00; 4.5 h x 125.00 (v2) = 562.50;
        //              Hotel 180.00 EUR x 1.1000 (rate of 23 October) = 198.00     total = 1720.50 USD
        JsonPath naRun = billingRun(outcome.getLong("outcomes[1].billingRunId"));
        assertThat(amount(naRun, "total")).isEqualByComparingTo("1720.50");
        assertThat(naRun.getString("currency")).isEqualTo("USD");
        assertLine(naRun, 0, "960.00", List.of(naV1));
        assertLine(naRun, 1, "562.50", List.of(naV2));
        assertLine(naRun, 2, "198.00", List.of(naHotel));

        assertInvoicesInErp(eu, na);

        // 6. the EU invoice is issued, then paid, in the ERP: CRM and PSA learn it
        String invoiceId = euRun.getString("erpInvoiceId");
        String number = euRun.getString("erpInvoiceNumber");
        issue(invoiceId);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(1,
                postRequestedFor(urlPathEqualTo(HARVEST + "/invoices"))
                        .withRequestBody(matchingJsonPath("$.number", equalTo(number)))
                        .withRequestBody(matchingJsonPath("$.currency", equalTo("EUR")))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(1,
                patchRequestedFor(urlPathEqualTo(VendorStubs.CRM_BASE + "/sobjects/Opportunity/" + euDeal))
                        .withRequestBody(matchingJsonPath("$.Last_Invoice_Status__c", equalTo("AUTHORISED")))));
        // paid in full: 2949.50 + 20 % tax = 3539.40
        String paidOn = payInFull(invoiceId, "3539.40");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(1,
                postRequestedFor(urlPathMatching(HARVEST + "/invoices/[0-9]+/payments"))
                        .withRequestBody(matchingJsonPath("$.amount", equalTo("3539.4")))
                        .withRequestBody(matchingJsonPath("$.paid_date", equalTo(paidOn)))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(1,
                patchRequestedFor(urlPathEqualTo(VendorStubs.CRM_BASE + "/sobjects/Opportunity/" + euDeal))
                        .withRequestBody(matchingJsonPath("$.Last_Invoice_Status__c", equalTo("PAID")))));
        // the EU invoice reached the PSA once, whatever else the ERP issued
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(HARVEST + "/invoices"))
                .withRequestBody(matchingJsonPath("$.number", equalTo(number))));
        assertThat(billingRun(euRun.getLong("id")).getString("erpStatus")).isEqualTo("PAID");
        afterWalk(project(euDeal), project(naDeal));
    }

    private void referenceData() {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(role("Consultant", "8083365"), role("Architect", "8083366")),
                "rateCards", List.of(
                        rate(euCard, "Consultant", "EUR", "100.00", "2026-01-01"),
                        rate(euCard, "Consultant", "EUR", "110.00", "2026-10-16"),
                        rate(euCard, "Architect", "EUR", "150.00", "2026-01-01"),
                        rate(naCard, "Consultant", "USD", "120.00", "2026-01-01"),
                        rate(naCard, "Consultant", "USD", "125.00", "2026-10-16")),
                "fxRates", List.of(
                        Map.of("base", "CHF", "quote", "EUR", "rate", "1.0500", "effectiveFrom", "2026-10-01"),
                        Map.of("base", "EUR", "quote", "USD", "rate", "1.0800", "effectiveFrom", "2026-10-01"),
                        Map.of("base", "EUR", "quote", "USD", "rate", "1.1000", "effectiveFrom", "2026-10-20"))))
                .put("/admin/reference-data").then().statusCode(200);
    }

    private static Map<String, String> role(String role, String task) {
        return Map.of("entityType", "ROLE", "sourceSystem", "ledgerbridge", "sourceId", role, "targetSystem", "harvest",
                "targetId", task);
    }

    private static Map<String, String> rate(String card, String role, String currency, String bill, String from) {
        return Map.of("card", card, "role", role, "currency", currency, "billRate", bill, "costRate", "50.00",
                "effectiveFrom", from);
    }

    private String deal(String id, String region, String currency, String card, String... roles) {
        StringBuilder items = new StringBuilder();
        for (String role : roles) {
            items.append(items.isEmpty() ? "" : ",").append("{\"Product2\": {\"Name\": \"").append(role)
                    .append("\"}, \"Quantity\": 200}");
        }
        return """
                {"Id": "%s", "Name": "Rollout %s %s", "StageName": "Closed Won", "IsWon": true, "CloseDate": "2026-09-28",
                 "Amount": 90000, "CurrencyIsoCode": "%s", "LastModifiedDate": "2026-09-28T10:00:00.000+0000",
                 "Account": {"Id": "001%s", "Name": "Client %s %s"}, "Region__c": "%s",
                 "Contract_Type__c": "TIME_AND_MATERIALS", "Rate_Card__c": "%s", "Project_Code__c": "P2C-%s",
                 "Project_Start__c": "2026-10-01", "Project_End__c": "2027-03-31",
                 "OpportunityLineItems": {"records": [%s]}}
                """.formatted(id, region, run, currency, id.substring(3), region, run, region, card, id, items);
    }

    private String person(String id, String name, String region) {
        return """
                {"employeeId": "%s", "firstName": "%s", "lastName": "Consultant", "email": "%s.%d@example.com",
                 "region": "%s", "hireDate": "2026-09-01", "terminationDate": null, "updatedAt": "2026-09-01T08:00:00Z"}
                """.formatted(id, name, name.toLowerCase(), run, region);
    }

    private static String assignment(long id, String project, String user, String role, String start) {
        return """
                {"id": %d, "project": {"id": %s}, "user": {"id": %s}, "role": "%s", "starts_on": "%s",
                 "ends_on": null, "is_active": true, "updated_at": "2026-09-30T08:00:00Z"}
                """.formatted(id, project, user, role, start);
    }

    private static long time(ProjectRecord project, String user, String date, String hours, String role) {
        long id = TimeEntryFixtures.nextId();
        post("/api/v1/time-entries", """
                {"id": %d, "spent_date": "%s", "hours": %s, "notes": "Delivery", "billable": true, "is_closed": true,
                 "is_billed": false, "updated_at": "2026-11-01T09:00:00Z", "user": {"id": %s, "name": "x"},
                 "project": {"id": %s, "name": "%s"}, "task": {"id": %s, "name": "%s"}}
                """.formatted(id, date, hours, user, project.psaId, project.name,
                "Consultant".equals(role) ? "8083365" : "8083366", role));
        return id;
    }

    private static long expense(ProjectRecord project, String user, String date, String amount, String currency,
            String category) {
        long id = TimeEntryFixtures.nextId();
        post("/api/v1/expenses", """
                {"id": %d, "spent_date": "%s", "total_cost": %s, "billable": true, "is_closed": true,
                 "updated_at": "2026-11-01T09:00:00Z", "user": {"id": %s}, "project": {"id": %s},
                 "client": {"currency": "%s"}, "expense_category": {"name": "%s"}}
                """.formatted(id, date, amount, user, project.psaId, currency, category));
        return id;
    }

    private static void post(String path, String body) {
        given().contentType("application/json").body(body).post(path).then().statusCode(202);
    }

    private static boolean posted(String flow, String sourceId) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count(
                "flow = ?1 and sourceId = ?2 and status = ?3", flow, sourceId, SyncRecord.Status.POSTED) > 0);
    }

    static ProjectRecord project(String crmId) {
        return QuarkusTransaction.requiringNew().call(() -> ProjectRecord.byCrmId(crmId).orElseThrow());
    }

    static String xref(String type, String system, String id, String target) {
        return QuarkusTransaction.requiringNew().call(() -> CrossReference.lookup(type, system, id, target)
                .map(r -> r.targetId).orElse(null));
    }

    private static DeadLetter deadLetter(String key) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey(key).stream().findFirst()
                .orElse(null));
    }

    private static JsonPath billingRun(long id) {
        return Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + id).then().statusCode(200).extract().jsonPath();
    }

    private static BigDecimal amount(JsonPath json, String path) {
        return new BigDecimal(json.getString(path));
    }

    private static void assertLine(JsonPath run, int line, String amount, List<Long> sources) {
        assertThat(amount(run, "lines[" + line + "].lineAmount")).as("line %d", line + 1).isEqualByComparingTo(amount);
        assertThat(run.getList("lines[" + line + "].sources.id", String.class)).as("sources of line %d", line + 1)
                .containsExactlyInAnyOrderElementsOf(sources.stream().map(String::valueOf).toList());
    }

}
