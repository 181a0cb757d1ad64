package io.ledgerbridge.reconcile;

import io.ledgerbridge.store.ScheduleClaims;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.YearMonth;
import org.jboss.logging.Logger;

/**
 * Reconciles the current month so far and the month before it (where late approvals still land) on the cron
 * expression {@code ledgerbridge.reconciliation.cron} (Quarkus scheduler syntax; {@code off} disables it), once per
 * firing however many instances run.
 */
@ApplicationScoped
public class ReconciliationSchedule {

    /** The actor named in the runs the schedule starts. */
    public static final String ACTOR = "schedule";
    private static final Logger LOG = Logger.getLogger(ReconciliationSchedule.class);

    private final Reconciliations reconciliations;
    private final ScheduleClaims claims;
    private final Clock clock = Clock.systemUTC();

    ReconciliationSchedule(Reconciliations reconciliations, ScheduleClaims claims) {
        this.reconciliations = reconciliations;
        this.claims = claims;
    }

    @Scheduled(identity = "reconciliation", cron = "{ledgerbridge.reconciliation.cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile(ScheduledExecution execution) {
        // every replica fires; one runs the reconciliation of this firing
        if (!claims.claim("reconciliation", execution.getScheduledFireTime())) {
            LOG.debugf("scheduled reconciliation of %s runs on another instance", execution.getScheduledFireTime());
            return;
        }
        YearMonth now = YearMonth.now(clock);
        for (YearMonth period : new YearMonth[] {now.minusMonths(1), now}) {
            ReconRun run = reconciliations.start(period.toString(), null, ACTOR);
            LOG.infof("scheduled reconciliation %d of %s started", run.id, period);
        }
    }
}
