package io.ledgerbridge.scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import io.ledgerbridge.testing.Sandbox;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.VendorStubs;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project-to-cash walkthrough of docs/operations.md, step by step with its example files, against the packaged service on
 * the embedded profile and the vendor sandbox ({@code make sandbox} + {@code make run-sandbox}).
 */
class ProjectToCashWalkthroughIT {

    private static final Path EXAMPLES = Path.of("mappings/examples/project-to-cash");
    static VendorStubs stubs = new VendorStubs();
    static Map<String, String> stubConfig;

    @BeforeAll
    static void startSandbox() {
        stubConfig = stubs.start();
        Sandbox.walkthroughIds();
    }

    @AfterAll
    static void stopSandbox() {
        stubs.stop();
    }

    @Test
    void readmeWalkthroughFromWonDealsToPaidInvoice() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "walkthrough-p2c-");
        Map<String, String> config = new HashMap<>(Sandbox.settings(stubConfig));
        config.put("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("db/ledgerbridge") + ";WRITE_DELAY=0");
        config.put("ledgerbridge.billing.status-poll-interval", "500");

        try (ServiceProcess service = ServiceProcess.start(config, work.resolve("service.log"))) {
            // 1. reference data: which Harvest task is which role, rate cards (a change on 16 October), FX rates
            operator(service).body(read("reference-data.json")).put("/admin/reference-data").then().statusCode(200);
            // 2. two deals won in the CRM -> projects in Harvest and Xero
            post(service, "/api/v1/deals", "deals.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> viewer(service).get("/admin/projects").then()
                    .extract().jsonPath().getList("findAll { it.erpProjectId != null }").size() == 2);
            // 3. two consultants join -> Harvest accounts, matched to their Xero users
            post(service, "/api/v1/people", "people.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> viewer(service).queryParam("entityType", "PERSON")
                    .queryParam("sourceSystem", "harvest").get("/admin/cross-references").then().extract().jsonPath()
                    .getList("targetId").containsAll(List.of(Sandbox.KIM_XERO, Sandbox.LEE_XERO)));
            // 4. staffing -> Xero tasks per role at the rate card's rates
            post(service, "/api/v1/assignments", "assignments.json");
            long eu = viewer(service).queryParam("psaId", Sandbox.EU_PROJECT).get("/admin/projects").then()
                    .extract().jsonPath().getLong("[0].id");
            await().atMost(Duration.ofSeconds(60)).until(() -> viewer(service).get("/admin/projects/" + eu
                    + "/assignments").then().extract().jsonPath().getList("findAll { it.erpTaskId != null }").size() == 2);
            // 5. October's approved time and expenses
            post(service, "/api/v1/time-entries", "time-entries.json");
            post(service, "/api/v1/expenses", "expenses.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> posted(service, "harvest:time-entry:700000006")
                    && posted(service, "harvest:time-entry:700000004") && posted(service, "harvest:expense:800000001")
                    && posted(service, "harvest:expense:800000002"));
            // 6. bill October
            JsonPath outcome = operator(service).body("{\"period\": \"2026-10\"}").post("/admin/billing-runs").then()
                    .statusCode(200).body("outcomes", hasSize(2)).extract().jsonPath();
            assertThat(outcome.getList("outcomes.outcome")).containsOnly("INVOICED");
            JsonPath runs = viewer(service).queryParam("period", "2026-10").get("/admin/billing-runs").then()
                    .statusCode(200).extract().jsonPath();
            // EU: 14.5 h x 120.00 + 7.25 h x 130.00 + 3 h x 140.00 + 240.00 CHF x 1.05 = 1740.00 + 942.50 + 420.00
            //     + 252.00 = 3354.50 EUR; NA: 8 h x 150.00 + 4.5 h x 160.00 + 180.00 EUR x 1.10 = 2118.00 USD
            assertThat(new BigDecimal(runs.getString("find { it.currency == 'EUR' }.total"))).isEqualByComparingTo("3354.50");
            assertThat(new BigDecimal(runs.getString("find { it.currency == 'USD' }.total"))).isEqualByComparingTo("2118.00");
            assertThat(runs.getList("find { it.currency == 'EUR' }.lines.sources.id.flatten()", String.class))
                    .containsExactlyInAnyOrder("700000001", "700000002", "700000003", "700000004", "800000001");

            // 7. the EU invoice is paid in Xero (docs/operations.md does this through the sandbox's admin API)
            String invoice = runs.getString("find { it.currency == 'EUR' }.erpInvoiceId");
            VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/" + invoice))
                    .atPriority(1).willReturn(okJson("{\"Invoices\":[{\"InvoiceID\":\"" + invoice + "\",\"Status\":"
                            + "\"PAID\",\"AmountPaid\":4025.40,\"FullyPaidOnDate\":\"/Date(1764806400000+0000)/\"}]}")));
            await().atMost(Duration.ofSeconds(30)).until(() -> "PAID".equals(viewer(service).queryParam("period",
                    "2026-10").get("/admin/billing-runs").then().extract().jsonPath()
                    .getString("find { it.currency == 'EUR' }.erpStatus")));
            assertThat(VendorStubs.violations()).isEmpty();
        }
    }

    private static String read(String file) throws Exception {
        return Files.readString(EXAMPLES.resolve(file));
    }

    private static void post(ServiceProcess service, String path, String file) throws Exception {
        given().baseUri(service.baseUrl()).contentType("application/json").body(read(file)).post(path).then()
                .statusCode(202);
    }

    private static boolean posted(ServiceProcess service, String key) {
        return viewer(service).queryParam("key", key).get("/admin/sync-records").then().extract().jsonPath()
                .getList("postings.status").contains("POSTED");
    }

    private static RequestSpecification operator(ServiceProcess service) {
        return given().baseUri(service.baseUrl()).auth().preemptive().basic("operator", "operator-local")
                .contentType("application/json");
    }

    private static RequestSpecification viewer(ServiceProcess service) {
        return given().baseUri(service.baseUrl()).auth().preemptive().basic("viewer", "viewer-local");
    }
}
