package io.ledgerbridge.scenario;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.ContractFixtures.Contracted;
import io.ledgerbridge.testing.ReconciliationRuns;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contracts to cash, on an ERP: in APAC (AU-PTY, AUD, invoices POSTED), October and November 2026 of a fixed fee with
 * two milestones (the first completed through the milestone feed), a retainer with overage, a capped time-and-materials
 * project whose cap is exceeded (the excess written off by an approver) and one correction after invoicing (a credit
 * note allocated to the October invoice), then October closed for the entity and its margins. Every invoice, credit
 * note, journal and margin amount is written out here by hand; each subclass checks that its ERP holds them.
 */
abstract class ContractsToCashScenario {

    private static final String REGION = "APAC";
    private static final String AUD = "AUD";
    private static final String START = "2026-10-01";

    /** How the ERP's stub holds the client, project and consultant of a project. */
    abstract ContractFixtures.ErpRecords erp();

    /** The ERP holds a posted credit note of this reference, net amount, allocated to this invoice. */
    abstract void assertCreditNoteInErp(String reference, String invoiceId, String net);

    /** The ERP holds a posted journal of this reference whose debits are this amount (and balance). */
    abstract void assertJournalInErp(String reference, String debits);

    /** The ERP holds the invoice, issued (posted), of this net amount. */
    abstract void assertIssuedInvoiceInErp(String invoiceId, String net);

