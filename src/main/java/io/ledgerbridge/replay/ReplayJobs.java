package io.ledgerbridge.replay;

import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.store.BackgroundWorker;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.deadletter.DeadLetterFilter;
import io.ledgerbridge.deadletter.DeadLetters;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Bulk replays: the dead letters a filter selects are fixed when the job is asked for, then replayed in the background
 * at the requested rate, in parallel lanes by record, each through the same single replay (claim, idempotency,
 * audit). A job above the approval threshold waits for an approver who is not its requester (four eyes).
 */
@ApplicationScoped
public class ReplayJobs {

    private static final Logger LOG = Logger.getLogger(ReplayJobs.class);

    /** A job as the API shows it: counts by outcome are derived from its items. */
    public record View(ReplayJob job, long total, Map<String, Long> outcomes, List<ReplayJobItem> items) {
    }

    private final DeadLetters deadLetters;
    private final Audit audit;
    private final LedgerbridgeConfig config;
    private final Instances instances;
    private final ExecutorService runner = BackgroundWorker.named("ledgerbridge-replay-jobs");
    /** Jobs queued on the runner and not started yet. */
    private final Set<Long> waiting = ConcurrentHashMap.newKeySet();

    ReplayJobs(DeadLetters deadLetters, Audit audit, LedgerbridgeConfig config, Instances instances) {
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.config = config;
        this.instances = instances;
    }

    /**
     * Asks for a bulk replay; returns the job, started unless it is a dry run or awaits approval. It awaits approval
     * when it, with what its requester replays unapproved within the approval window, passes the approval threshold:
     * splitting one large replay into small jobs (by from/to, by flow) needs the second pair of eyes all the same.
     */
    public ReplayJob request(DeadLetterFilter filter, boolean dryRun, int ratePerSecond) {
        String actor = audit.actor();
        List<Long> ids = deadLetters.ids(filter);
        Instant now = StoreTime.now();
        String reason = dryRun ? null : approvalReason(actor, ids.size(), unapprovedSince(actor, now, null));
        ReplayJob job = QuarkusTransaction.requiringNew().call(() -> {
            ReplayJob created = new ReplayJob();
            created.filter = filter.describe();
            created.dryRun = dryRun;
            created.ratePerSecond = ratePerSecond;
            created.requestedBy = actor;
            created.createdAt = now;
            created.status = dryRun ? ReplayJob.Status.COMPLETED
                    : reason != null ? ReplayJob.Status.AWAITING_APPROVAL : ReplayJob.Status.QUEUED;
            created.approvalReason = reason;
            if (dryRun) {
                created.startedAt = now;
                created.finishedAt = now;
            }
            created.persist();
            for (Long id : ids) {
                ReplayJobItem item = new ReplayJobItem();
                item.jobId = created.id;
                item.deadLetterId = id;
                item.outcome = dryRun ? ReplayJobItem.WOULD_REPLAY : ReplayJobItem.PENDING;
                item.persist();
            }
            return created;
        });
        if (job.status == ReplayJob.Status.QUEUED) {
            holdIfConcurrentJobsPassTheThreshold(job, ids.size());
        }
        audit.record(actor, dryRun ? "bulk-replay-dry-run" : "bulk-replay", "replay-job/" + job.id,
                "filter " + job.filter + ", " + ids.size() + " dead letters, rate " + ratePerSecond + "/s"
                        + (job.approvalReason == null ? "" : "; " + job.approvalReason),
                job.status.name());
        if (job.status == ReplayJob.Status.QUEUED) {
            start(job.id);
        }
        return job;
    }

