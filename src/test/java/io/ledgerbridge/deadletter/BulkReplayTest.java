package io.ledgerbridge.deadletter;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.audit.AuditEntry;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.replay.ReplayJobItem;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Bulk replay by filter after the ERP recovers: dry run, four eyes above the threshold, each of 1,000 dead letters
 * posted exactly once.
 */
@QuarkusTest
class BulkReplayTest {

    static final int COUNT = 1000;
    static final String V1 = "2026-11-20T10:15:00Z";
    static final String V2 = "2026-11-21T08:00:00Z";

    @Test
    void bulkReplayOfAThousandDeadLettersPostsEachExactlyOnce() {
        java.time.Instant start = java.time.Instant.now();
        // the ERP refuses everything of this project (a locked period), then the period is opened again
        Project project = periodLocked();
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            long id = TimeEntryFixtures.nextId();
            entries.put(String.valueOf(id), project.approvedEntry(id, "1", V1));
        }
        KafkaTopics.sendAll("ledgerbridge.time-entries.approved", entries);
        await().atMost(Duration.ofSeconds(120)).until(() -> openRejected(start) == COUNT);
        VendorStubs.reset();
        String filter = "{\"errorClass\":\"PERIOD_CLOSED\",\"from\":\"" + start + "\"}";

        // dry run: says what would be replayed, replays nothing
        int dryRun = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"filter\":" + filter + ",\"dryRun\":true}")
                .post("/admin/dead-letters/replay")
                .then().statusCode(202).body("status", is("COMPLETED")).extract().path("total");
        assertThat(dryRun).isEqualTo(COUNT);
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(timePath(project))));

        // above the threshold: waits for a second pair of eyes
        int jobId = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"filter\":" + filter + ",\"ratePerSecond\":0}")
                .post("/admin/dead-letters/replay")
                .then().statusCode(202)
                .body("status", is("AWAITING_APPROVAL")).extract().path("id");
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/replay-jobs/" + jobId + "/approve").then().statusCode(403);
        Admin.as("approver").contentType("application/json").post("/admin/replay-jobs/" + jobId + "/approve")
                .then().statusCode(200).body("approvedBy", is("approver"));

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId).then().extract().path("status")));
        Map<String, Integer> outcomes = Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId)
                .then().statusCode(200).extract().path("outcomes");
        assertThat(outcomes.get("POSTED")).isEqualTo(COUNT);
        // each item's outcome was written with its replay's and the replay's audit entry
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(ReplayJobItem.count("jobId = ?1 and outcome = 'POSTED' and detail like 'posted as %'",
                    (long) jobId)).isEqualTo(COUNT);
            assertThat(AuditEntry.count("action = 'replay' and actor = ?1 and outcome = 'POSTED' and detail like "
                    + "'posted as %'", "replay-job/" + jobId + " for " + Admin.OPERATOR)).isEqualTo(COUNT);
        });

        List<LoggedRequest> posts = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))));
        Map<String, Long> perKey = posts.stream()
                .collect(Collectors.groupingBy(r -> r.getHeader("Idempotency-Key"), Collectors.counting()));
        assertThat(perKey).hasSize(COUNT);
        assertThat(perKey.values()).containsOnly(1L);
        assertThat(openRejected(start)).isZero();
    }

    /**
     * The job replays in parallel lanes, but the dead letters of one entry stay in order on one lane: each entry's
     * first version is posted before its correction, never dropped as superseded by it.
     */
    @Test
    void versionsOfOneEntryReplayInTheirOrderWhileEntriesReplayInParallel() {
        java.time.Instant start = java.time.Instant.now();
        Project project = periodLocked();
        int entries = 40;
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < entries; i++) {
            ids.add(TimeEntryFixtures.nextId());
        }
        // each entry and its correction one after the other: their dead letters are neighbours in the job
        for (long id : ids) {
            KafkaTopics.sendAll("ledgerbridge.time-entries.approved", Map.of(String.valueOf(id), project.approvedEntry(id, "1", V1)));
            KafkaTopics.sendAll("ledgerbridge.time-entries.approved", Map.of(String.valueOf(id), project.approvedEntry(id, "2", V2)));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> openRejected(start) == 2L * entries);
        VendorStubs.reset();

        int jobId = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("{\"filter\":{\"errorClass\":\"PERIOD_CLOSED\",\"from\":\"" + start + "\"},\"ratePerSecond\":0}")
                .post("/admin/dead-letters/replay").then().statusCode(202) // under the approval threshold: started at once
                .body("status", org.hamcrest.Matchers.oneOf("QUEUED", "RUNNING", "COMPLETED")).extract().path("id");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId).then().extract().path("status")));
        Map<String, Integer> outcomes = Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + jobId)
                .then().statusCode(200).extract().path("outcomes");
        assertThat(outcomes).containsExactly(Map.entry("POSTED", 2 * entries));
        // one creation per entry, then its correction as an update of what the creation made
        Map<String, Long> created = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))))
                .stream().collect(Collectors.groupingBy(r -> r.getHeader("Idempotency-Key"), Collectors.counting()));
        assertThat(created).hasSize(entries);
        assertThat(created.keySet()).allMatch(key -> key.endsWith("-20261120T101500Z"));
        assertThat(openRejected(start)).isZero();
    }

    /**
     * The threshold holds over what one person replays in the approval window: 122 dead letters asked for as two jobs
     * split by time (60, then 62) wait for a second pair of eyes as one job of 122 would; a dry run counts for nothing.
     */
    @Test
    void aReplaySplitIntoSmallJobsStillNeedsASecondPairOfEyes() {
        String operator = "night-operator";
        Project project = periodLocked();
        java.time.Instant start = java.time.Instant.now();
        sendEntries(project, 60);
        await().atMost(Duration.ofSeconds(120)).until(() -> openRejected(start) == 60);
        java.time.Instant middle = java.time.Instant.now();
        sendEntries(project, 62);
        await().atMost(Duration.ofSeconds(120)).until(() -> openRejected(start) == 122);
        VendorStubs.reset();

        Admin.as(operator).contentType("application/json")
                .body("{\"filter\":{\"errorClass\":\"PERIOD_CLOSED\",\"from\":\"" + start + "\"},\"dryRun\":true}")
                .post("/admin/dead-letters/replay").then().statusCode(202).body("total", is(122));
        int first = Admin.as(operator).contentType("application/json").body("{\"filter\":{\"errorClass\":\"PERIOD_CLOSED\","
                        + "\"from\":\"" + start + "\",\"to\":\"" + middle + "\"},\"ratePerSecond\":0}")
                .post("/admin/dead-letters/replay").then().statusCode(202).body("total", is(60))
                .body("status", org.hamcrest.Matchers.oneOf("QUEUED", "RUNNING", "COMPLETED"))
                .body("approvalReason", org.hamcrest.Matchers.nullValue()).extract().path("id");
        int second = Admin.as(operator).contentType("application/json").body("{\"filter\":{\"errorClass\":\"PERIOD_CLOSED\","
                        + "\"from\":\"" + middle + "\"},\"ratePerSecond\":0}")
                .post("/admin/dead-letters/replay").then().statusCode(202).body("total", is(62))
                .body("status", is("AWAITING_APPROVAL"))
                .body("approvalReason", org.hamcrest.Matchers.allOf(org.hamcrest.Matchers.containsString("asked for 60 more"),
                        org.hamcrest.Matchers.containsString("122"), org.hamcrest.Matchers.containsString("approval-window")))
                .extract().path("id");

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + first).then().extract().path("status")));
        assertThat(openRejected(start)).as("the second half waits").isEqualTo(62);
        Admin.as(operator).contentType("application/json").post("/admin/replay-jobs/" + second + "/approve").then().statusCode(403);
        Admin.as(Admin.APPROVER).contentType("application/json").post("/admin/replay-jobs/" + second + "/approve").then().statusCode(200)
                .body("approvedBy", is(Admin.APPROVER));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/replay-jobs/" + second).then().extract().path("status")));
        assertThat(openRejected(start)).isZero();
    }

    private static void sendEntries(Project project, int count) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long id = TimeEntryFixtures.nextId();
            entries.put(String.valueOf(id), project.approvedEntry(id, "1", V1));
        }
        KafkaTopics.sendAll("ledgerbridge.time-entries.approved", entries);
    }

    /** A project whose time the ERP refuses (400, period locked) until the stubs are reset. */
    static Project periodLocked() {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        VendorStubs.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(timePath(project)))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody("{\"message\":\"period locked\"}")));
        return project;
    }

    static long openRejected(java.time.Instant since) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.count(
                "errorClass = ?1 and status = ?2 and createdAt >= ?3", ErrorClass.PERIOD_CLOSED,
                DeadLetter.Status.OPEN, since));
    }

    static String timePath(Project project) {
        return VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time";
    }
}