    @BeforeEach
    void reset() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void fixedFeeRetainerCapAndACorrectionFromDealToJournals() {
        Contracted fixed = ContractFixtures.project("FIXED_FEE", "200.00", REGION, AUD, START, erp());
        contract(fixed, ContractFixtures.fixedFee("12000.00", "18000.00", START, "PERCENT_COMPLETE", AUD));
        Contracted retainer = ContractFixtures.project("RETAINER", "200.00", REGION, AUD, START, erp());
        contract(retainer, Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000R3t4NIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000G1b2XIAR"), "type", "RETAINER",
                "currency", AUD, "start", START, "retainer", Map.of("amount", Map.of("amount", "6000.00",
                        "currency", AUD), "includedHours", "40", "unusedHours", "EXPIRE")));
        Contracted capped = ContractFixtures.project("TIME_AND_MATERIALS", "200.00", REGION, AUD, START, erp());
        contract(capped, Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000C4p1QIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000C4p1QIAR"), "type", "TIME_AND_MATERIALS",
                "currency", AUD, "start", START, "cap", Map.of("amount", "3000.00", "currency", AUD)));

        // October's work: the fixed fee 40 h (effort), the retainer 42 h, the capped project 8 + 6 + 4 h
        List<Long> october = new ArrayList<>();
        for (String day : List.of("05", "06", "07", "08", "09")) {
            october.add(fixed.time("2026-10-" + day, "8"));
        }
        for (String day : List.of("12", "13", "14", "15")) {
            october.add(retainer.time("2026-10-" + day, "8"));
        }
        october.add(retainer.time("2026-10-16", "10"));
        long c1 = capped.time("2026-10-05", "8");
        long c2 = capped.time("2026-10-06", "6");
        long c3 = capped.time("2026-10-07", "4");
        october.addAll(List.of(c1, c2, c3));
        await().atMost(Duration.ofSeconds(90)).until(() -> ContractFixtures.posted(
                october.stream().mapToLong(Long::longValue).toArray()));
        // the design milestone, completed in delivery on 20 October (the milestone feed)
        given().contentType("application/json").body("""
                {"eventId": "ms-%d-design", "project": {"system": "harvest", "id": "%d"}, "milestone": "design",
                 "completedOn": "2026-10-20", "completedBy": "pm@initech.example", "occurredAt": "2026-10-20T17:00:00Z"}
                """.formatted(fixed.psaProject(), fixed.psaProject())).post("/api/v1/milestone-completions").then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3", "milestone-completed",
                        "ms-" + fixed.psaProject() + "-design", SyncRecord.Status.POSTED) == 1));

        // October, invoiced on 31 October:
        //   fixed fee: Milestone Design signed off (design)                      12000.00
        //   retainer:  October's fee 6000.00 + November's in advance 6000.00
        //              + 2 h beyond the 40 h included x 200.00 = 400.00          12400.00
        //   capped:    8 h + 6 h x 200.00 = 2800.00 (the 4 h, 800.00, would pass the cap of 3000.00: held)
        JsonPath fixedOctober = run(fixed.bill("2026-10", "2026-10-31"));
        assertThat(amounts(fixedOctober)).containsExactly("12000.00");
        JsonPath retainerOctober = run(retainer.bill("2026-10", "2026-10-31"));
        assertThat(amounts(retainerOctober)).containsExactly("6000.00", "6000.00", "400.00");
        assertThat(total(retainerOctober)).isEqualTo("12400.00");
        JsonPath cappedOctober = run(capped.bill("2026-10", "2026-10-31"));
        assertThat(amounts(cappedOctober)).containsExactly("2800.00");
        assertIssuedInvoiceInErp(fixedOctober.getString("erpInvoiceId"), "12000.00");
        assertIssuedInvoiceInErp(retainerOctober.getString("erpInvoiceId"), "12400.00");
        assertIssuedInvoiceInErp(cappedOctober.getString("erpInvoiceId"), "2800.00");
        // the approver writes the 4 h off
        long finding = Admin.as(Admin.VIEWER).queryParam("type", "CAP_EXCEEDED")
                .queryParam("projectId", capped.projectId()).get("/admin/findings").then().statusCode(200)
                .body("total", is(1)).extract().jsonPath().getLong("items[0].id");
        Admin.as(Admin.APPROVER).contentType("application/json")
                .body(Map.of("decision", "WRITE_OFF", "reason", "beyond the not-to-exceed, agreed with the client"))
                .post("/admin/findings/" + finding + "/decision").then().statusCode(200).body("status", is("RESOLVED"));

        // October closed for AU-PTY (accrual of 31 October, reversal of 1 November):
        //   fixed fee: earned 30000.00 x 40 / 200 h = 6000.00, invoiced 12000.00: 6000.00 billed ahead
        //              -> debit sales 200 6000.00, credit deferred revenue 835 6000.00
        //   retainer:  November's fee invoiced in October -> debit sales 200 6000.00, credit 835 6000.00
        //   capped:    everything approved and billable was invoiced by 31 October: no WIP
        JsonPath close = closeOctober();
        assertThat(close.getList("journals.kind", String.class)).containsExactly("ACCRUAL", "REVERSAL");
        assertThat(close.getList("journals[0].lines.accountCode", String.class))
                .containsExactly("200", "835", "200", "835");
        assertThat(close.<Object>getList("journals[0].lines.amount").stream()
                .map(a -> new BigDecimal(a.toString()).setScale(2).toPlainString()))
                .containsExactly("6000.00", "-6000.00", "6000.00", "-6000.00");
        assertThat(new BigDecimal(close.getString("journals[0].debits"))).isEqualByComparingTo("12000.00");
        assertJournalInErp(close.getString("journals[0].reference"), "12000.00");
        assertJournalInErp(close.getString("journals[1].reference"), "12000.00");

        // November: the 6 h of 6 October were 5 h; go-live completed on 10 November; the retainer 30 h
        capped.time(c2, "2026-10-06", "5", true, "2026-11-12T09:00:00Z");
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("completedOn", "2026-11-10"))
                .post("/admin/projects/" + fixed.projectId() + "/milestones/go-live/completion").then().statusCode(200);
        List<Long> november = new ArrayList<>();
        for (String day : List.of("02", "03", "04")) {
            november.add(retainer.time("2026-11-" + day, "10"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(
                november.stream().mapToLong(Long::longValue).toArray()) && versionsPosted(c2, 2));

        // November, invoiced on 30 November:
        //   fixed fee: Milestone Go-live (go-live)                                         18000.00
        //   retainer:  December's fee in advance (30 of 40 h used: no overage)               6000.00
        //   capped:    credit note to the October invoice: 6 h x 200.00 = 1200.00 as billed,
        //              allocated (1440.00 with 20 % tax); invoice: 5 h x 200.00 = 1000.00
        JsonPath fixedNovember = run(fixed.bill("2026-11", "2026-11-30"));
        assertThat(amounts(fixedNovember)).containsExactly("18000.00");
        JsonPath retainerNovember = run(retainer.bill("2026-11", "2026-11-30"));
        assertThat(retainerNovember.getList("lines.description", String.class))
                .containsExactly("Retainer 2026-12, billed in advance: 40 h included");
        JsonPath billed = capped.bill("2026-11", "2026-11-30");
        JsonPath cappedNovember = run(billed);
        assertThat(amounts(cappedNovember)).containsExactly("1000.00");
        List<Long> creditNotes = billed.getList("outcomes[0].creditNoteIds", Long.class);
        assertThat(creditNotes).hasSize(1);
        JsonPath note = Admin.as(Admin.VIEWER).get("/admin/credit-notes/" + creditNotes.get(0)).then()
                .statusCode(200).extract().jsonPath();
        assertThat(note.getString("status")).isEqualTo("ISSUED");
        assertThat(new BigDecimal(note.getString("total"))).isEqualByComparingTo("1200.00");
        assertThat(new BigDecimal(note.getString("allocated"))).isEqualByComparingTo("1440.00");
        assertThat(note.getList("lines.sources.id.flatten()", String.class)).containsExactly(String.valueOf(c2));
        assertCreditNoteInErp(note.getString("reference"), cappedOctober.getString("erpInvoiceId"), "1200.00");

        // October's margin (cost at the rate card's 55.00 an hour): revenue is what was invoiced plus the change in
        // accrued revenue, so it is what was earned:
        //   fixed fee: 12000.00 invoiced - 6000.00 billed ahead = 6000.00 (40 of 200 h of 30000.00); cost 40 h = 2200.00
        //   retainer:  12400.00 invoiced - 6000.00 (November's fee) = 6400.00; cost 42 h = 2310.00
        //   capped:    2800.00 invoiced; cost 8 + 5 (corrected) + 4 (written off) = 17 h = 935.00
        JsonPath margins = Admin.as(Admin.VIEWER).queryParam("period", "2026-10").get("/admin/kpis/margins").then()
                .statusCode(200).extract().jsonPath();
        assertMargin(margins, fixed, "6000.00", "2200.00", "3800.00");
        assertMargin(margins, retainer, "6400.00", "2310.00", "4090.00");
        assertMargin(margins, capped, "2800.00", "935.00", "1865.00");

        // the warehouse extracts: every row of every fact valid against its schema; the scenario's rows are the numbers
        // the ERP got
        Map<String, List<Map<String, String>>> octoberFacts = Warehouse.extract("2026-10");
        assertThat(Warehouse.rowsOf(octoberFacts, "invoice-lines.csv", "project_id", fixed, retainer, capped).stream()
                .map(r -> r.get("line_amount"))).extracting(BigDecimal::new).usingElementComparator(BigDecimal::compareTo)
                .containsExactlyInAnyOrder(new BigDecimal("12000.00"), new BigDecimal("6000.00"),
                        new BigDecimal("6000.00"), new BigDecimal("400.00"), new BigDecimal("2800.00"));
        assertThat(octoberFacts.get("journal-lines.csv").stream().filter(r -> r.get("journal_reference")
                .equals(close.getString("journals[0].reference")))).hasSize(4);
        assertThat(Warehouse.rowsOf(octoberFacts, "milestones.csv", "project_id", fixed)).singleElement()
                .satisfies(m -> assertThat(m.get("completed_by")).isEqualTo("pm@initech.example"));
        assertThat(Warehouse.rowsOf(octoberFacts, "time-entries.csv", "project_id", capped).stream()
                .filter(r -> !r.get("status").equals("CREDITED")).map(r -> new BigDecimal(r.get("hours"))))
                .usingElementComparator(BigDecimal::compareTo).containsExactlyInAnyOrder(new BigDecimal("8"),
                        new BigDecimal("5"), new BigDecimal("4"));
        Map<String, List<Map<String, String>>> novemberFacts = Warehouse.extract("2026-11");
        assertThat(Warehouse.rowsOf(novemberFacts, "credit-note-lines.csv", "project_id", capped)).singleElement()
                .satisfies(l -> assertThat(new BigDecimal(l.get("line_amount"))).isEqualByComparingTo("1200.00"));

        // the warehouse feed: the same facts as CloudEvents on Kafka, each valid against its schema
        java.util.Set<String> subjects = java.util.Set.of("billing-run:" + cappedOctober.getLong("id") + ":line:1",
                "credit-note:" + creditNotes.get(0) + ":line:1", "milestone:" + fixed.projectId() + ":design",
                "milestone:" + fixed.projectId() + ":go-live", "journal:" + close.getString("journals[0].reference")
                        + ":line:1", "harvest:" + c1);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, com.fasterxml.jackson.databind.JsonNode> feed = Warehouse.feed(subjects);
            assertThat(feed.keySet()).containsExactlyInAnyOrderElementsOf(subjects);
            assertThat(feed.get("credit-note:" + creditNotes.get(0) + ":line:1").path("data").path("line_amount")
                    .asText()).startsWith("1200.00");
            assertThat(feed.get("milestone:" + fixed.projectId() + ":design").path("type").asText())
                    .isEqualTo("io.ledgerbridge.fact.milestone.v1");
        });

        // October reconciled after November's billing, per project and to the cent (approved through 31 October =
        // invoiced by then - credited by then + accrued by October's close + held + written off):
        //   fixed fee: 6000.00 earned = 12000.00 invoiced - 6000.00 deferred
        //   retainer:  6000.00 (October's fee) + 400.00 overage = 12400.00 invoiced - 6000.00 deferred (November's fee)
        //   capped:    8 h + 5 h (as corrected) + 4 h written off = 3400.00; 2800.00 invoiced + 800.00 written off =
        //              3600.00: the 6 h became 5 h after October's close, whose WIP measured now is -200.00
        List<Map<String, Object>> octoberRevenue = ReconciliationRuns.revenueFindings(
                ReconciliationRuns.run("2026-10", fixed, retainer, capped));
        assertThat(octoberRevenue).singleElement().satisfies(f -> {
            assertThat(((Number) f.get("projectId")).longValue()).isEqualTo(capped.projectId());
            assertThat(f).containsEntry("type", "CHANGED_AFTER_CLOSE").containsEntry("expected", "3400.00")
                    .containsEntry("actual", "3600.00");
            assertThat(f.get("detail").toString()).contains("written off 800.00 AUD")
                    .contains("measured now it would accrue -200.00 AUD").contains("carried by the close of 2026-11");
        });
        // November closed: the fixed fee 30000.00 invoiced - 6000.00 earned = 24000.00 billed ahead, December's
        // retainer fee 6000.00 billed ahead, the capped project all invoiced; then every project accounts to the cent:
        //   capped: 3400.00 = 2800.00 + 1000.00 invoiced - 1200.00 credited + 800.00 written off
        JsonPath novemberClose = close("2026-11");
        assertThat(novemberClose.<Object>getList("journals[0].lines.findAll { it.projectId in [" + fixed.projectId()
                + ", " + retainer.projectId() + ", " + capped.projectId() + "] }.amount").stream()
                .map(a -> new BigDecimal(a.toString()).setScale(2).toPlainString()))
                .containsExactly("24000.00", "-24000.00", "6000.00", "-6000.00");
        assertThat(ReconciliationRuns.revenueFindings(ReconciliationRuns.run("2026-11", fixed, retainer, capped)))
                .isEmpty();

        // nothing twice: November again, October's close again
        assertThat(capped.bill("2026-11").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("entity", "AU-PTY", "period", "2026-10"))
                .post("/admin/period-closes").then().statusCode(409);
    }

    private static void assertMargin(JsonPath margins, Contracted project, String revenue, String cost, String margin) {
        String row = "find { it.key == 'project:" + project.projectId() + "' }";
        assertThat(new BigDecimal(margins.getString(row + ".revenue"))).as("revenue").isEqualByComparingTo(revenue);
        assertThat(new BigDecimal(margins.getString(row + ".cost"))).as("cost").isEqualByComparingTo(cost);
        assertThat(new BigDecimal(margins.getString(row + ".margin"))).as("margin").isEqualByComparingTo(margin);
    }

    private static JsonPath closeOctober() {
        return close("2026-10");
    }

    private static JsonPath close(String period) {
        JsonPath closed = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("entity", "AU-PTY", "period", period)).post("/admin/period-closes").then()
                .statusCode(200).extract().jsonPath();
        assertThat(closed.getString("outcome")).as(closed.prettify()).isEqualTo("CLOSED");
        return closed.setRootPath("close");
    }

    private static void contract(Contracted project, Map<String, Object> contract) {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(contract)
                .put("/admin/projects/" + project.projectId() + "/contract").then().statusCode(200);
    }

    private static JsonPath run(JsonPath billed) {
        assertThat(billed.getString("outcomes[0].outcome")).as(billed.prettify()).isEqualTo("INVOICED");
        return Admin.as(Admin.VIEWER).get("/admin/billing-runs/" + billed.getLong("outcomes[0].billingRunId")).then()
                .statusCode(200).extract().jsonPath();
    }

    private static List<String> amounts(JsonPath run) {
        return run.<Object>getList("lines.lineAmount").stream()
                .map(a -> new BigDecimal(a.toString()).setScale(2).toPlainString()).toList();
    }

    private static String total(JsonPath run) {
        return new BigDecimal(run.getString("total")).setScale(2).toPlainString();
    }

    private static boolean versionsPosted(long entry, int versions) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3",
                "approved-time-to-erp", String.valueOf(entry), SyncRecord.Status.POSTED) >= versions);
    }
}