    /**
     * Two requests of one person at the same moment each saw the other's job not yet written: with both written, the
     * count is taken again, and this job waits if the two together pass the threshold (both may then wait: never
     * both run).
     */
    private void holdIfConcurrentJobsPassTheThreshold(ReplayJob job, int size) {
        long others = unapprovedSince(job.requestedBy, job.createdAt, job.id);
        String reason = approvalReason(job.requestedBy, size, others);
        if (reason != null && QuarkusTransaction.requiringNew().call(() -> ReplayJob.update(
                "status = ?1, approvalReason = ?2 where id = ?3 and status = ?4", ReplayJob.Status.AWAITING_APPROVAL,
                reason, job.id, ReplayJob.Status.QUEUED)) == 1) {
            job.status = ReplayJob.Status.AWAITING_APPROVAL;
            job.approvalReason = reason;
        }
    }

    /** Why a job of this size needs approval, with what its requester already replays unapproved; null if it does not. */
    private String approvalReason(String actor, int size, long unapproved) {
        int threshold = config.replay().approvalThreshold();
        if (size > threshold) {
            return size + " dead letters, above the approval threshold of " + threshold;
        }
        if (size + unapproved > threshold) {
            return size + " dead letters, and " + actor + " asked for " + unapproved + " more without approval within "
                    + config.replay().approvalWindow() + ": " + (size + unapproved) + ", above the approval threshold of "
                    + threshold + " (ledgerbridge.replay.approval-window)";
        }
        return null;
    }

    /**
     * Dead letters in the bulk replays one person asked for within the approval window before {@code until} that ran
     * or will run without a second person: not dry runs, not approved, not waiting (except {@code except}).
     */
    private long unapprovedSince(String actor, Instant until, Long except) {
        Instant since = until.minus(config.replay().approvalWindow());
        return QuarkusTransaction.requiringNew().call(() -> ReplayJobItem.getEntityManager().createQuery(
                "select count(i) from ReplayJobItem i, ReplayJob j where i.jobId = j.id and j.requestedBy = :actor "
                        + "and j.createdAt >= :since and j.dryRun = false and j.approvedBy is null "
                        + "and j.status <> :waiting and j.id <> :except", Long.class)
                .setParameter("actor", actor).setParameter("since", since)
                .setParameter("waiting", ReplayJob.Status.AWAITING_APPROVAL)
                .setParameter("except", except == null ? -1L : except).getSingleResult());
    }

    /** The second pair of eyes: an approver other than the requester lets a large job run. */
    public ReplayJob approve(long jobId) {
        String approver = audit.actor();
        ReplayJob job = get(jobId);
        if (job.status != ReplayJob.Status.AWAITING_APPROVAL) {
            throw new ProblemException(Problem.of(409, "not-awaiting-approval", "Nothing to approve",
                    "replay job " + jobId + " is " + job.status));
        }
        if (approver.equals(job.requestedBy)) {
            audit.record(approver, "bulk-replay-approve", "replay-job/" + jobId, "refused: own request", "REFUSED");
            throw new ProblemException(Problem.of(403, "four-eyes", "Approve someone else's request",
                    "replay job " + jobId + " was requested by " + approver + "; another approver must confirm it"));
        }
        int approved = QuarkusTransaction.requiringNew().call(() -> ReplayJob.update(
                "status = ?1, approvedBy = ?2 where id = ?3 and status = ?4", ReplayJob.Status.QUEUED, approver, jobId,
                ReplayJob.Status.AWAITING_APPROVAL));
        if (approved == 1) {
            audit.record(approver, "bulk-replay-approve", "replay-job/" + jobId, "approved", "QUEUED");
            start(jobId);
        }
        return get(jobId);
    }

