package io.ledgerbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The alert rules in k8s/monitoring: valid and behaving as intended under {@code promtool} (Debian's prometheus
 * package; .ci/run installs it), every alert tested there, the PrometheusRule equal to the plain rules file, and
 * every alert linking a section of docs/operations.md that exists. That the metrics they name exist is
 * {@code DashboardMetricsTest}'s check against a running service.
 */
public class AlertRulesTest {

    static final Path FOLDER = Path.of("k8s/monitoring");
    static final Path RULES = FOLDER.resolve("ledgerbridge.rules.yml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        assertThat(promtool("check", "rules", RULES.getFileName().toString())).contains("SUCCESS: 9 rules found");
        assertThat(promtool("test", "rules", "ledgerbridge.rules.test.yml")).contains("SUCCESS");
    }

    @Test
    void everyAlertIsTestedAndLinksItsRunbookSection() throws IOException {
        Set<String> tested = new TreeSet<>();
        for (JsonNode test : yaml(FOLDER.resolve("ledgerbridge.rules.test.yml")).path("tests")) {
            for (JsonNode alert : test.path("alert_rule_test")) {
                if (!alert.path("exp_alerts").isEmpty()) {
                    tested.add(alert.path("alertname").asText());
                }
            }
        }
        Set<String> anchors = io.ledgerbridge.docs.DocsLinksTest.anchors(Files.readString(Path.of("docs/operations.md")));
        List<JsonNode> alerts = alerts(yaml(RULES));
        assertThat(alerts).hasSize(9);
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            assertThat(tested).as("ledgerbridge.rules.test.yml makes %s fire", name).contains(name);
            String runbook = alert.path("annotations").path("runbook_url").asText();
            assertThat(runbook).as("runbook of %s", name).startsWith("docs/operations.md#");
            assertThat(anchors).as("docs/operations.md has the section %s links", name)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
            assertThat(alert.path("labels").path("severity").asText()).as("severity of %s", name)
                    .isIn("warning", "critical");
        }
    }

    @Test
    void thePrometheusRuleHoldsTheSameRules() throws IOException {
        JsonNode operator = yaml(FOLDER.resolve("prometheusrule.yaml"));
        assertThat(operator.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(operator.path("spec").path("groups")).isEqualTo(yaml(RULES).path("groups"));
        assertThat(Files.readString(FOLDER.resolve("kustomization.yaml"))).contains("- prometheusrule.yaml");
    }

    /** The metric names the rules' expressions read. */
    public static Set<String> metrics() throws IOException {
        Pattern metric = Pattern.compile("\\b(ledgerbridge_[a-z0-9_]+)\\b");
        Set<String> names = new TreeSet<>();
        for (JsonNode alert : alerts(yaml(RULES))) {
            Matcher found = metric.matcher(alert.path("expr").asText());
            while (found.find()) {
                names.add(found.group(1));
            }
        }
        return names;
    }

    private static List<JsonNode> alerts(JsonNode rules) {
        List<JsonNode> alerts = new java.util.ArrayList<>();
        rules.path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
        return alerts;
    }

    static JsonNode yaml(Path file) throws IOException {
        Object document = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        return JSON.valueToTree(document);
    }

    private static String promtool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(FOLDER.toFile()).redirectErrorStream(true).start();
        } catch (IOException missing) {
            throw new AssertionError("promtool is not installed: apt-get install prometheus (bash .ci/run does)",
                    missing);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", arguments), output).isZero();
        return output;
    }
}
