package io.ledgerbridge.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;

/** Project to cash on Xero (Projects and Accounting), the test profile's ERP. */
@QuarkusTest
class ProjectToCashScenarioTest extends ProjectToCashScenario {

    private static final String XERO = VendorStubs.XERO_BASE;
    private static final String ACCOUNTING = VendorStubs.XERO_ACCOUNTING_BASE;

    @Override
    List<String> erpUsers(String anaEmail, String benEmail) {
        String ana = UUID.randomUUID().toString();
        String ben = UUID.randomUUID().toString();
        VendorStubs.server().stubFor(get(urlPathEqualTo(XERO + "/ProjectsUsers")).atPriority(1)
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo("1")).willReturn(okJson("""
                {"pagination": {"page": 1, "pageSize": 500, "pageCount": 1, "itemCount": 2},
                 "items": [{"userId": "%s", "name": "Ana", "email": "%s"},
                           {"userId": "%s", "name": "Ben", "email": "%s"}]}
                """.formatted(ana, anaEmail, ben, benEmail))));
        return List.of(ana, ben);
    }

    @Override
    void assertRolesInErp(ProjectRecord eu, ProjectRecord na) {
        // a Xero task per role on each project
        VendorStubs.server().verify(2, postRequestedFor(urlPathEqualTo(XERO + "/Projects/" + eu.erpProjectId + "/Tasks")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(XERO + "/Projects/" + na.erpProjectId + "/Tasks")));
    }

    @Override
    void assertInvoicesInErp(ProjectRecord eu, ProjectRecord na) throws Exception {
        JsonNode euInvoice = sentInvoice(eu.erpContactId);
        assertThat(euInvoice.path("CurrencyCode").asText()).isEqualTo("EUR");
        assertThat(euInvoice.path("LineItems").findValuesAsText("TaxType")).containsOnly("OUTPUT2");
        JsonNode naInvoice = sentInvoice(na.erpContactId);
        assertThat(naInvoice.path("CurrencyCode").asText()).isEqualTo("USD");
        assertThat(naInvoice.path("LineItems").findValuesAsText("TaxType")).containsOnly("OUTPUT");
    }

    @Override
    void issue(String invoiceId) {
        xeroInvoice(invoiceId, "AUTHORISED", "0.00", null);
    }

    @Override
    String payInFull(String invoiceId, String total) {
        xeroInvoice(invoiceId, "PAID", total, "/Date(1764806400000+0000)/");
        return "2025-12-04";
    }

    private void xeroInvoice(String id, String status, String paid, String paidOn) {
        VendorStubs.server().stubFor(get(urlPathEqualTo(ACCOUNTING + "/Invoices/" + id)).atPriority(1).willReturn(okJson("""
                {"Invoices": [{"InvoiceID": "%s", "Status": "%s", "AmountPaid": %s%s}]}
                """.formatted(id, status, paid, paidOn == null ? "" : ", \"FullyPaidOnDate\": \"" + paidOn + "\""))));
    }

    static JsonNode sentInvoice(String contact) throws Exception {
        for (var request : VendorStubs.server().findAll(putRequestedFor(urlPathEqualTo(ACCOUNTING + "/Invoices")))) {
            JsonNode invoice = JSON.readTree(request.getBodyAsString()).path("Invoices").path(0);
            if (contact.equals(invoice.path("Contact").path("ContactID").asText())) {
                return invoice;
            }
        }
        throw new AssertionError("no invoice sent to contact " + contact);
    }
}
