package io.ledgerbridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cron expression of the configuration starts reconciliations of the current and the previous month. */
@QuarkusTest
@TestProfile(ReconciliationScheduleTest.EveryTwoSeconds.class)
class ReconciliationScheduleTest {

    /** The schedule every two seconds. */
    public static class EveryTwoSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.reconciliation.cron", "0/2 * * * * ?");
        }
    }

    @Test
    void scheduleReconcilesThisMonthAndTheOneBefore() {
        VendorStubs.reset();
        YearMonth now = YearMonth.now();
        await().atMost(Duration.ofSeconds(60)).until(() -> completed(now.toString()) && completed(now.minusMonths(1).toString()));
        List<ReconRun> runs = QuarkusTransaction.requiringNew().call(
                () -> ReconRun.list("requestedBy = ?1 order by id", ReconciliationSchedule.ACTOR));
        assertThat(runs).extracting(r -> r.period).contains(now.toString(), now.minusMonths(1).toString());
    }

    private static boolean completed(String period) {
        return QuarkusTransaction.requiringNew().call(() -> ReconRun.count("requestedBy = ?1 and period = ?2 and status = ?3",
                ReconciliationSchedule.ACTOR, period, ReconRun.Status.COMPLETED) > 0);
    }
}
