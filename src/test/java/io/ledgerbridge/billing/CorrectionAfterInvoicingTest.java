package io.ledgerbridge.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.testing.XeroDocuments;
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
 * Time changed after its invoice was issued is corrected by a credit note allocated to that invoice, and the
 * corrected entry is billed anew: never a negative line on a later invoice. The APAC entity (AU-PTY) sends its
 * invoices POSTED (mappings/entities.json), so its invoices are issued as they are created; the EU entity's are
 * drafts, and a correction of a draft waits until it is issued. Amounts are written out by hand. (The APAC case works in
 * August and September, billed at the periods' ends, so that the October close of AU-PTY in ContractsToCashOnXeroTest
 * finds nothing of it not invoiced.)
 */
@QuarkusTest
class CorrectionAfterInvoicingTest {

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void aChangeAfterTheInvoiceWasIssuedIsACreditNoteAllocatedToItAndTheEntryIsBilledAnew() {
        ContractFixtures.Contracted project = ContractFixtures.project("TIME_AND_MATERIALS", "200.00", "APAC", "AUD",
                "2026-08-01");
        long e1 = project.time("2026-08-05", "8");
        long e2 = project.time("2026-08-06", "6");
        long e3 = project.time("2026-08-07", "4");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(e1, e2, e3));

        // August: 18 h x 200.00 = 3600.00 AUD, sent posted: AUTHORISED in Xero
        JsonPath august = run(project.bill("2026-08", "2026-08-31"));
        assertThat(new BigDecimal(august.getString("total"))).isEqualByComparingTo("3600.00");
        String augustInvoice = august.getString("erpInvoiceId");
        String augustNumber = august.getString("erpInvoiceNumber");
        assertThat(lastXeroInvoice().path("Status").asText()).isEqualTo("AUTHORISED");

        // after the invoice: e1 was 7 h, not 8; e3 was not billable; e4 is September's work
        project.time(e1, "2026-08-05", "7", true, "2026-11-10T09:00:00Z");
        project.time(e3, "2026-08-07", "4", false, "2026-11-10T09:00:00Z");
        long e4 = project.time("2026-09-03", "5");
        await().atMost(Duration.ofSeconds(60)).until(() -> versionsPosted(e1, 2) && versionsPosted(e3, 2)
                && ContractFixtures.posted(e4));

        // September: a credit note for the August invoice reversing what it billed for e1 (8 h x 200.00 = 1600.00)
        // and e3 (4 h x 200.00 = 800.00), 2400.00 AUD, allocated to it; the invoice bills e1 anew at 7 h and e4 at
        // 5 h: 12 h x 200.00 = 2400.00 AUD, no negative line
        JsonPath billed = project.bill("2026-09", "2026-09-30");
        List<Long> creditNoteIds = billed.getList("outcomes[0].creditNoteIds", Long.class);
        assertThat(creditNoteIds).hasSize(1);
        JsonPath november = run(billed);
        assertThat(november.getList("lines.description", String.class))
                .containsExactly("Consultant, 2026-09: 12 h at 200.00 AUD (rate card CONTRACT-" + project.psaProject()
                        + " v1)");
        assertThat(new BigDecimal(november.getString("total"))).isEqualByComparingTo("2400.00");
        assertThat(november.getList("lines.lineAmount", Float.class)).allMatch(amount -> amount > 0);

