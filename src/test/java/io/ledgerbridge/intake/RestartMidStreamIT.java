package io.ledgerbridge.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service on its embedded profile (H2 file, store inbox) is killed with SIGKILL in the middle of a
 * stream of approved time and started again: every accepted entry reaches the ERP, each under its own key.
 */
class RestartMidStreamIT {

    static final int ENTRIES = 300;
    static VendorStubs stubs = new VendorStubs();
    static Map<String, String> stubConfig;

    @BeforeAll
    static void startStubs() {
        stubConfig = stubs.start();
    }

    @AfterAll
    static void stopStubs() {
        stubs.stop();
    }

    @Test
    void killMinus9MidStreamLosesNothingAndPostsEachEntryOnce() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
        String erpProject = "7b1e1a52-2c1f-4a55-9d43-5c2b0f6a9e10";
        long harvestProject = TimeEntryFixtures.nextId();
        long user = TimeEntryFixtures.nextId();
        long task = TimeEntryFixtures.nextId();
        TimeEntryFixtures.writeSeedFile(work.resolve("reference-data.json"), harvestProject, user, erpProject, "RESTART");
        // a slow ERP, so that the kill lands mid-stream
        VendorStubs.server().stubFor(post(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/[^/]+/Time")).atPriority(1)
                .willReturn(okJson("{\"timeEntryId\":\"{{randomValue type='UUID'}}\"}")
                        .withTransformers("response-template").withFixedDelay(25)));

        Map<String, String> config = new HashMap<>(stubConfig);
        config.put("quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("db/ledgerbridge") + ";WRITE_DELAY=0");
        config.put("ledgerbridge.erp.connector", "xero");
        config.put("ledgerbridge.erp.xero.enabled", "true");
        config.put("ledgerbridge.inbox.lease", "PT3S");
        config.put("ledgerbridge.seed.reference-data", work.resolve("reference-data.json").toString());
        Path log = work.resolve("service.log");

        TimeEntryFixtures.Project project = new TimeEntryFixtures.Project(harvestProject, user, task, erpProject, null, null);
        List<Long> ids = new ArrayList<>();
        try (ServiceProcess first = ServiceProcess.start(config, log)) {
            for (int batch = 0; batch < ENTRIES / 50; batch++) {
                List<String> entries = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    long id = TimeEntryFixtures.nextId();
                    ids.add(id);
                    entries.add(project.approvedEntry(id, "1.25", "2026-11-20T10:15:00Z"));
                }
                given().baseUri(first.baseUrl()).contentType("application/json").body("[" + String.join(",", entries) + "]")
                        .post("/api/v1/time-entries").then().statusCode(202);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> posts().size() >= 60);
            first.kill();
        }
        int postedBeforeKill = distinctKeys().size();
        assertThat(postedBeforeKill).isLessThan(ENTRIES);

        try (ServiceProcess second = ServiceProcess.start(config, log)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> distinctKeys().size() == ENTRIES);
            // settle: nothing further arrives once every entry is in
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                    .until(() -> distinctKeys().size() == ENTRIES);
        }

        Map<String, Long> perKey = posts().stream()
                .collect(Collectors.groupingBy(r -> r.getHeader("Idempotency-Key"), Collectors.counting()));
        assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(
                ids.stream().map(id -> "harvest-" + id + "-20261120T101500Z").toList());
        // only a posting in flight at the kill may be re-sent, under the same key (the ERP deduplicates it)
        long resent = perKey.values().stream().filter(count -> count > 1).count();
        assertThat(resent).isLessThanOrEqualTo(1);
        assertThat(VendorStubs.violations()).isEmpty();
    }

    static List<LoggedRequest> posts() {
        return VendorStubs.server().findAll(postRequestedFor(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/[^/]+/Time")));
    }

    static java.util.Set<String> distinctKeys() {
        return posts().stream().map(r -> r.getHeader("Idempotency-Key")).collect(Collectors.toSet());
    }
}
