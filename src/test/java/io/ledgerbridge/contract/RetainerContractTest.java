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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A retainer of 6,000.00 EUR a month from October 2026 with 40 hours included, unused hours rolled over, at a rate
 * of 150.00 EUR an hour: each month's fee is billed in advance, hours beyond the allowance are billed as overage by
 * the run of their month, unused hours carry into the next month only. Every amount is written out by hand.
 */
@QuarkusTest
class RetainerContractTest {

    private ContractFixtures.Contracted project;
    private long projectId;

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
        project = ContractFixtures.project("RETAINER", "150.00");
        projectId = project.projectId();
        Admin.as(Admin.OPERATOR).contentType("application/json").body(retainer("6000.00", "40", "ROLL_OVER"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(200)
                .body("terms[0].type", is("RETAINER")).body("terms[0].retainerAmount", is(6000.00f))
                .body("terms[0].unusedHours", is("ROLL_OVER"));
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    private static Map<String, Object> retainer(String amount, String hours, String unused) {
        return Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000R3t4NIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000G1b2XIAR"),
                "type", "RETAINER", "currency", "EUR", "start", "2026-10-01",
                "retainer", Map.of("amount", Map.of("amount", amount, "currency", "EUR"), "includedHours", hours,
                        "unusedHours", unused));
    }

    @Test
    void feesInAdvanceOverageAfterTheMonthAndUnusedHoursRollOverOnce() {
        // October: 42 h against 40 included, and an expense of 240.00
        List<Long> october = new ArrayList<>();
        for (String day : List.of("05", "06", "07", "08")) {
            october.add(project.time("2026-10-" + day, "8"));
        }
        october.add(project.time("2026-10-09", "10"));
        long expense = project.expense("2026-10-07", "240.00");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp",
                october.stream().mapToLong(Long::longValue).toArray())
                && ContractFixtures.posted("approved-expenses-to-erp", expense));
        // on a retainer the hours are effort: never billed by the hour
        assertThat(items(BillableItem.Kind.TIME, BillableItem.Status.EFFORT)).isEqualTo(5);

        // October's run: October's fee (no run billed it in advance), November's in advance, 2 h overage at 150.00,
        // the expense at cost: 6000.00 + 6000.00 + 300.00 + 240.00 = 12540.00
        JsonPath run = run(project.bill("2026-10"));
        assertThat(run.getList("lines.description", String.class)).containsExactly(
                "Retainer 2026-10, billed in advance: 40 h included",
                "Retainer 2026-11, billed in advance: 40 h included",
                "Overage Consultant, 2026-10: 2 h beyond the 40 h included, at 150.00 EUR",
                "Expense Hotel of 2026-10-07: Workshop");
        assertThat(amounts(run)).containsExactly("6000.00", "6000.00", "300.00", "240.00");
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("12540.00");

