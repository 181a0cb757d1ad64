package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes handed in while a commit runs are committed together in the next transaction; each caller returns once its
 * own write is committed and visible, and a write that fails the group's transaction fails only its own caller.
 * While writes come in a crowd, a group waits (lingers) for more; a write that comes alone is not held.
 */
@QuarkusTest
class GroupCommitTest {

    static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L * 1_000);

    @Inject
    EntityManager store;

    ExecutorService callers = Executors.newFixedThreadPool(12);

    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeAll
    static void probeTable() {
        QuarkusTransaction.requiringNew().run(() -> io.ledgerbridge.sync.SyncRecord.getEntityManager()
                .createNativeQuery("create table if not exists group_commit_probe (id bigint primary key, "
                        + "caller varchar(64) not null)").executeUpdate());
    }

    @AfterAll
    static void dropProbeTable() {
        QuarkusTransaction.requiringNew().run(() -> io.ledgerbridge.sync.SyncRecord.getEntityManager()
                .createNativeQuery("drop table if exists group_commit_probe").executeUpdate());
    }

    /** A write: one probe row; the first write of a test blocks its group until released. */
    record Probe(long id, String caller) {
    }

    /** A group commit of probe rows whose first group, once begun ({@code begun}), waits for {@code release}. */
    GroupCommit<Probe> probes(CountDownLatch begun, CountDownLatch release) {
        return probes(begun, release, 1);
    }

    GroupCommit<Probe> probes(CountDownLatch begun, CountDownLatch release, int concurrent) {
        return new GroupCommit<>("probes", 100, concurrent, group -> {
            if (begun.getCount() > 0) {
                begun.countDown();
                awaitLatch(release);
            }
            insert(group);
        }, metrics);
    }

    @Test
    void writesHandedInWhileACommitRunsAreCommittedTogetherAndVisibleWhenTheirCallersReturn() throws Exception {
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Probe> commits = probes(begun, release);
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        long firstId = IDS.getAndAdd(100);
        done.add(callers.submit(() -> commitAndLook(commits, new Probe(firstId, "leader"), visibleOnReturn)));
        // the leader's group is in its transaction (held there): the next eight wait for the one after it
        awaitLatch(begun);
        for (int i = 1; i <= 8; i++) {
            long id = firstId + i;
            done.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "follower"), visibleOnReturn)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 8);
        release.countDown();
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }

        assertThat(visibleOnReturn).hasSize(9).doesNotContainValue(false);
        DistributionSummary sizes = metrics.get("ledgerbridge.store.group.size").summary();
        assertThat(sizes.count()).as("transactions").isEqualTo(2);
        assertThat(sizes.max()).as("the followers' group").isEqualTo(8);
        assertThat(rows(firstId, firstId + 8)).isEqualTo(9);
    }

    @Test
    void aWriteThatFailsItsGroupFailsOnlyItsOwnCaller() throws Exception {
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Probe> commits = probes(begun, release);
        long firstId = IDS.getAndAdd(100);
        QuarkusTransaction.requiringNew().run(() -> store
                .createNativeQuery("insert into group_commit_probe (id, caller) values (?1, 'earlier')")
                .setParameter(1, firstId + 3).executeUpdate());
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();
        Future<?> leader = callers.submit(() -> commitAndLook(commits, new Probe(firstId, "leader"), visibleOnReturn));
        awaitLatch(begun);
        Map<Long, Future<?>> followers = new ConcurrentHashMap<>();
        for (int i = 1; i <= 5; i++) {
            long id = firstId + i;
            // firstId + 3 is taken already: its insert breaks the group's transaction
            followers.put(id, callers.submit(() -> commitAndLook(commits, new Probe(id, "follower"), visibleOnReturn)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 5);
        release.countDown();
        leader.get(30, TimeUnit.SECONDS);

        List<Long> failed = new ArrayList<>();
        for (Map.Entry<Long, Future<?>> follower : followers.entrySet()) {
            try {
                follower.getValue().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failed.add(follower.getKey());
            }
        }
        assertThat(failed).containsExactly(firstId + 3);
        assertThat(metrics.get("ledgerbridge.store.group.retried").counter().count()).isEqualTo(1);
        assertThat(visibleOnReturn).containsOnlyKeys(firstId, firstId + 1, firstId + 2, firstId + 4, firstId + 5)
                .doesNotContainValue(false);
        assertThat(rows(firstId, firstId + 5)).as("4 followers, the leader and the earlier row").isEqualTo(6);
        assertThat(QuarkusTransaction.requiringNew().call(() -> store
                .createNativeQuery("select caller from group_commit_probe where id = ?1")
                .setParameter(1, firstId + 3).getSingleResult())).isEqualTo("earlier");
    }

    @Test
    void withRoomForTwoCommitsASecondGroupCommitsWhileTheFirstIsStillRunning() throws Exception {
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Probe> commits = probes(begun, release, 2);
        long firstId = IDS.getAndAdd(100);
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();
        Future<?> held = callers.submit(() -> commitAndLook(commits, new Probe(firstId, "held"), visibleOnReturn));
        awaitLatch(begun);
        // the first group is held in its transaction: the next write does not wait for it
        callers.submit(() -> commitAndLook(commits, new Probe(firstId + 1, "second"), visibleOnReturn))
                .get(30, TimeUnit.SECONDS);
        assertThat(visibleOnReturn).containsOnlyKeys(firstId + 1);
        assertThat(held).isNotDone();
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
        assertThat(visibleOnReturn).containsOnlyKeys(firstId, firstId + 1).doesNotContainValue(false);
    }

    @Test
    void manyCallersWithRoomForTwoCommitsEachWriteOnceAndNoTransactionIsEmpty() throws Exception {
        GroupCommit<Probe> commits = new GroupCommit<>("probes", 100, 2, this::insert, metrics);
        long firstId = IDS.getAndAdd(1_000);
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        for (int caller = 0; caller < 12; caller++) {
            long base = firstId + caller * 50L;
            done.add(callers.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    commitAndLook(commits, new Probe(base + i, "caller"), visibleOnReturn);
                }
            }));
        }
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        assertThat(visibleOnReturn).hasSize(600).doesNotContainValue(false);
        assertThat(rows(firstId, firstId + 599)).isEqualTo(600);
        DistributionSummary sizes = metrics.get("ledgerbridge.store.group.size").summary();
        assertThat(sizes.totalAmount()).isEqualTo(600);
        // a caller whose write is in another's commit waits for it: it never opens a transaction of its own for nothing
        assertThat(sizes.count()).as("transactions").isLessThanOrEqualTo(600);
        assertThat(sizes.max()).as("largest group").isGreaterThan(1);
    }

    @Test
    void whileWritesComeInACrowdAGroupWaitsForMoreAndALoneWriteIsNotHeld() throws Exception {
        // a linger far longer than the test: only a full group (3) ends it
        List<Integer> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
        GroupCommit<Probe> commits = new GroupCommit<>("probes", 3, 1, Duration.ofMinutes(5), group -> {
            groups.add(group.size());
            if (hold.getAndSet(false)) {
                begun.countDown();
                awaitLatch(release);
            }
            insert(group);
        }, metrics);
        long firstId = IDS.getAndAdd(100);
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();

        // alone: committed at once
        callers.submit(() -> commitAndLook(commits, new Probe(firstId, "alone"), visibleOnReturn))
                .get(30, TimeUnit.SECONDS);
        // a crowd: two writes wait while a group is held in its transaction, and are committed together
        hold.set(true);
        Future<?> held = callers.submit(() -> commitAndLook(commits, new Probe(firstId + 1, "held"), visibleOnReturn));
        awaitLatch(begun);
        List<Future<?>> crowd = new ArrayList<>();
        for (int i = 2; i <= 3; i++) {
            long id = firstId + i;
            crowd.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "crowd"), visibleOnReturn)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 2);
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
        for (Future<?> future : crowd) {
            future.get(30, TimeUnit.SECONDS);
        }
        // after a crowd the next write waits for more: the two after it join its group, which commits when full
        Future<?> lingering = callers.submit(() -> commitAndLook(commits, new Probe(firstId + 4, "next"),
                visibleOnReturn));
        await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 1);
        assertThat(lingering).isNotDone();
        List<Future<?>> joining = new ArrayList<>();
        for (int i = 5; i <= 6; i++) {
            long id = firstId + i;
            joining.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "joining"), visibleOnReturn)));
        }
        lingering.get(30, TimeUnit.SECONDS);
        for (Future<?> future : joining) {
            future.get(30, TimeUnit.SECONDS);
        }
        assertThat(groups).containsExactly(1, 1, 2, 3);
        assertThat(visibleOnReturn).hasSize(7).doesNotContainValue(false);
    }

    @Test
    void withRoomForTwoCommitsALingeringCommitWhoseWritesAnotherTookEndsAtOnceAndEmpty() throws Exception {
        // two commits at a time, a linger far longer than the test: only a full group (3) ends it
        List<Integer> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.BlockingQueue<CountDownLatch> holds = new java.util.concurrent.LinkedBlockingQueue<>();
        CountDownLatch begun = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        GroupCommit<Probe> commits = new GroupCommit<>("probes", 3, 2, Duration.ofMinutes(5), group -> {
            groups.add(group.size());
            if (holds.poll() != null) {
                begun.countDown();
                awaitLatch(release);
            }
            insert(group);
        }, metrics);
        long firstId = IDS.getAndAdd(100);
        Map<Long, Boolean> visibleOnReturn = new ConcurrentHashMap<>();
        // a crowd: both commits held in their transactions, two writes wait and are then committed together
        holds.add(release);
        holds.add(release);
        List<Future<?>> first = new ArrayList<>();
        for (int i = 0; i <= 1; i++) {
            long id = firstId + i;
            first.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "held"), visibleOnReturn)));
        }
        awaitLatch(begun);
        for (int i = 2; i <= 3; i++) {
            long id = firstId + i;
            first.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "crowd"), visibleOnReturn)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == 2);
        release.countDown();
        for (Future<?> future : first) {
            future.get(30, TimeUnit.SECONDS);
        }
        // two commits linger, each with one write; the third write fills a group: one commits all three, the other
        // stops lingering (its write is committed) without a transaction of its own
        List<Future<?>> next = new ArrayList<>();
        for (int i = 4; i <= 6; i++) {
            long id = firstId + i;
            next.add(callers.submit(() -> commitAndLook(commits, new Probe(id, "next"), visibleOnReturn)));
            int waiting = i - 3;
            if (i < 6) {
                await().atMost(Duration.ofSeconds(20)).until(() -> commits.waiting() == waiting);
            }
        }
        for (Future<?> future : next) {
            future.get(30, TimeUnit.SECONDS);
        }
        assertThat(groups).containsExactly(1, 1, 2, 3);
        assertThat(visibleOnReturn).hasSize(7).doesNotContainValue(false);
    }

    /** Inserts the group's probe rows (inside the group commit's transaction). */
    void insert(List<Probe> group) {
        for (Probe probe : group) {
            store.createNativeQuery("insert into group_commit_probe (id, caller) values (?1, ?2)")
                    .setParameter(1, probe.id()).setParameter(2, probe.caller()).executeUpdate();
        }
    }

    void commitAndLook(GroupCommit<Probe> commits, Probe probe, Map<Long, Boolean> visibleOnReturn) {
        commits.commit(probe);
        visibleOnReturn.put(probe.id(), rows(probe.id(), probe.id()) == 1);
    }

    long rows(long from, long to) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) store
                .createNativeQuery("select count(*) from group_commit_probe where id between ?1 and ?2")
                .setParameter(1, from).setParameter(2, to).getSingleResult()).longValue());
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
