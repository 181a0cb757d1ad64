package io.ledgerbridge.store;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.reconcile.ReconRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * What the store stops keeping once it has served its purpose, on the cron expression
 * {@code ledgerbridge.retention.cron} (once per firing however many instances run): processed inbox messages (the
 * deliveries the embedded intake accepted, payload and all; what became of each is in its sync record or dead
 * letter), facts the warehouse feed has published, and the two snapshots a finished reconciliation run read (its
 * counts and findings stay; {@code snapshots_removed_at} says when they went). Rows go in transactions of
 * {@code ledgerbridge.retention.batch-size}, a run's snapshots in one. The lineage of every record (sync records),
 * dead letters, replays and the audit log are not touched: they are the firm's history.
 */
@ApplicationScoped
public class Retention {

    /** The schedule claim's job name: one instance runs each firing. */
    public static final String JOB = "retention";
    private static final Logger LOG = Logger.getLogger(Retention.class);

    private final LedgerbridgeConfig.Retention config;
    private final ScheduleClaims claims;
    private final MeterRegistry registry;

    Retention(LedgerbridgeConfig config, ScheduleClaims claims, MeterRegistry registry) {
        this.config = config.retention();
        this.claims = claims;
        this.registry = registry;
    }

    /** What one pass removed. */
    public record Removed(int inboxMessages, int facts, int reconciliationRuns, long snapshotRows) {
    }

    @Scheduled(identity = JOB, cron = "{ledgerbridge.retention.cron}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled(ScheduledExecution execution) {
        if (!claims.claim(JOB, execution.getScheduledFireTime())) {
            LOG.debugf("the store's retention of %s runs on another instance", execution.getScheduledFireTime());
            return;
        }
        Removed removed = removeExpired(StoreTime.now());
        if (removed.equals(new Removed(0, 0, 0, 0))) {
            LOG.debug("retention found nothing to remove");
            return;
        }
        LOG.infof("retention removed %d processed inbox messages, %d published facts and the snapshots of %d "
                + "reconciliation runs (%d rows)", removed.inboxMessages(), removed.facts(),
                removed.reconciliationRuns(), removed.snapshotRows());
    }

    /** Removes what is past its retention at {@code now}; answers how much went. */
    public Removed removeExpired(Instant now) {
        int inbox = inBatches("inbox_message", "status = 'DONE' and processed_at < ?",
                now.minus(config.processedInbox()));
        count("inbox_messages", inbox);
        int facts = inBatches("fact_event", "published_at < ?", now.minus(config.publishedFacts()));
        count("facts", facts);
        Instant snapshotsBefore = now.minus(config.reconciliationSnapshots());
        List<Long> runs = QuarkusTransaction.requiringNew().call(() -> StoreSql.select("select id from recon_run "
                + "where finished_at < ? and snapshots_removed_at is null order by id", row -> row.getLong(1),
                snapshotsBefore));
        long snapshotRows = 0;
        for (Long run : runs) {
            snapshotRows += QuarkusTransaction.requiringNew().call(() -> removeSnapshots(run, now));
        }
        count("reconciliation_snapshot_rows", snapshotRows);
        return new Removed(inbox, facts, runs.size(), snapshotRows);
    }

    /**
     * Deletes the rows of {@code table} that match {@code expired} (its one parameter the cutoff), oldest id first, at
     * most a batch per transaction: the batch's last id bounds the delete, so it removes exactly the rows it chose.
     */
    private int inBatches(String table, String expired, Instant cutoff) {
        int batch = config.batchSize();
        int removed = 0;
        while (true) {
            int rows = QuarkusTransaction.requiringNew().call(() -> {
                List<Long> ids = StoreSql.select("select id from " + table + " where " + expired
                        + " order by id fetch first " + batch + " rows only", row -> row.getLong(1), cutoff);
                return ids.isEmpty() ? 0 : StoreSql.update("delete from " + table + " where " + expired
                        + " and id <= ?", cutoff, ids.get(ids.size() - 1));
            });
            removed += rows;
            if (rows < batch) {
                return removed;
            }
        }
    }

    private static long removeSnapshots(Long run, Instant now) {
        long rows = 0;
        for (String table : ReconRun.SNAPSHOT_TABLES) {
            rows += StoreSql.update("delete from " + table + " where run_id = ?", run);
        }
        StoreSql.update("update recon_run set snapshots_removed_at = ? where id = ?", now, run);
        return rows;
    }

    private void count(String what, long removed) {
        registry.counter("ledgerbridge.retention.removed", "what", what).increment(removed);
    }
}
