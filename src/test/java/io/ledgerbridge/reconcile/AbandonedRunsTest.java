package io.ledgerbridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.audit.AuditEntry;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.ServiceInstance;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.testing.Admin;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/**
 * A reconciliation run whose instance stopped before it ended fails with the reason instead of staying RUNNING for
 * ever; runs of this instance and of an instance still beating go on.
 */
@QuarkusTest
class AbandonedRunsTest {

    @Inject
    Reconciliations reconciliations;
    @Inject
    AbandonedRuns abandoned;
    @Inject
    Instances instances;
    @Inject
    EntityManager entityManager;

    @Test
    void aRunWhoseInstanceStoppedFailsWithTheReasonAndTheOthersGoOn() {
        Instant now = StoreTime.now();
        String gone = "gone-" + UUID.randomUUID();
        String beating = "beating-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            ServiceInstance other = new ServiceInstance();
            other.id = beating;
            other.startedAt = now.minus(Duration.ofHours(1));
            other.seenAt = now;
            entityManager.persist(other);
        });
        Long own = reconciliations.record("2026-10", List.of(), "abandoned-runs-test").id;
        Long abandonedRun = running(gone, now.minus(Duration.ofHours(1)));
        Long beatingRun = running(beating, now.minus(Duration.ofHours(1)));

        abandoned.failAbandoned();

        ReconRun failed = run(abandonedRun);
        assertThat(failed.status).isEqualTo(ReconRun.Status.FAILED);
        assertThat(failed.error).contains("instance " + gone + " stopped while running it", "start a new run");
        assertThat(failed.finishedAt).isNotNull();
        assertThat(run(own).runBy).isEqualTo(instances.id());
        assertThat(run(own).status).isEqualTo(ReconRun.Status.RUNNING);
        assertThat(run(beatingRun).status).isEqualTo(ReconRun.Status.RUNNING);
        assertThat(QuarkusTransaction.requiringNew().call(() -> AuditEntry.count(
                "action = ?1 and target = ?2 and outcome = ?3", "reconciliation-abandoned",
                "reconciliation/" + abandonedRun, "FAILED"))).isEqualTo(1);
        Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + abandonedRun).then().statusCode(200)
                .body("status", Matchers.is("FAILED"))
                .body("error", Matchers.containsString("stopped while running it"));

        // failed once: a second look changes nothing and audits nothing more
        abandoned.failAbandoned();
        assertThat(QuarkusTransaction.requiringNew().call(() -> AuditEntry.count("action = ?1 and target = ?2",
                "reconciliation-abandoned", "reconciliation/" + abandonedRun))).isEqualTo(1);

        QuarkusTransaction.requiringNew().run(() -> ReconRun.update("status = ?1, finishedAt = ?2 where id in ?3",
                ReconRun.Status.COMPLETED, StoreTime.now(), List.of(own, beatingRun)));
    }

    private static Long running(String runBy, Instant started) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ReconRun run = new ReconRun();
            run.period = "2026-10";
            run.status = ReconRun.Status.RUNNING;
            run.requestedBy = "abandoned-runs-test";
            run.runBy = runBy;
            run.startedAt = started;
            run.persist();
            return run.id;
        });
    }

    private static ReconRun run(Long id) {
        return QuarkusTransaction.requiringNew().call(() -> ReconRun.findById(id));
    }
}