        JsonPath note = Admin.as(Admin.VIEWER).get("/admin/credit-notes/" + creditNoteIds.get(0)).then()
                .statusCode(200).extract().jsonPath();
        assertThat(note.getString("status")).isEqualTo("ISSUED");
        assertThat(note.getString("correctsErpInvoiceId")).isEqualTo(augustInvoice);
        assertThat(new BigDecimal(note.getString("total"))).isEqualByComparingTo("2400.00");
        assertThat(note.getList("lines.description", String.class)).containsExactly(
                "Correction of invoice " + augustNumber + " line 1: Consultant on 2026-08-05: 8 h at 200.00 AUD, as billed",
                "Correction of invoice " + augustNumber + " line 1: Consultant on 2026-08-07: 4 h at 200.00 AUD, as billed");
        assertThat(note.getList("lines.lineAmount", Float.class)).containsExactly(1600.00f, 800.00f);
        assertThat(note.getList("lines.sources.id.flatten()", String.class))
                .containsExactly(String.valueOf(e1), String.valueOf(e3));
        // allocated in Xero: 2400.00 + 20 % tax = 2880.00 credited to the August invoice (4320.00 with tax)
        assertThat(new BigDecimal(note.getString("allocated"))).isEqualByComparingTo("2880.00");
        List<ObjectNode> creditNotes = XeroDocuments.creditNotes().stream()
                .filter(n -> n.path("Reference").asText().equals(note.getString("reference"))).toList();
        assertThat(creditNotes).hasSize(1);
        assertThat(creditNotes.get(0).path("Type").asText()).isEqualTo("ACCRECCREDIT");
        assertThat(creditNotes.get(0).path("RemainingCredit").decimalValue()).isEqualByComparingTo("0");
        JsonNode invoice = XeroDocuments.invoice(augustInvoice);
        assertThat(invoice.path("AmountCredited").decimalValue()).isEqualByComparingTo("2880.00");
        assertThat(invoice.path("AmountDue").decimalValue()).isEqualByComparingTo("1440.00");

        // August's run still shows what it billed, the corrected entries CREDITED by the credit note's lines
        JsonPath augustNow = Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + august.getLong("id")).then()
                .statusCode(200).extract().jsonPath();
        assertThat(augustNow.getList("lines[0].sources.status", String.class))
                .containsExactly("CREDITED", "BILLED", "CREDITED");

        // billing September again books nothing twice
        assertThat(project.bill("2026-09").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        assertThat(XeroDocuments.creditNotes().stream()
                .filter(n -> n.path("Reference").asText().equals(note.getString("reference")))).hasSize(1);
    }

    @Test
    void aChangeToAnInvoiceStillADraftWaitsUntilItIsIssued() {
        ContractFixtures.Contracted project = ContractFixtures.project("TIME_AND_MATERIALS", "150.00");
        long e1 = project.time("2026-10-05", "8");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(e1));
        JsonPath october = run(project.bill("2026-10"));
        assertThat(lastXeroInvoice().path("Status").asText()).isEqualTo("DRAFT");

        project.time(e1, "2026-10-05", "6", true, "2026-11-10T09:00:00Z");
        await().atMost(Duration.ofSeconds(60)).until(() -> versionsPosted(e1, 2));
        JsonPath november = project.bill("2026-11");
        assertThat(november.getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        assertThat(november.getList("outcomes[0].creditNoteIds")).isEmpty();
        // nothing was invoiced or credited: the draft of October can still be corrected in the ERP before it is sent
        Admin.as(Admin.VIEWER).queryParam("projectId", project.projectId()).get("/admin/credit-notes").then()
                .statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
        assertThat(new BigDecimal(october.getString("total"))).isEqualByComparingTo("1200.00");
    }

    private static JsonPath run(JsonPath billed) {
        assertThat(billed.getString("outcomes[0].outcome")).as(billed.prettify()).isEqualTo("INVOICED");
        return Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + billed.getLong("outcomes[0].billingRunId")).then()
                .statusCode(200).extract().jsonPath();
    }

    private static boolean versionsPosted(long entry, int versions) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                "approved-time-to-erp", String.valueOf(entry), SyncRecord.Status.POSTED) >= versions);
    }

    private static JsonNode lastXeroInvoice() {
        var sent = VendorStubs.server().findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE
                        + "/Invoices")));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(sent.get(sent.size() - 1).getBodyAsString()).path("Invoices").path(0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
