package io.ledgerbridge.replay;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.deadletter.DeadLetterReplay;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an instance killed in the middle of replays leaves behind is taken over by the others once its heartbeat
 * stops: a dead letter it was replaying is opened again (not REPLAYING for ever, where no operator can touch it),
 * and a bulk job it was running is finished here from its pending items, each posted once. A live instance's replay
 * is left alone.
 */
@QuarkusTest
class ReplayTakeoverTest {

    static final String VERSION = "2026-11-20T10:15:00Z";

    @Test
    void aDeadLetterInReplayByAKilledInstanceIsOpenedAgainAndALiveOnesIsLeftAlone() {
        Project project = TimeEntryFixtures.knownProject();
        Store.beat("pod-replaying-alive", StoreTime.now());
        long killed = replaying(deadLetter(project, TimeEntryFixtures.nextId(), DeadLetter.Status.REPLAYING),
                "pod-replaying-killed");
        long live = replaying(deadLetter(project, TimeEntryFixtures.nextId(), DeadLetter.Status.REPLAYING),
                "pod-replaying-alive");

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Store.beat("pod-replaying-alive", StoreTime.now());
            assertThat(status(killed)).isEqualTo(DeadLetter.Status.OPEN);
        });
        DeadLetterReplay ended = QuarkusTransaction.requiringNew().call(() -> DeadLetterReplay.of(killed).get(0));
        assertThat(ended.outcome).isEqualTo(DeadLetterReplay.Outcome.FAILED);
        assertThat(ended.detail).contains("instance pod-replaying-killed stopped during the replay");
        assertThat(status(live)).isEqualTo(DeadLetter.Status.REPLAYING);
    }

    @Test
    void aBulkJobOfAKilledInstanceIsFinishedHereEachEntryPostedOnce() {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        // pod-b ran the job: the first dead letter was replayed, the second was in replay when pod-b was killed,
        // the third not reached
        List<Long> entries = List.of(TimeEntryFixtures.nextId(), TimeEntryFixtures.nextId(), TimeEntryFixtures.nextId());
        long done = deadLetter(project, entries.get(0), DeadLetter.Status.REPLAYED);
        long inReplay = replaying(deadLetter(project, entries.get(1), DeadLetter.Status.REPLAYING), "pod-b");
        long pending = deadLetter(project, entries.get(2), DeadLetter.Status.OPEN);
        Store.beat("pod-b", StoreTime.now().minus(Duration.ofMinutes(1)));
        long jobId = QuarkusTransaction.requiringNew().call(() -> {
            ReplayJob job = new ReplayJob();
            job.filter = "flow=approved-time-to-erp";
            job.ratePerSecond = 0;
            job.requestedBy = "operator";
            job.createdAt = StoreTime.now();
            job.startedAt = job.createdAt;
            job.status = ReplayJob.Status.RUNNING;
            job.claimedBy = "pod-b";
            job.persist();
            item(job.id, done, "POSTED");
            item(job.id, inReplay, ReplayJobItem.PENDING);
            item(job.id, pending, ReplayJobItem.PENDING);
            return job.id;
        });

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> QuarkusTransaction
                .requiringNew().call(() -> ReplayJob.<ReplayJob>findById(jobId).status) == ReplayJob.Status.COMPLETED);
        List<String> outcomes = QuarkusTransaction.requiringNew().call(() -> ReplayJobItem
                .<ReplayJobItem>list("jobId = ?1 order by id", jobId).stream().map(i -> i.outcome).toList());
        assertThat(outcomes).containsExactly("POSTED", "POSTED", "POSTED");
        assertThat(status(inReplay)).isEqualTo(DeadLetter.Status.REPLAYED);
        assertThat(status(pending)).isEqualTo(DeadLetter.Status.REPLAYED);
        // the entries of the two pending items reached the ERP once each; the one replayed before was not sent again
        for (int i = 0; i < 3; i++) {
            VendorStubs.server().verify(i == 0 ? 0 : 1, postRequestedFor(urlPathEqualTo(
                    VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time"))
                    .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                            "harvest-" + entries.get(i) + "-20261120T101500Z")));
        }
        ReplayJob job = QuarkusTransaction.requiringNew().call(() -> ReplayJob.<ReplayJob>findById(jobId));
        assertThat(job.claimedBy).isNotEqualTo("pod-b");
    }

    private static long deadLetter(Project project, long entry, DeadLetter.Status status) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeadLetter letter = project.outageDeadLetter(entry, "1.5", VERSION, status);
            letter.persist();
            return letter.id;
        });
    }

    /** A replay of the dead letter that {@code instance} started and did not finish. */
    private static long replaying(long letter, String instance) {
        QuarkusTransaction.requiringNew().run(() -> {
            DeadLetterReplay replay = new DeadLetterReplay();
            replay.deadLetterId = letter;
            replay.requestedBy = "operator";
            replay.requestedAt = StoreTime.now();
            replay.outcome = DeadLetterReplay.Outcome.RUNNING;
            replay.instanceId = instance;
            replay.persist();
        });
        return letter;
    }

    private static void item(long job, long letter, String outcome) {
        ReplayJobItem item = new ReplayJobItem();
        item.jobId = job;
        item.deadLetterId = letter;
        item.outcome = outcome;
        item.persist();
    }

    private static DeadLetter.Status status(long letter) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>findById(letter).status);
    }

}