        // November: 30 h, and a late October entry of 3 h approved after October was settled: it counts against
        // November, 33 of 40 h used, 7 h roll into December
        List<Long> november = new ArrayList<>();
        for (String day : List.of("03", "04", "05", "06")) {
            november.add(project.time("2026-11-" + day, "7.5"));
        }
        november.add(project.time("2026-10-20", "3"));
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp",
                november.stream().mapToLong(Long::longValue).toArray()));
        run = run(project.bill("2026-11"));
        assertThat(run.getList("lines.description", String.class)).containsExactly(
                "Retainer 2026-12, billed in advance: 40 h included");
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("6000.00");

        // December: 52 h against 40 + 7 rolled in = 47: 5 h overage, 750.00; with January's fee 6750.00
        List<Long> december = new ArrayList<>();
        for (String day : List.of("01", "02", "03", "04", "07", "08")) {
            december.add(project.time("2026-12-" + day, "8"));
        }
        december.add(project.time("2026-12-09", "4"));
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp",
                december.stream().mapToLong(Long::longValue).toArray()));
        run = run(project.bill("2026-12"));
        assertThat(run.getList("lines.description", String.class)).containsExactly(
                "Retainer 2027-01, billed in advance: 40 h included",
                "Overage Consultant, 2026-12: 5 h beyond the 47 h included, at 150.00 EUR");
        assertThat(amounts(run)).containsExactly("6000.00", "750.00");
        assertThat(run.<Object>getList("lines.quantity").stream().map(q -> new BigDecimal(q.toString())
                .stripTrailingZeros().toPlainString())).containsExactly("1", "5");
        assertThat(new BigDecimal(run.getString("total"))).isEqualByComparingTo("6750.00");

        // nothing is billed twice; the periods show how their hours were used
        assertThat(project.bill("2026-11").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        JsonPath contract = Admin.as(Admin.VIEWER).get("/admin/projects/" + projectId + "/contract").then()
                .statusCode(200).extract().jsonPath();
        assertThat(contract.getList("retainerPeriods.period", String.class))
                .containsExactly("2026-10", "2026-11", "2026-12", "2027-01");
        assertThat(contract.getList("retainerPeriods.feeStatus", String.class))
                .containsExactly("BILLED", "BILLED", "BILLED", "BILLED");
        assertThat(hours(contract, "usedHours")).containsExactly("42", "33", "52", null);
        assertThat(hours(contract, "rolledInHours")).containsExactly("0", "0", "7", null);
        assertThat(hours(contract, "overageHours")).containsExactly("2", "0", "5", null);
        assertThat(hours(contract, "unusedHours")).containsExactly("0", "7", "0", null);
        assertThat(contract.getList("retainerPeriods.settled", Boolean.class)).containsExactly(true, true, true, false);
    }

    @Test
    void unusedHoursExpireWhenTheContractSaysSoAndARetainerWithoutAnAmountIsRefused() {
        Admin.as(Admin.OPERATOR).contentType("application/json").body(retainer("6000.00", "40", "EXPIRE"))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(200);
        List<Long> october = new ArrayList<>();
        for (String day : List.of("05", "06", "07")) {
            october.add(project.time("2026-10-" + day, "8"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp",
                october.stream().mapToLong(Long::longValue).toArray()));
        // October: 24 of 40 h used, 16 h expire: no overage, the two fees
        assertThat(amounts(run(project.bill("2026-10")))).containsExactly("6000.00", "6000.00");
        List<Long> november = new ArrayList<>();
        for (String day : List.of("02", "03", "04", "05", "06", "09")) {
            november.add(project.time("2026-11-" + day, "8"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted("approved-time-to-erp",
                november.stream().mapToLong(Long::longValue).toArray()));
        // November: 48 h against 40 (nothing rolled in): 8 h overage, 1200.00, and December's fee
        JsonPath run = run(project.bill("2026-11"));
        assertThat(run.getList("lines.description", String.class)).containsExactly(
                "Retainer 2026-12, billed in advance: 40 h included",
                "Overage Consultant, 2026-11: 8 h beyond the 40 h included, at 150.00 EUR");
        assertThat(amounts(run)).containsExactly("6000.00", "1200.00");

        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000R3t4NIAR"),
                        "client", Map.of("system", "salesforce", "id", "001Dn00000G1b2XIAR"),
                        "type", "RETAINER", "currency", "EUR", "start", "2026-10-01",
                        "retainer", Map.of("amount", Map.of("amount", "0.00", "currency", "EUR"))))
                .put("/admin/projects/" + projectId + "/contract").then().statusCode(422)
                .body("detail", containsString("a retainer needs a positive amount per period"));
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

    private static List<String> hours(JsonPath contract, String field) {
        return contract.<Object>getList("retainerPeriods." + field).stream()
                .map(h -> h == null ? null : new BigDecimal(h.toString()).stripTrailingZeros().toPlainString()).toList();
    }

    private long items(BillableItem.Kind kind, BillableItem.Status status) {
        return QuarkusTransaction.requiringNew().call(() -> BillableItem.count(
                "projectId = ?1 and kind = ?2 and status = ?3", projectId, kind, status));
    }
}
