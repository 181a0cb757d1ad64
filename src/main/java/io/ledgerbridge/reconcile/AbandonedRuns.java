package io.ledgerbridge.reconcile;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fails the reconciliation runs whose instance stopped before they ended (a pod killed, or restarted mid-run: a
 * restarted process is a new instance), once that instance has missed three heartbeats: such a run would otherwise
 * stay RUNNING for ever. A run is not taken over and read again — its pages are this run's, and a run that stopped
 * its instance would stop the next one too —; it fails with the reason, keeps the findings written so far, and the
 * schedule's next firing, or an operator's new run, reconciles the period again. Runs at every heartbeat.
 */
@ApplicationScoped
public class AbandonedRuns {

    private static final Logger LOG = Logger.getLogger(AbandonedRuns.class);

    private final Instances instances;
    private final Audit audit;

    AbandonedRuns(Instances instances, Audit audit) {
        this.instances = instances;
        this.audit = audit;
    }

    /** A running run and the instance running it. */
    private record Running(long id, String runBy, Instant startedAt) {
    }

    @Scheduled(identity = "reconciliation-abandoned", every = "{ledgerbridge.instances.heartbeat}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void failAbandoned() {
        String self = instances.id();
        List<Running> running = QuarkusTransaction.requiringNew().call(() -> StoreSql.select("select id, run_by, "
                + "started_at from recon_run where status = 'RUNNING' and run_by is not null and run_by <> ?",
                row -> new Running(row.getLong("id"), row.getString("run_by"), StoreSql.instant(row, "started_at")),
                self));
        for (Running run : running) {
            if (instances.alive(run.runBy())) {
                continue;
            }
            String reason = "instance " + run.runBy() + " stopped while running it (started " + run.startedAt()
                    + "); the findings it wrote are kept: start a new run of the period, or wait for the schedule's "
                    + "next one";
            int failed = QuarkusTransaction.requiringNew().call(() -> StoreSql.update("update recon_run set status = "
                    + "'FAILED', error = ?, finished_at = ? where id = ? and status = 'RUNNING' and run_by = ?",
                    reason, StoreTime.now(), run.id(), run.runBy()));
            if (failed == 1) {
                LOG.warnf("reconciliation %d failed: %s", run.id(), reason);
                audit.record("instance/" + self, "reconciliation-abandoned", "reconciliation/" + run.id(), reason,
                        "FAILED");
            }
        }
    }
}
