package io.ledgerbridge.kpi;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in the repository only charts metrics the service exposes. */
@QuarkusTest
class DashboardMetricsTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:ledgerbridge|camel)_[a-z0-9_]+)\\b");

    @Test
    void everyMetricOfTheDashboardIsExposed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("k8s/base/grafana/ledgerbridge-dashboard.json").toFile());
        Set<String> charted = new TreeSet<>();
        for (JsonNode target : dashboard.findValues("targets")) {
            for (JsonNode query : target) {
                Matcher metric = METRIC.matcher(query.path("expr").asText());
                while (metric.find()) {
                    charted.add(metric.group(1));
                }
            }
        }
        assertThat(charted).hasSizeGreaterThan(10);
        String exposed = given().get(io.ledgerbridge.testing.Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        for (String name : charted) {
            if (KpiMetrics.MULTI_GAUGES.contains(name)) {
                continue; // a series per tag value, present once there is something to count
            }
            assertThat(exposed).as("/q/metrics exposes %s", name).containsPattern("(?m)^" + name + "[{ ]");
        }
        assertThat(charted).containsAll(KpiMetrics.GAUGES).containsAll(KpiMetrics.MULTI_GAUGES);
    }

    /** The alert rules of k8s/monitoring read metrics the service exposes (a renamed metric silences no alert). */
    @Test
    void everyMetricOfTheAlertRulesIsExposed() throws Exception {
        Set<String> alerted = io.ledgerbridge.deploy.AlertRulesTest.metrics();
        assertThat(alerted).contains("ledgerbridge_exceptions_overdue", "ledgerbridge_erp_circuit_open",
                "ledgerbridge_routes_stopped", "ledgerbridge_period_close_failures", "ledgerbridge_sla_seconds");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            String exposed = given().get(io.ledgerbridge.testing.Management.url("/q/metrics")).then().statusCode(200)
                    .extract().asString();
            for (String name : alerted) {
                if (KpiMetrics.MULTI_GAUGES.contains(name)
                        || io.ledgerbridge.erp.budget.CallBudgets.PER_ACCOUNT_GAUGES.contains(name)) {
                    continue; // a series per tag value (or ERP account), present once there is something to count
                }
                assertThat(exposed).as("/q/metrics exposes %s", name).containsPattern("(?m)^" + name + "[{ ]");
            }
        });
    }
}