    public View view(long jobId, boolean withItems) {
        ReplayJob job = get(jobId);
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Long> outcomes = new LinkedHashMap<>();
            List<Object[]> rows = ReplayJobItem.getEntityManager().createQuery(
                    "select i.outcome, count(i) from ReplayJobItem i where i.jobId = :job group by i.outcome order by i.outcome",
                    Object[].class).setParameter("job", jobId).getResultList();
            long total = 0;
            for (Object[] row : rows) {
                outcomes.put((String) row[0], (Long) row[1]);
                total += (Long) row[1];
            }
            List<ReplayJobItem> items = withItems
                    ? ReplayJobItem.<ReplayJobItem>list("jobId = ?1 order by id", jobId)
                    : List.of();
            return new View(job, total, outcomes, items);
        });
    }

    public ReplayJob get(long jobId) {
        ReplayJob job = QuarkusTransaction.requiringNew().call(() -> ReplayJob.<ReplayJob>findById(jobId));
        if (job == null) {
            throw Problem.notFound("replay job", jobId);
        }
        return job;
    }

    /**
     * Takes over the jobs an instance that stopped beating left RUNNING: back to QUEUED, then run here from their
     * pending items (the claim from QUEUED lets one instance only run each). Their dead letters in replay at the
     * time are reopened first ({@link DeadLetters#reopenAbandoned()}). Jobs still QUEUED after three beats (their
     * instance stopped before starting them, or is busy with another job) are started here too. Runs at every
     * heartbeat.
     */
    @Scheduled(identity = "replay-takeover", every = "{ledgerbridge.instances.heartbeat}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void takeOverAbandoned() {
        deadLetters.reopenAbandoned();
        List<Object[]> running = QuarkusTransaction.requiringNew().call(() -> ReplayJob.getEntityManager()
                .createQuery("select j.id, j.claimedBy from ReplayJob j where j.status = :running and j.claimedBy is not"
                        + " null and j.claimedBy <> :self", Object[].class)
                .setParameter("running", ReplayJob.Status.RUNNING).setParameter("self", instances.id()).getResultList());
        for (Object[] row : running) {
            Long jobId = (Long) row[0];
            String owner = (String) row[1];
            if (instances.alive(owner)) {
                continue;
            }
            int released = QuarkusTransaction.requiringNew().call(() -> ReplayJob.update(
                    "status = ?1, claimedBy = null where id = ?2 and status = ?3 and claimedBy = ?4",
                    ReplayJob.Status.QUEUED, jobId, ReplayJob.Status.RUNNING, owner));
            if (released == 1) {
                audit.record("instance/" + instances.id(), "bulk-replay-takeover", "replay-job/" + jobId,
                        "instance " + owner + " stopped while running it; its pending items run here", "QUEUED");
                start(jobId);
            }
        }
        // a job accepted (or approved) by an instance that stopped before it started it: queued, run by nobody
        List<Long> queued = QuarkusTransaction.requiringNew().call(() -> ReplayJob.getEntityManager()
                .createQuery("select j.id from ReplayJob j where j.status = :queued and j.createdAt < :before", Long.class)
                .setParameter("queued", ReplayJob.Status.QUEUED)
                .setParameter("before", StoreTime.now().minus(config.instances().heartbeat().multipliedBy(3)))
                .getResultList());
        queued.forEach(this::start);
    }

    /** Queues the job on this instance's runner, once while it waits there. */
    private void start(long jobId) {
        if (!waiting.add(jobId)) {
            return;
        }
        runner.submit(() -> {
            waiting.remove(jobId);
            try {
                run(jobId);
            } catch (RuntimeException failed) {
                LOG.errorf(failed, "replay job %d stopped", jobId);
            }
        });
    }

    /**
     * Runs the job's pending items; claims the job first, so it never runs twice, on this instance or another. The
     * items are spread over {@code ledgerbridge.replay.parallelism} lanes by business key: the dead letters of one
     * record replay in order on one lane (an older version never overtakes a newer one), different records in
     * parallel. All lanes share the job's rate.
     */
    void run(long jobId) {
        int claimed = QuarkusTransaction.requiringNew().call(() -> ReplayJob.update(
                "status = ?1, startedAt = ?2, claimedBy = ?3 where id = ?4 and status = ?5", ReplayJob.Status.RUNNING,
                StoreTime.now(), instances.id(), jobId, ReplayJob.Status.QUEUED));
        if (claimed == 0) {
            return;
        }
        ReplayJob job = get(jobId);
        String actor = "replay-job/" + jobId + " for " + job.requestedBy;
        Pacer pacer = new Pacer(job.ratePerSecond);
        List<List<Pending>> lanes = lanes(jobId, config.replay().parallelism());
        ExecutorService workers = BackgroundWorker.pool("ledgerbridge-replay-job-" + jobId, lanes.size());
        try {
            List<Future<Boolean>> running = new ArrayList<>();
            for (List<Pending> lane : lanes) {
                running.add(workers.submit(() -> replayLane(lane, actor, pacer)));
            }
            boolean finished = true;
            for (Future<Boolean> lane : running) {
                finished &= lane.get();
            }
            if (!finished) {
                // stopped with items pending (the service is shutting down): the job stays RUNNING under this
                // instance, and another instance, or this service's next one, takes it over once its beat stops
                LOG.infof("replay job %d stopped with items pending; it is taken over after this instance stops", jobId);
                return;
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException failed) {
            throw new IllegalStateException("replay job " + jobId + ": a lane stopped", failed.getCause());
        } finally {
            workers.shutdownNow();
        }
        QuarkusTransaction.requiringNew().run(() -> ReplayJob.update("status = ?1, finishedAt = ?2 where id = ?3",
                ReplayJob.Status.COMPLETED, StoreTime.now(), jobId));
        audit.record(actor, "bulk-replay-finished", "replay-job/" + jobId, view(jobId, false).outcomes().toString(),
                "COMPLETED");
    }

    /** A pending item and the record its dead letter belongs to. */
    private record Pending(long itemId, long deadLetterId, String businessKey) {
    }

    /** The job's pending items in lanes by business key, each lane in item order; no more lanes than items. */
    private static List<List<Pending>> lanes(long jobId, int parallelism) {
        List<Pending> pending = QuarkusTransaction.requiringNew().call(() -> ReplayJobItem.getEntityManager()
                .createQuery("select i.id, i.deadLetterId, d.businessKey from ReplayJobItem i, DeadLetter d"
                        + " where d.id = i.deadLetterId and i.jobId = :job and i.outcome = :pending order by i.id",
                        Object[].class)
                .setParameter("job", jobId).setParameter("pending", ReplayJobItem.PENDING).getResultList().stream()
                .map(row -> new Pending((Long) row[0], (Long) row[1], (String) row[2])).toList());
        int count = Math.max(1, Math.min(parallelism, pending.size()));
        List<List<Pending>> lanes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lanes.add(new ArrayList<>());
        }
        for (Pending item : pending) {
            Object record = item.businessKey() != null ? item.businessKey() : item.deadLetterId();
            lanes.get(Math.floorMod(record.hashCode(), count)).add(item);
        }
        return lanes;
    }

    /** Replays a lane's items in order; false when stopped before the end. */
    private boolean replayLane(List<Pending> lane, String actor, Pacer pacer) {
        for (Pending item : lane) {
            if (!pacer.await()) {
                return false;
            }
            try {
                // the item's outcome commits with the replay's
                deadLetters.replay(item.deadLetterId(), null, actor, (outcome, detail) -> end(item, outcome.name(),
                        detail));
            } catch (ProblemException refused) {
                QuarkusTransaction.requiringNew().run(() -> end(item, ReplayJobItem.REFUSED,
                        refused.problem().detail()));
            }
        }
        return true;
    }

    private static void end(Pending item, String outcome, String detail) {
        StoreSql.update("update replay_job_item set outcome = ?, detail = ?, finished_at = ? where id = ?", outcome,
                detail, StoreTime.now(), item.itemId());
    }

    /** The job's rate over all its lanes: each replay takes the next free slot (0: no limit). */
    private static final class Pacer {
        private final long interval;
        private long next = System.nanoTime();

        Pacer(int ratePerSecond) {
            this.interval = ratePerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) / ratePerSecond : 0;
        }

        /** Waits for the next slot; false when the job is being stopped. */
        boolean await() {
            if (interval == 0) {
                return !Thread.currentThread().isInterrupted();
            }
            long slot;
            synchronized (this) {
                slot = Math.max(next, System.nanoTime());
                next = slot + interval;
            }
            try {
                long wait = slot - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }

}
