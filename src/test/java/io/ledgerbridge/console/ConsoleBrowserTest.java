package io.ledgerbridge.console;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator console in Debian's headless Chromium (playwright-core, src/test/console): an operator signs in, sees
 * the dead letter seeded here, replays it, sees it replayed, opens a reconciliation finding with the records behind
 * it and the KPI chart. Screenshots go to target/console-screenshots.
 */
@QuarkusTest
class ConsoleBrowserTest {

    static final Path SCRIPTS = Path.of("src/test/console");
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    static final String V1 = "2026-11-20T10:15:00Z";

    @TestHTTPResource("/")
    URL service;

    @Test
    void anOperatorReplaysADeadLetterAndOpensAReconciliationFinding() throws Exception {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assertThat(Path.of(chromium)).as("Debian's chromium (apt-get install chromium; .ci/run installs it)")
                .isExecutable();
        installPlaywright();

        // a dead letter: the ERP refused the entry (period locked), then the period was opened again
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        String timePath = VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time";
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath)).atPriority(1).willReturn(aResponse()
                .withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"period locked\"}")));
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "2.5", V1))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        DeadLetter letter = Store.deadLetters(entry).get(0);
        VendorStubs.reset();
        // past its due time, as if its SLA had run out
        QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("dueAt = ?1 where id = ?2",
                java.time.Instant.now().minusSeconds(60), letter.id));

        // a reconciliation of November: Harvest approved the entry, Xero holds an entry nobody sent
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", project.projectId()).get("/admin/projects")
                .then().extract().jsonPath().getLong("[0].id");
        VendorStubs.server().stubFor(get(urlPathEqualTo(VendorStubs.HARVEST_BASE + "/time_entries")).atPriority(1)
                .withQueryParam("project_id", equalTo(String.valueOf(project.projectId())))
                .withQueryParam("from", equalTo("2026-11-01")).withQueryParam("to", equalTo("2026-11-30"))
                .withQueryParam("page", equalTo("1")).willReturn(okJson("""
                        {"time_entries": [%s], "per_page": 2000, "total_pages": 1, "next_page": null, "page": 1}
                        """.formatted(project.approvedEntry(entry, "2.5", V1)))));
        VendorStubs.server().stubFor(get(urlPathEqualTo(timePath)).atPriority(1)
                .withQueryParam("dateAfterUtc", equalTo("2026-11-01T00:00:00Z"))
                .withQueryParam("dateBeforeUtc", equalTo("2026-12-01T00:00:00Z"))
                .withQueryParam("page", equalTo("1")).willReturn(okJson("""
                {"pagination": {"page": 1, "pageSize": 500, "pageCount": 1, "itemCount": 1},
                 "items": [{"timeEntryId": "%s", "userId": "%s", "projectId": "%s", "taskId": "%s",
                            "dateUtc": "2026-11-18T00:00:00Z", "duration": 45, "status": "ACTIVE"}]}
                """.formatted(UUID.randomUUID(), project.erpUserId(), project.erpProjectId(), project.erpTaskId()))));
        long run = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2026-11", "projects", List.of(projectId)))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + run).then().extract().path("status")));
        List<String> types = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + run).then().extract()
                .jsonPath().getList("findings.type");
        assertThat(types).containsExactlyInAnyOrder("MISSING_IN_TARGET", "ORPHAN_IN_TARGET");

        // approved time beyond a capped project's cap (100.00 EUR): 2 h at 100.00 are held for an approver
        ContractFixtures.Contracted capped = ContractFixtures.capped("100.00", "100.00");
        long beyond = capped.time("2026-10-05", "2");
        await().atMost(Duration.ofSeconds(30)).until(() -> ContractFixtures.posted(beyond));
        assertThat(capped.bill("2026-10").getString("outcomes[0].outcome")).isEqualTo("SKIPPED");
        long capFinding = Admin.as(Admin.VIEWER).queryParam("type", "CAP_EXCEEDED")
                .queryParam("projectId", capped.projectId()).get("/admin/findings").then().statusCode(200)
                .extract().jsonPath().getLong("items[0].id");

        Path log = SCREENSHOTS.resolve("walkthrough.log");
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        ProcessBuilder walkthrough = new ProcessBuilder("node", "console-walkthrough.mjs")
                .directory(SCRIPTS.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        walkthrough.environment().putAll(Map.of(
                "CONSOLE_URL", service.toString().replaceAll("/$", ""),
                "CONSOLE_USER", Admin.OPERATOR, "CONSOLE_PASSWORD", Admin.OPERATOR_PASSWORD,
                "DEAD_LETTER_ID", String.valueOf(letter.id), "BUSINESS_KEY", letter.businessKey,
                "RECON_RUN_ID", String.valueOf(run), "RECON_PERIOD", "2026-11", "FINDING_TYPE", "MISSING_IN_TARGET",
                "SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString(), "CHROMIUM", chromium));
        walkthrough.environment().putAll(Map.of("APPROVER_USER", Admin.APPROVER,
                "APPROVER_PASSWORD", Admin.APPROVER + "-test", "CAP_FINDING_ID", String.valueOf(capFinding),
                "CAP_HELD_ENTRY", "harvest:" + beyond));
        Process browser = walkthrough.start();
        boolean finished = browser.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            browser.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertThat(finished).as("the walkthrough finished within 3 minutes:\n" + output).isTrue();
        assertThat(browser.exitValue()).as(output).isZero();

        // what the browser did is what the store holds: the dead letter replayed by the operator, once
        DeadLetter after = QuarkusTransaction.requiringNew().call(() -> DeadLetter.findById(letter.id));
        assertThat(after.status).isEqualTo(DeadLetter.Status.REPLAYED);
        assertThat(after.ownerTeam).isEqualTo("billing");
        assertThat(after.assignee).isEqualTo(Admin.APPROVER);
        assertThat(Store.posted(entry, V1)).isTrue();
        assertThat(Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter.id).then().extract().jsonPath()
                .getString("replays[0].requestedBy")).isEqualTo(Admin.OPERATOR);
        assertThat(SCREENSHOTS.resolve("console-dead-letters.png")).isNotEmptyFile();
        assertThat(SCREENSHOTS.resolve("console-reconciliation.png")).isNotEmptyFile();
        // the approver's decision in the browser released the held time for the next billing run, audited
        assertThat(Admin.as(Admin.VIEWER).get("/admin/findings/" + capFinding).then().extract().jsonPath()
                .getString("resolution")).startsWith("approver: BILL_ANYWAY: ");
        assertThat(QuarkusTransaction.requiringNew().call(() -> io.ledgerbridge.billing.BillableItem.count(
                "projectId = ?1 and status = ?2 and capDecision = ?3", capped.projectId(),
                io.ledgerbridge.billing.BillableItem.Status.UNBILLED,
                io.ledgerbridge.billing.BillableItem.CapDecision.BILL_ANYWAY))).isEqualTo(1);
        assertThat(SCREENSHOTS.resolve("console-billing-exceptions.png")).isNotEmptyFile();
        assertThat(VendorStubs.violations()).isEmpty();
    }

    /** playwright-core from npm (package-lock.json), once per checkout. */
    private static void installPlaywright() throws IOException, InterruptedException {
        if (Files.exists(SCRIPTS.resolve("node_modules/playwright-core/package.json"))) {
            return;
        }
        // not inheritIO(): the test JVM's stdin and stdout are Maven Surefire's channel to it, and node sets the stdin
        // it inherits non-blocking ("std/in stream corrupted"); npm reads nothing and writes to its own log
        Path log = Path.of("target", "npm-ci.log").toAbsolutePath();
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(SCRIPTS.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(npm.waitFor(300, TimeUnit.SECONDS) && npm.exitValue() == 0).as("npm ci in " + SCRIPTS + "; see " + log)
                .isTrue();
    }
}
