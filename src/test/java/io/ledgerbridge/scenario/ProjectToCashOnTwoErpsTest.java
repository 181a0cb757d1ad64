package io.ledgerbridge.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.OnTwoErps;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Project to cash for two legal entities on two ERPs (mappings/entities.json as {@link OnTwoErps} sets it): the EU
 * project is booked by the Dutch B.V. in Xero, the NA project by the US Inc. in Business Central. Each ERP gets only
 * its entity's customer, project, time, expenses and invoice, to the cent; Ben (NA) also works on the EU project, so
 * he is a user in both ERPs and his EU time goes to Xero under his Xero user. Reconciliation runs per entity, each
 * against its own ERP.
 */
@QuarkusTest
@TestProfile(OnTwoErps.class)
class ProjectToCashOnTwoErpsTest extends ProjectToCashScenarioTest {

    private static final String XERO = VendorStubs.XERO_BASE;
    private static final String ACCOUNTING = VendorStubs.XERO_ACCOUNTING_BASE;
    private static final String COMPANY = VendorStubs.BC_COMPANY;
    private String benInXero;

    @Override
    List<String> erpUsers(String anaEmail, String benEmail) {
        // Xero (EU) has both as users; Business Central (NA) has Ben as an employee, not Ana
        String ana = UUID.randomUUID().toString();
        benInXero = UUID.randomUUID().toString();
        VendorStubs.server().stubFor(get(urlPathEqualTo(XERO + "/ProjectsUsers")).atPriority(1)
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo("1")).willReturn(okJson("""
                {"pagination": {"page": 1, "pageSize": 500, "pageCount": 1, "itemCount": 2},
                 "items": [{"userId": "%s", "name": "Ana", "email": "%s"},
                           {"userId": "%s", "name": "Ben", "email": "%s"}]}
                """.formatted(ana, anaEmail, benInXero, benEmail))));
        return List.of(ana, BusinessCentralLedger.employee(COMPANY, benEmail, "Ben Consultant"));
    }

    @Override
    String erpLedger(String region) {
        return "NA".equals(region) ? "erp:" + OnTwoErps.BC_ENTITY : "erp";
    }

    @Override
    void assertRolesInErp(ProjectRecord eu, ProjectRecord na) {
        // EU in Xero: a task per role; NA in Business Central: the project by its code, no Xero project or task
        VendorStubs.server().verify(2, postRequestedFor(urlPathEqualTo(XERO + "/Projects/" + eu.erpProjectId + "/Tasks")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(XERO + "/Projects")));
        assertThat(ProjectToCashOnBusinessCentralTest.ledger("projects").stream()
                .filter(p -> p.path("id").asText().equals(na.erpProjectId))).singleElement()
                .satisfies(p -> assertThat(p.path("number").asText()).isEqualTo(na.code));
        assertThat(ProjectToCashOnBusinessCentralTest.ledger("projects").stream()
                .filter(p -> p.path("number").asText().equals(eu.code))).isEmpty();
        assertThat(ProjectToCashOnBusinessCentralTest.ledger("customers").stream()
                .filter(c -> c.path("id").asText().equals(na.erpContactId))).singleElement()
                .satisfies(c -> assertThat(c.path("currencyCode").asText()).isEqualTo("USD"));
        // Ben is a user of both ERPs: his Xero user for the EU project, his employee in Business Central for NA
        String benHarvest = xref("PERSON", "hr", "B" + run, "harvest");
        assertThat(xref("PERSON", "harvest", benHarvest, "erp")).isEqualTo(benInXero);
        // Ana is no employee in Business Central: not a failure, she does not work for the US Inc.
        String anaHarvest = xref("PERSON", "hr", "A" + run, "harvest");
        assertThat(xref("PERSON", "harvest", anaHarvest, "erp:" + OnTwoErps.BC_ENTITY)).isNull();
    }

    @Override
    void assertInvoicesInErp(ProjectRecord eu, ProjectRecord na) throws Exception {
        // EU: the invoice in Xero in EUR with the B.V.'s tax type; Ben's architect time under his Xero user
        JsonNode euInvoice = sentInvoice(eu.erpContactId);
        assertThat(euInvoice.path("CurrencyCode").asText()).isEqualTo("EUR");
        assertThat(euInvoice.path("LineItems").findValuesAsText("TaxType")).containsOnly("OUTPUT2");
        assertThat(VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(XERO + "/Projects/"
                + eu.erpProjectId + "/Time"))).stream().map(r -> read(r.getBodyAsString()).path("userId").asText())
                .collect(Collectors.toSet())).contains(benInXero).hasSize(2);
        // NA: nothing in Xero; in Business Central 12.5 h, the hotel 198.00 USD, the invoice 1720.50 + 20 % = 2064.60
        assertThat(VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(ACCOUNTING + "/Invoices"))).stream()
                .map(r -> read(r.getBodyAsString()).path("Invoices").path(0).path("Contact").path("ContactID").asText()))
                .doesNotContain(na.erpContactId);
        assertThat(ProjectToCashOnBusinessCentralTest.hours(na)).isEqualByComparingTo("12.5");
        assertThat(ProjectToCashOnBusinessCentralTest.hours(eu)).isEqualByComparingTo("0");
        assertThat(ProjectToCashOnBusinessCentralTest.ledger("journalLines").stream()
                .filter(l -> l.path("externalDocumentNumber").asText().startsWith("harvest-expense-"))
                .map(l -> l.path("amount").decimalValue()).toList())
                .usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("198.00"))
                .doesNotContain(new BigDecimal("252.00"));
        ProjectToCashOnBusinessCentralTest.assertInvoice(ProjectToCashOnBusinessCentralTest.invoice(na), "USD", 3,
                "1720.50", "2064.60");
    }

    @Override
    void afterWalk(ProjectRecord eu, ProjectRecord na) {
        // the NA invoice, paid in Business Central, reaches the CRM too
        BusinessCentralLedger.pay(COMPANY, ProjectToCashOnBusinessCentralTest.invoice(na).path("id").asText(),
                "2064.60");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> VendorStubs.server().verify(
                com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly(1),
                com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor(urlPathEqualTo(VendorStubs.CRM_BASE
                        + "/sobjects/Opportunity/" + na.crmId)).withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.Last_Invoice_Status__c",
                                equalTo("PAID")))));

        // reconciliation of the US Inc.: its project only, against Business Central, which holds all of it (the two
        // time entries ledgerbridge posted, the invoice's three lines as planned)
        JsonPath us = reconcile(OnTwoErps.BC_ENTITY);
        assertThat(us.getString("projects")).isEqualTo(String.valueOf(na.id));
        assertThat(us.getInt("erpEntries")).as(us.prettify()).isEqualTo(2);
        assertThat(us.getInt("erpInvoiceLines")).as(us.prettify()).isEqualTo(3);
        assertThat(us.getList("findings")).as(us.prettify()).isEmpty();

        // reconciliation of the B.V.: its project only, read from Xero, none of it from Business Central
        int bcCallsBefore = VendorStubs.server().findAll(anyRequestedFor(urlPathMatching(VendorStubs.BC_BASE + "/.*")))
                .size();
        JsonPath nl = reconcile("NL-BV");
        assertThat(nl.getString("projects")).isEqualTo(String.valueOf(eu.id));
        VendorStubs.server().verify(com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly(1),
                getRequestedFor(urlPathEqualTo(XERO + "/Projects/" + eu.erpProjectId + "/Time")));
        assertThat(VendorStubs.server().findAll(anyRequestedFor(urlPathMatching(VendorStubs.BC_BASE + "/.*"))))
                .hasSize(bcCallsBefore);
        assertThat(nl.getList("findings.projectId", Long.class)).allMatch(eu.id::equals);
    }

    private static JsonPath reconcile(String entity) {
        long id = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-10", "entity", entity))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + id).then().extract().path("status")));
        JsonPath run = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + id).then().statusCode(200).extract()
                .jsonPath();
        assertThat(run.getString("status")).as(run.prettify()).isEqualTo("COMPLETED");
        return run;
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
