package io.ledgerbridge.close;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.ledgerbridge.testing.XeroDocuments;
import io.quarkus.test.junit.QuarkusTest;
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
 * June 2025 closed for NL-BV (EUR, Xero; no other test works in 2025): five projects, each journal line written out
 * by hand. The accrual is dated 30 June, its reversal 1 July; both balance, both reach Xero as manual journals, and
 * the period is closed once, audited.
 */
@QuarkusTest
class PeriodCloseTest {

    private static final String PERIOD = "2025-06";
    private static final String START = "2025-06-01";

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void theRevenueTheInvoicesDoNotSayIsAccruedAndReversedOnceAndEveryLineSaysWhy() {
        // A, time and materials at 100.00: 8 h + 4 h approved, not invoiced: WIP 1200.00
        ContractFixtures.Contracted a = ContractFixtures.project("TIME_AND_MATERIALS", "100.00", "EU", "EUR", START);
        long a1 = a.time("2025-06-10", "8");
        long a2 = a.time("2025-06-11", "4");
        // B, time and materials at 100.00: 5 h invoiced on 30 June, then 3 h approved late: WIP 300.00
        ContractFixtures.Contracted b = ContractFixtures.project("TIME_AND_MATERIALS", "100.00", "EU", "EUR", START);
        long b1 = b.time("2025-06-02", "5");
        // C, fixed fee of 30000.00 over 200 h by percentage of completion: 40 h approved, 6000.00 earned; its
        // design milestone (12000.00) completed and invoiced on 30 June: billed 6000.00 ahead of earned
        ContractFixtures.Contracted c = ContractFixtures.project("FIXED_FEE", "100.00", "EU", "EUR", START);
        contract(c, ContractFixtures.fixedFee("12000.00", "18000.00", START, "PERCENT_COMPLETE"));
        List<Long> cTime = new ArrayList<>();
        for (String day : List.of("02", "03", "04", "05", "06")) {
            cTime.add(c.time("2025-06-" + day, "8"));
        }
        // D, a retainer of 6000.00 a month from June: June's run (invoice of 30 June) bills July's fee in advance
        ContractFixtures.Contracted d = ContractFixtures.project("RETAINER", "100.00", "EU", "EUR", START);
        contract(d, Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000R3t4NIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000G1b2XIAR"),
                "type", "RETAINER", "currency", "EUR", "start", START,
                "retainer", Map.of("amount", Map.of("amount", "6000.00", "currency", "EUR"), "includedHours", "40")));
        // E, fixed fee recognised on milestones: design (10000.00) completed on 15 June, not yet invoiced
        ContractFixtures.Contracted e = ContractFixtures.project("FIXED_FEE", "100.00", "EU", "EUR", START);
        contract(e, ContractFixtures.fixedFee("10000.00", "20000.00", START, "MILESTONE"));

        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(a1, a2, b1)
                && ContractFixtures.posted(cTime.stream().mapToLong(Long::longValue).toArray()));
        complete(c, "design", "2025-06-20");
        complete(e, "design", "2025-06-15");
        assertThat(b.bill(PERIOD, "2025-06-30").getString("outcomes[0].outcome")).isEqualTo("INVOICED");
        assertThat(c.bill(PERIOD, "2025-06-30").getString("outcomes[0].outcome")).isEqualTo("INVOICED");
        assertThat(d.bill(PERIOD, "2025-06-30").getString("outcomes[0].outcome")).isEqualTo("INVOICED");
        long b2 = b.time("2025-06-25", "3");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(b2));

        JsonPath closed = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("entity", "NL-BV", "period", PERIOD)).post("/admin/period-closes").then()
                .statusCode(200).extract().jsonPath();
        assertThat(closed.getString("outcome")).as(closed.prettify()).isEqualTo("CLOSED");
        JsonPath close = closed.setRootPath("close");
        assertThat(close.getString("status")).isEqualTo("CLOSED");
        assertThat(close.getList("journals.kind", String.class)).containsExactly("ACCRUAL", "REVERSAL");
        assertThat(close.getList("journals.date", String.class)).containsExactly("2025-06-30", "2025-07-01");
        assertThat(close.getList("journals.status", String.class)).containsExactly("POSTED", "POSTED");

        // the accrual, line by line: (account, amount, project), debits positive
        List<List<Object>> expected = List.of(
                List.of("630", "1200.00", a.projectId()), List.of("200", "-1200.00", a.projectId()),
                List.of("630", "300.00", b.projectId()), List.of("200", "-300.00", b.projectId()),
                List.of("200", "6000.00", c.projectId()), List.of("835", "-6000.00", c.projectId()),
                List.of("835", "-6000.00", d.projectId()), List.of("200", "6000.00", d.projectId()),
                List.of("631", "10000.00", e.projectId()), List.of("200", "-10000.00", e.projectId()));
        assertThat(lines(close, 0)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(lines(close, 1)).containsExactlyInAnyOrderElementsOf(expected.stream()
                .map(l -> List.of(l.get(0), new BigDecimal((String) l.get(1)).negate().toPlainString(), l.get(2)))
                .toList());
        // debits 1200.00 + 300.00 + 6000.00 + 6000.00 + 10000.00 = 23500.00 = credits, in both journals
        assertThat(new BigDecimal(close.getString("journals[0].debits"))).isEqualByComparingTo("23500.00");
        assertThat(new BigDecimal(close.getString("journals[1].debits"))).isEqualByComparingTo("23500.00");
        // every line says what it was measured from
        assertThat(close.getString("journals[0].lines.find { it.projectId == " + a.projectId()
                + " && it.accountCode == '630' }.basis")).contains("2 approved time entries, 12 h, 1200.00 EUR")
                .contains("harvest " + a1).contains("harvest " + a2);
        assertThat(close.getString("journals[0].lines.find { it.projectId == " + c.projectId()
                + " && it.accountCode == '835' }.basis")).contains("40 of 200 budgeted h of 30000.00 EUR = 6000.00 EUR")
                .contains("milestones invoiced by 2025-06-30 12000.00 EUR");
        assertThat(close.getString("journals[0].lines.find { it.projectId == " + d.projectId()
                + " && it.accountCode == '835' }.basis")).contains("for 2025-07");

        // in Xero: two manual journals carrying the references, balanced
        String accrual = close.getString("journals[0].reference");
        String reversal = close.getString("journals[1].reference");
        List<ObjectNode> journals = XeroDocuments.journals().stream().filter(j -> j.path("Narration").asText()
                .contains("[" + accrual + "]") || j.path("Narration").asText().contains("[" + reversal + "]")).toList();
        assertThat(journals).hasSize(2);
        for (ObjectNode journal : journals) {
            BigDecimal sum = BigDecimal.ZERO;
            for (var line : journal.path("JournalLines")) {
                sum = sum.add(line.path("LineAmount").decimalValue());
            }
            assertThat(sum).isEqualByComparingTo("0");
        }

        // closed once: a second close is refused and posts nothing; the close is audited
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("entity", "NL-BV", "period", PERIOD))
                .post("/admin/period-closes").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("a change since is measured by the close of the open period"));
        assertThat(XeroDocuments.journals().stream().filter(j -> j.path("Narration").asText()
                .contains("[" + accrual + "]"))).hasSize(1);
        Admin.as(Admin.VIEWER).queryParam("action", "period-close").get("/admin/audit").then().statusCode(200)
                .body("items.find { it.outcome == 'CLOSED' }.target", is("entity/NL-BV/period/" + PERIOD))
                .body("items.find { it.outcome == 'CLOSED' }.actor", is("operator"));
    }

    @Test
    void aPeriodNotEndedOrAnUnknownEntityIsRefused() {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("entity", "NL-BV", "period", "2099-01"))
                .post("/admin/period-closes").then().statusCode(422).body("detail", containsString("has not ended"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("entity", "UK-LTD", "period", PERIOD))
                .post("/admin/period-closes").then().statusCode(422).body("detail", containsString("UK-LTD"));
        Admin.as(Admin.VIEWER).contentType("application/json").body(Map.of("entity", "NL-BV", "period", PERIOD))
                .post("/admin/period-closes").then().statusCode(403);
    }

    private static void contract(ContractFixtures.Contracted project, Map<String, Object> contract) {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(contract)
                .put("/admin/projects/" + project.projectId() + "/contract").then().statusCode(200);
    }

    private static void complete(ContractFixtures.Contracted project, String code, String on) {
        Admin.as(Admin.APPROVER).contentType("application/json").body(Map.of("completedOn", on))
                .post("/admin/projects/" + project.projectId() + "/milestones/" + code + "/completion").then()
                .statusCode(200).body("outcome", is("COMPLETED"));
    }

    private static List<List<Object>> lines(JsonPath close, int journal) {
        List<List<Object>> lines = new ArrayList<>();
        List<Map<String, Object>> raw = close.getList("journals[" + journal + "].lines");
        for (Map<String, Object> line : raw) {
            lines.add(List.of(line.get("accountCode"), new BigDecimal(line.get("amount").toString()).setScale(2)
                    .toPlainString(), ((Number) line.get("projectId")).longValue()));
        }
        return lines;
    }
}
