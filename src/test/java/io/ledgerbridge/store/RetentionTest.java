package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.intake.InboxMessage;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.reconcile.ReconRun;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.warehouse.FactEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's retention (defaults: processed inbox messages and published facts 30 days, reconciliation snapshots 7;
 * the test profile removes 2 rows per transaction): what is past its retention goes, in several transactions where
 * there are more rows than a batch; what is younger, still pending, unpublished or of a run still running stays; a
 * run keeps its counts and findings and says when its snapshots went.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    Retention retention;

    @Test
    void removesWhatIsPastItsRetentionAndKeepsTheRest() {
        Instant now = StoreTime.now();
        List<Long> oldInbox = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            oldInbox.add(inbox(InboxMessage.DONE, ago(now, 40), ago(now, 31)));
        }
        Long recentInbox = inbox(InboxMessage.DONE, ago(now, 30), ago(now, 29));
        Long pendingInbox = inbox(InboxMessage.PENDING, ago(now, 40), null);
        List<Long> oldFacts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            oldFacts.add(fact(ago(now, 31)));
        }
        Long recentFact = fact(ago(now, 1));
        Long expiredRun = run(ReconRun.Status.COMPLETED, ago(now, 9), ago(now, 8));
        Long recentRun = run(ReconRun.Status.COMPLETED, ago(now, 7), ago(now, 6));
        Long failedRun = run(ReconRun.Status.FAILED, ago(now, 20), ago(now, 20));
        Long runningRun = run(ReconRun.Status.RUNNING, ago(now, 90), null);

        Retention.Removed removed = retention.removeExpired(now);

        assertThat(removed.inboxMessages()).isGreaterThanOrEqualTo(5);
        assertThat(removed.facts()).isGreaterThanOrEqualTo(3);
        assertThat(removed.reconciliationRuns()).isGreaterThanOrEqualTo(2);
        assertThat(removed.snapshotRows()).isGreaterThanOrEqualTo(2 * 5);
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(InboxMessage.count("id in ?1", oldInbox)).isZero();
            assertThat(InboxMessage.count("id in ?1", List.of(recentInbox, pendingInbox))).isEqualTo(2);
            assertThat(FactEvent.count("id in ?1", oldFacts)).isZero();
            assertThat(FactEvent.<FactEvent>findById(recentFact)).isNotNull();
        });
        for (Long run : List.of(expiredRun, failedRun)) {
            assertThat(snapshotRows(run)).as("the snapshots of run %d", run).isZero();
            ReconRun kept = QuarkusTransaction.requiringNew().call(() -> ReconRun.findById(run));
            assertThat(kept.snapshotsRemovedAt).isEqualTo(now);
            assertThat(kept.sourceEntries).isEqualTo(2);
            assertThat(findings(run)).isEqualTo(1);
        }
        for (Long run : List.of(recentRun, runningRun)) {
            assertThat(snapshotRows(run)).as("the snapshots of run %d", run).isEqualTo(5);
            assertThat(QuarkusTransaction.requiringNew().call(() -> ReconRun.<ReconRun>findById(run))
                    .snapshotsRemovedAt).isNull();
        }
        Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + expiredRun).then().statusCode(200)
                .body("snapshotsRemovedAt", org.hamcrest.Matchers.notNullValue())
                .body("sourceEntries", org.hamcrest.Matchers.is(2))
                .body("findings.size()", org.hamcrest.Matchers.is(1));

        // a second pass finds nothing of these left to remove: a run whose snapshots went is not counted again
        Retention.Removed again = retention.removeExpired(now.plusSeconds(1));
        assertThat(again.reconciliationRuns()).isZero();
        assertThat(again.snapshotRows()).isZero();
        assertThat(QuarkusTransaction.requiringNew().call(() -> InboxMessage.count("id in ?1",
                List.of(recentInbox, pendingInbox)))).isEqualTo(2);
    }

    private static Instant ago(Instant now, int days) {
        return now.minus(Duration.ofDays(days));
    }

    private static Long inbox(String status, Instant created, Instant processed) {
        return QuarkusTransaction.requiringNew().call(() -> {
            InboxMessage message = new InboxMessage();
            message.flow = "retention-test";
            message.sourceSystem = "harvest";
            message.payload = "{\"id\": 1}";
            message.status = status;
            message.createdAt = created;
            message.processedAt = processed;
            message.persist();
            return message.id;
        });
    }

    private static Long fact(Instant published) {
        return QuarkusTransaction.requiringNew().call(() -> {
            FactEvent fact = new FactEvent();
            fact.fact = "retention-test";
            fact.subject = "retention-test";
            fact.data = "{}";
            fact.createdAt = published.minusSeconds(1);
            fact.publishedAt = published;
            fact.persist();
            return fact.id;
        });
    }

    /** A run with two source entries, two ERP entries, one ERP invoice line and one finding. */
    private static Long run(ReconRun.Status status, Instant started, Instant finished) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ReconRun run = new ReconRun();
            run.period = "2026-09";
            run.status = status;
            run.requestedBy = "retention-test";
            run.sourceEntries = 2;
            run.erpEntries = 2;
            run.startedAt = started;
            run.finishedAt = finished;
            run.persist();
            for (int i = 1; i <= 2; i++) {
                StoreSql.update("insert into recon_source_entry (run_id, project_id, source_id, source_version, "
                        + "psa_user_id, work_date, hours, approved_at) values (?, 1, ?, 'v1', 'u1', ?, 1.5, ?)",
                        run.id, "retention-" + i, LocalDate.of(2026, 9, i), started);
                StoreSql.update("insert into recon_erp_entry (run_id, project_id, erp_entry_id, work_date, minutes) "
                        + "values (?, 1, ?, ?, 90)", run.id, "erp-retention-" + i, LocalDate.of(2026, 9, i));
            }
            StoreSql.update("insert into recon_erp_line (run_id, billing_run_id, project_id, line_no, description, "
                    + "line_amount) values (?, 1, 1, 1, 'consulting', 180)", run.id);
            ReconFinding finding = new ReconFinding();
            finding.runId = run.id;
            finding.type = ReconFinding.Type.MISSING_IN_TARGET.name();
            finding.projectId = 1L;
            finding.detail = "retention-test";
            finding.status = ReconFinding.Status.OPEN;
            finding.createdAt = started;
            finding.persist();
            return run.id;
        });
    }

    private static long snapshotRows(Long run) {
        return QuarkusTransaction.requiringNew().call(() -> {
            long rows = 0;
            for (String table : ReconRun.SNAPSHOT_TABLES) {
                rows += StoreSql.select("select count(*) from " + table + " where run_id = ?", row -> row.getLong(1),
                        run).get(0);
            }
            return rows;
        });
    }

    private static long findings(Long run) {
        return QuarkusTransaction.requiringNew().call(() -> ReconFinding.count("runId", run));
    }
}
