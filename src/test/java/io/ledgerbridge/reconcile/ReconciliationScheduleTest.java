package io.ledgerbridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.store.ScheduleClaims;
import io.ledgerbridge.testing.SchedulesOn;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cron expression of the configuration starts reconciliations of the current and the previous month (every two
 * seconds here: {@link SchedulesOn}).
 */
@QuarkusTest
@TestProfile(SchedulesOn.class)
class ReconciliationScheduleTest {

    @Inject
    ScheduleClaims claims;
    @Inject
    DataSource dataSource;

    @Test
    void scheduleReconcilesThisMonthAndTheOneBefore() {
        VendorStubs.reset();
        YearMonth now = YearMonth.now();
        await().atMost(Duration.ofSeconds(60)).until(() -> completed(now.toString()) && completed(now.minusMonths(1).toString()));
        List<ReconRun> runs = QuarkusTransaction.requiringNew().call(
                () -> ReconRun.list("requestedBy = ?1 order by id", ReconciliationSchedule.ACTOR));
        assertThat(runs).extracting(r -> r.period).contains(now.toString(), now.minusMonths(1).toString());
    }

    @Test
    void aFiringAnotherInstanceClaimedIsSkipped() throws Exception {
        Instant fire = Instant.parse("2026-11-25T02:30:00.123Z");
        String job = "claim-test-" + java.util.UUID.randomUUID();
        assertThat(claims.claim(job, fire)).isTrue();
        assertThat(claims.claim(job, fire.plusMillis(400))).as("same second").isFalse();
        assertThat(claims.claim(job, fire.plusSeconds(2))).isTrue();

        // another replica claims every firing of the next eight seconds: this one starts nothing meanwhile
        Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
        Instant to = from.plusSeconds(8);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into schedule_claim (job, fire_time, "
                        + "claimed_by, claimed_at) values ('reconciliation', ?, 'other-pod', ?)")) {
            for (Instant second = from; second.isBefore(to); second = second.plusSeconds(1)) {
                insert.setTimestamp(1, Timestamp.from(second));
                insert.setTimestamp(2, Timestamp.from(Instant.now()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> startedBetween(to, to.plusSeconds(20)) > 0);
        // (from the second claimed second on: a run of the firing just before the window may start a moment late)
        assertThat(startedBetween(from.plusSeconds(1), to)).as("runs started in firings claimed by another instance")
                .isZero();
    }

    private static long startedBetween(Instant from, Instant to) {
        return QuarkusTransaction.requiringNew().call(() -> ReconRun.count(
                "requestedBy = ?1 and startedAt >= ?2 and startedAt < ?3", ReconciliationSchedule.ACTOR, from, to));
    }

    private static boolean completed(String period) {
        return QuarkusTransaction.requiringNew().call(() -> ReconRun.count("requestedBy = ?1 and period = ?2 and status = ?3",
                ReconciliationSchedule.ACTOR, period, ReconRun.Status.COMPLETED) > 0);
    }
}
