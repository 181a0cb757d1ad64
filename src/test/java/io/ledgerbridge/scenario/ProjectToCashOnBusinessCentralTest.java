package io.ledgerbridge.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.testing.BusinessCentralLedger;
import io.ledgerbridge.testing.OnBusinessCentral;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Project to cash on Microsoft Dynamics 365 Business Central: the same walk as on Xero, against a company that keeps
 * what it is sent (customers, projects, employees' time registration entries, expense journal lines, sales invoices
 * posted with Microsoft.NAV.post) behind the published v1.0 contract.
 */
@QuarkusTest
@TestProfile(OnBusinessCentral.class)
class ProjectToCashOnBusinessCentralTest extends ProjectToCashScenario {

    private static final String COMPANY = VendorStubs.BC_COMPANY;

    @Override
    List<String> erpUsers(String anaEmail, String benEmail) {
        return List.of(BusinessCentralLedger.employee(COMPANY, anaEmail, "Ana Consultant"),
                BusinessCentralLedger.employee(COMPANY, benEmail, "Ben Consultant"));
    }

    @Override
    void assertRolesInErp(ProjectRecord eu, ProjectRecord na) {
        // API v1.0 has no project tasks: the projects are there by their codes, no task call was made
        assertThat(ledger("projects").stream().filter(p -> p.path("id").asText().equals(eu.erpProjectId)))
                .singleElement().satisfies(p -> assertThat(p.path("number").asText()).isEqualTo(eu.code));
        assertThat(ledger("projects").stream().filter(p -> p.path("id").asText().equals(na.erpProjectId)))
                .singleElement().satisfies(p -> assertThat(p.path("number").asText()).isEqualTo(na.code));
        assertThat(ledger("customers").stream().filter(c -> c.path("id").asText().equals(eu.erpContactId)))
                .singleElement().satisfies(c -> assertThat(c.path("currencyCode").asText()).isEqualTo("EUR"));
        assertThat(VendorStubs.server().findAll(anyRequestedFor(urlPathMatching(".*/[Tt]asks.*")))).isEmpty();
    }

    @Override
    void assertInvoicesInErp(ProjectRecord eu, ProjectRecord na) {
        // time on the employees, in hours: EU 8 + 6.5 + 7.25 + 3 = 24.75, NA 8 + 4.5 = 12.5
        assertThat(hours(eu)).isEqualByComparingTo("24.75");
        assertThat(hours(na)).isEqualByComparingTo("12.5");
        // expenses as journal lines in the project's currency: 252.00 EUR and 198.00 USD
        assertThat(ledger("journalLines").stream().filter(l -> l.path("externalDocumentNumber").asText()
                .startsWith("harvest-expense-")).map(l -> l.path("amount").decimalValue()).collect(Collectors.toList()))
                .usingElementComparator(BigDecimal::compareTo).contains(new BigDecimal("252.00"), new BigDecimal("198.00"));
        // the invoices, posted: 2949.50 EUR + 20 % = 3539.40; 1720.50 USD + 20 % = 2064.60
        assertInvoice(invoice(eu), "EUR", 4, "2949.50", "3539.40");
        assertInvoice(invoice(na), "USD", 3, "1720.50", "2064.60");
    }

    @Override
    void issue(String invoiceId) {
        // posted when created (ledgerbridge.erp.business-central.post-invoices): Open is AUTHORISED
        assertThat(ledger("salesInvoices").stream().filter(i -> i.path("id").asText().equals(invoiceId)))
                .singleElement().satisfies(i -> assertThat(i.path("status").asText()).isEqualTo("Open"));
    }

    @Override
    String payInFull(String invoiceId, String total) {
        BusinessCentralLedger.pay(COMPANY, invoiceId, total);
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    static void assertInvoice(JsonNode invoice, String currency, int lines, String net, String gross) {
        assertThat(invoice.path("currencyCode").asText()).isEqualTo(currency);
        assertThat(invoice.path("status").asText()).isEqualTo("Open");
        assertThat(invoice.path("salesInvoiceLines").size()).isEqualTo(lines);
        assertThat(invoice.path("totalAmountExcludingTax").decimalValue()).isEqualByComparingTo(net);
        assertThat(invoice.path("totalAmountIncludingTax").decimalValue()).isEqualByComparingTo(gross);
    }

    static JsonNode invoice(ProjectRecord project) {
        return ledger("salesInvoices").stream().filter(i -> i.path("customerId").asText().equals(project.erpContactId))
                .reduce((first, second) -> {
                    throw new AssertionError("two invoices to customer " + project.erpContactId);
                }).orElseThrow(() -> new AssertionError("no invoice to customer " + project.erpContactId));
    }

    static BigDecimal hours(ProjectRecord project) {
        return ledger("timeRegistrationEntries").stream().filter(t -> t.path("jobId").asText().equals(project.erpProjectId))
                .map(t -> t.path("quantity").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static List<ObjectNode> ledger(String set) {
        return BusinessCentralLedger.records(COMPANY, set);
    }
}
