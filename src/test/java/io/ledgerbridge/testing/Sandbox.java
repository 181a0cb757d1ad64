package io.ledgerbridge.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A local sandbox of the vendors for trying the project-to-cash and contracts-to-cash walkthroughs of docs/operations.md
 * on the embedded profile ({@code make sandbox}, then {@code make run-sandbox}): the contract-checking stand-ins of the
 * tests, answering the
 * walkthrough's records with the fixed ids its example files use, and keeping what the service writes to Xero so that
 * reading it back (invoice status, reconciliation) answers it ({@link SandboxLedger}). Writes the service's settings to
 * {@code <dir>/service.args} and runs until stopped.
 */
public final class Sandbox {

    /** The walkthrough's example files. */
    public static final Path EXAMPLES = Path.of("mappings/examples/project-to-cash");

    /** Harvest ids the walkthrough's example files refer to. */
    public static final long EU_PROJECT = 41000001;
    public static final long NA_PROJECT = 41000002;
    /** Harvest ids of the contracts-to-cash walkthrough's projects (mappings/examples/contracts-to-cash), by code. */
    public static final Map<String, Long> CONTRACT_PROJECTS = Map.of("GLOBEX-FF", 41000003L, "GLOBEX-RT", 41000004L,
            "GLOBEX-CAP", 41000005L);
    public static final long KIM = 52000001;
    public static final long LEE = 52000002;
    public static final String KIM_XERO = "7d1b8a4e-2f3c-4d5e-9a6b-0c1d2e3f4a5b";
    public static final String LEE_XERO = "8e2c9b5f-3a4d-4e6f-8b7c-1d2e3f4a5b6c";

    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/sandbox");
        VendorStubs stubs = open(dir);
        System.out.println("vendor sandbox (Harvest, Xero, Xero identity, CRM) on " + VendorStubs.server().baseUrl());
        System.out.println("service settings in " + dir.resolve("service.args") + "; start the service with: make run-sandbox");
        System.out.println("what people do in the vendors' screens: POST " + VendorStubs.server().baseUrl()
                + "/__admin/sandbox/invoices/{id}/pay (a customer pays an invoice), POST " + VendorStubs.server().baseUrl()
                + "/__admin/sandbox/time-entries/{id} {\"duration\": minutes} (a time entry edited in Xero)");
        System.out.println("contract violations are answered 400 and listed here; Ctrl-C stops the sandbox");
        Runtime.getRuntime().addShutdownHook(new Thread(stubs::stop));
        Thread.currentThread().join();
    }

    /**
     * Starts the sandbox and writes, under {@code dir}, the service's settings ({@code service.args}, one {@code -D}
     * a line) and the sandbox's URL ({@code url}, for the walkthrough's commands that talk to it). The caller stops it.
     */
    public static VendorStubs open(Path dir) throws java.io.IOException {
        VendorStubs stubs = new VendorStubs(true, new SandboxLedger(EXAMPLES.resolve("time-entries.json")));
        Map<String, String> settings = settings(stubs.start());
        walkthroughIds();
        keepsWhatWasWritten();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("service.args"), settings.entrySet().stream()
                .map(e -> "-D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n")) + "\n");
        Files.writeString(dir.resolve("url"), VendorStubs.server().baseUrl() + "\n");
        return stubs;
    }

    /** The service's settings against the sandbox: every connector on, its own H2 file, a quick status poll. */
    public static Map<String, String> settings(Map<String, String> stubConfig) {
        Map<String, String> settings = new LinkedHashMap<>(stubConfig);
        settings.put("ledgerbridge.erp.xero.enabled", "true");
        settings.put("ledgerbridge.erp.connector", "xero");
        settings.put("ledgerbridge.billing.schedule-enabled", "false");
        settings.put("ledgerbridge.billing.status-poll-interval", "2000");
        settings.put("quarkus.datasource.jdbc.url", "jdbc:h2:file:./data/sandbox;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        return settings;
    }

    /**
     * Reading back answers what was written ({@link SandboxLedger}): Xero's time entries and invoices, and Harvest's
     * approved time of the example file.
     */
    private static void keepsWhatWasWritten() {
        var server = VendorStubs.server();
        var ledger = aResponse().withTransformers(SandboxLedger.NAME);
        server.stubFor(post(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/[^/]+/Time")).atPriority(5)
                .willReturn(ledger));
        server.stubFor(get(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/[^/]+/Time")).atPriority(5)
                .willReturn(ledger));
        server.stubFor(get(urlPathMatching(VendorStubs.XERO_ACCOUNTING_BASE + "/Invoices/[^/]+")).atPriority(5)
                .willReturn(ledger));
        server.stubFor(get(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/time_entries")).atPriority(5).willReturn(ledger));
    }

    /** Harvest and Xero answer the walkthrough's projects and people with the ids of its example files. */
    public static void walkthroughIds() {
        var server = VendorStubs.server();
        server.stubFor(post(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/projects")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.code", equalTo("ACME-EU")))
                .willReturn(okJson("{\"id\": " + EU_PROJECT + ", \"code\": \"ACME-EU\"}").withStatus(201)));
        server.stubFor(post(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/projects")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.code", equalTo("ACME-NA")))
                .willReturn(okJson("{\"id\": " + NA_PROJECT + ", \"code\": \"ACME-NA\"}").withStatus(201)));
        CONTRACT_PROJECTS.forEach((code, id) -> server.stubFor(post(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/projects"))
                .atPriority(5).withRequestBody(matchingJsonPath("$.code", equalTo(code)))
                .willReturn(okJson("{\"id\": " + id + ", \"code\": \"" + code + "\"}").withStatus(201))));
        server.stubFor(post(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.email", equalTo("kim.allen@example.com")))
                .willReturn(okJson("{\"id\": " + KIM + "}").withStatus(201)));
        server.stubFor(post(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/users")).atPriority(5)
                .withRequestBody(matchingJsonPath("$.email", equalTo("lee.chen@example.com")))
                .willReturn(okJson("{\"id\": " + LEE + "}").withStatus(201)));
        server.stubFor(get(urlPathEqualTo(VendorStubs.XERO_BASE + "/ProjectsUsers")).atPriority(5)
                .withQueryParam("pageSize", equalTo("500")).withQueryParam("page", equalTo("1")).willReturn(okJson("""
                {"pagination": {"page": 1, "pageSize": 500, "pageCount": 1, "itemCount": 2},
                 "items": [{"userId": "%s", "name": "Kim Allen", "email": "kim.allen@example.com"},
                           {"userId": "%s", "name": "Lee Chen", "email": "lee.chen@example.com"}]}
                """.formatted(KIM_XERO, LEE_XERO))));
    }
}
