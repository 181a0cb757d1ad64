package io.ledgerbridge.kpi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.people.ResourceRecord;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * September 2025 (no other test works then; 22 working days): Ana (40 h a week, cost 60.00 EUR an hour, practice
 * Data, employed all month) and Ben (30 h a week, no cost rate of his own, practice Data, joined on 15 September: 12
 * working days) come through the HR feed and work on one time-and-materials project billed at 150.00 EUR, cost 55.00
 * on its rate card. Margin and utilization, written out by hand.
 */
@QuarkusTest
class MarginAndUtilizationTest {

    @BeforeEach
    void setUp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    @Test
    void marginIsRevenueLessCostAtTheCostRatesAndUtilizationIsBillableHoursOverCapacity() {
        String ana = "E" + TimeEntryFixtures.nextId();
        String ben = "E" + TimeEntryFixtures.nextId();
        hr(ana, "Ana", "2025-01-01", "40", "{\"amount\": \"60.00\", \"currency\": \"EUR\"}");
        hr(ben, "Ben", "2025-09-15", "30", "null");
        long anaPsa = psaUser(ana);
        long benPsa = psaUser(ben);

        ContractFixtures.Contracted project = ContractFixtures.project("TIME_AND_MATERIALS", "150.00", "EU", "EUR",
                "2025-09-01", ContractFixtures.XERO, anaPsa);
        project.staff(benPsa, "2025-09-15");
        List<Long> entries = new ArrayList<>();
        for (String day : List.of("01", "02", "03", "04", "05")) {
            entries.add(project.time("2025-09-" + day, "8"));
        }
        for (String day : List.of("15", "16", "17")) {
            entries.add(project.timeOf(benPsa, "2025-09-" + day, "8"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(
                entries.stream().mapToLong(Long::longValue).toArray()));
        assertThat(project.bill("2025-09", "2025-09-30").getString("outcomes[0].outcome")).isEqualTo("INVOICED");

        // revenue: 64 h x 150.00 = 9600.00; cost: Ana 40 h x 60.00 (her own) = 2400.00, Ben 24 h x 55.00 (the rate
        // card's) = 1320.00: 3720.00; margin 5880.00, 61.25 %
        JsonPath margins = Admin.as(Admin.VIEWER).queryParam("period", "2025-09").get("/admin/kpis/margins").then()
                .statusCode(200).extract().jsonPath();
        String row = "find { it.key == 'project:" + project.projectId() + "' }";
        assertThat(new BigDecimal(margins.getString(row + ".revenue"))).isEqualByComparingTo("9600.00");
        assertThat(new BigDecimal(margins.getString(row + ".cost"))).isEqualByComparingTo("3720.00");
        assertThat(new BigDecimal(margins.getString(row + ".margin"))).isEqualByComparingTo("5880.00");
        assertThat(new BigDecimal(margins.getString(row + ".marginShare"))).isEqualByComparingTo("0.6125");
        assertThat(margins.getString(row + ".currency")).isEqualTo("EUR");
        JsonPath byClient = Admin.as(Admin.VIEWER).queryParam("period", "2025-09").queryParam("groupBy", "client")
                .get("/admin/kpis/margins").then().statusCode(200).extract().jsonPath();
        assertThat(new BigDecimal(byClient.getString("find { it.key == 'client:Initech GmbH' }.margin")))
                .isEqualByComparingTo("5880.00");

        // capacity: Ana 22 days x 8 h = 176 h, 40 h billable: 22.73 %; Ben 12 days x 6 h = 72 h, 24 h: 33.33 %;
        // practice Data: 64 / 248 h = 25.81 %
        JsonPath people = Admin.as(Admin.VIEWER).queryParam("period", "2025-09").get("/admin/kpis/utilization").then()
                .statusCode(200).extract().jsonPath();
        assertUtilization(people, "person:" + ana, "40", "176.00", "0.2273");
        assertUtilization(people, "person:" + ben, "24", "72.00", "0.3333");
        JsonPath practices = Admin.as(Admin.VIEWER).queryParam("period", "2025-09").queryParam("groupBy", "practice")
                .get("/admin/kpis/utilization").then().statusCode(200).extract().jsonPath();
        assertUtilization(practices, "practice:Data", "64", "248.00", "0.2581");
        Admin.as(Admin.VIEWER).queryParam("groupBy", "colour").get("/admin/kpis/utilization").then().statusCode(400);

        // the month's KPI report carries both per region (nobody else works in EU in September 2025, and only this
        // test's people have contracted hours); a project's report carries its own margin
        JsonPath report = Admin.as(Admin.VIEWER).queryParam("period", "2025-09").get("/admin/kpis").then()
                .statusCode(200).extract().jsonPath();
        String eu = "margins.find { it.key == 'region:EU' }";
        assertThat(new BigDecimal(report.getString(eu + ".revenue"))).isEqualByComparingTo("9600.00");
        assertThat(new BigDecimal(report.getString(eu + ".cost"))).isEqualByComparingTo("3720.00");
        assertThat(new BigDecimal(report.getString(eu + ".margin"))).isEqualByComparingTo("5880.00");
        assertThat(report.getString(eu + ".name")).isEqualTo("Europe");
        assertUtilization(report.setRootPath("utilization"), "region:EU", "64", "248.00", "0.2581");
        JsonPath ofProject = Admin.as(Admin.VIEWER).queryParam("period", "2025-09")
                .queryParam("projectId", project.projectId()).get("/admin/kpis").then().statusCode(200).extract()
                .jsonPath();
        assertThat(ofProject.getList("margins.key", String.class)).containsExactly("project:" + project.projectId());
        assertThat(new BigDecimal(ofProject.getString("margins[0].margin"))).isEqualByComparingTo("5880.00");
    }

    @Test
    void thisMonthsMarginAndUtilizationAreGauges() {
        // Cleo (40 h a week from the first of this month, practice Gauges, cost 70.00 EUR an hour) works 8 h today
        // on a project billed at 150.00
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String cleo = "E" + TimeEntryFixtures.nextId();
        given().contentType("application/json").body("""
                {"employeeId": "%s", "firstName": "Cleo", "lastName": "Lima", "email": "cleo.%s@example.com",
                 "region": "EU", "defaultRole": "Consultant", "hireDate": "%s",
                 "updatedAt": "2025-09-01T08:00:00Z", "weeklyHours": 40,
                 "costRate": {"amount": "70.00", "currency": "EUR"}, "practice": "Gauges"}
                """.formatted(cleo, cleo.toLowerCase(), today.withDayOfMonth(1))).post("/api/v1/people").then().statusCode(202);
        long cleoPsa = psaUser(cleo);
        ContractFixtures.Contracted project = ContractFixtures.project("TIME_AND_MATERIALS", "150.00", "EU", "EUR",
                today.withDayOfMonth(1).toString(), ContractFixtures.XERO, cleoPsa);
        long entry = project.time(today.toString(), "8");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(entry));

        // practice Gauges: 8 h over 8 h a working day of this month
        YearMonth month = YearMonth.from(today);
        int workingDays = 0;
        for (LocalDate day = month.atDay(1); !day.isAfter(month.atEndOfMonth()); day = day.plusDays(1)) {
            if (day.getDayOfWeek() != java.time.DayOfWeek.SATURDAY && day.getDayOfWeek() != java.time.DayOfWeek.SUNDAY) {
                workingDays++;
            }
        }
        double share = new BigDecimal(8).divide(new BigDecimal(workingDays * 8), 4, java.math.RoundingMode.HALF_EVEN)
                .doubleValue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = given().get(io.ledgerbridge.testing.Management.url("/q/metrics")).then().statusCode(200)
                    .extract().asString();
            assertThat(metrics).containsPattern("(?m)^ledgerbridge_kpi_practice_utilization_ratio\\{practice=\"Gauges\"\\} "
                    + java.util.regex.Pattern.quote(String.valueOf(share)) + "$");
            assertThat(metrics).containsPattern("(?m)^ledgerbridge_kpi_utilization_ratio\\{region=\"EU\"\\} ");
            // her 8 h at 70.00 are a cost of this month in EU, whatever else the month holds
            assertThat(metrics).containsPattern("(?m)^ledgerbridge_kpi_margin_amount\\{currency=\"EUR\",region=\"EU\"\\} ");
        });
    }

    private static void assertUtilization(JsonPath rows, String key, String billable, String capacity, String share) {
        String row = "find { it.key == '" + key + "' }";
        assertThat(new BigDecimal(rows.getString(row + ".billableHours"))).as(key).isEqualByComparingTo(billable);
        assertThat(new BigDecimal(rows.getString(row + ".capacityHours"))).as(key).isEqualByComparingTo(capacity);
        assertThat(new BigDecimal(rows.getString(row + ".utilization"))).as(key).isEqualByComparingTo(share);
    }

    private static void hr(String employee, String first, String hired, String weeklyHours, String costRate) {
        given().contentType("application/json").body("""
                {"employeeId": "%s", "firstName": "%s", "lastName": "Lima", "email": "%s.%s@example.com",
                 "region": "EU", "defaultRole": "Consultant", "hireDate": "%s", "updatedAt": "2025-09-01T08:00:00Z",
                 "weeklyHours": %s, "costRate": %s, "practice": "Data"}
                """.formatted(employee, first, first.toLowerCase(), employee.toLowerCase(), hired, weeklyHours,
                costRate)).post("/api/v1/people").then().statusCode(202);
    }

    /** The PSA account the people flow made for the person. */
    private static long psaUser(String employee) {
        await().atMost(Duration.ofSeconds(60)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                ResourceRecord.byHrId(employee).map(r -> r.psaId != null).orElse(false)));
        return Long.parseLong(QuarkusTransaction.requiringNew().call(() -> ResourceRecord.byHrId(employee)
                .orElseThrow().psaId));
    }
}
