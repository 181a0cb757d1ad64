package io.ledgerbridge.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit: the writes that concurrent callers hand in at about the same time are committed in one transaction,
 * by one set-based piece of work, and each caller returns only once its own write has committed (or failed). A
 * caller that finds fewer than {@code maxConcurrent} commits running commits everything waiting, its own write
 * included; the others wait for the commit that takes theirs. If a group's transaction fails, each write of it is
 * committed again on its own, so a bad write fails only its own caller.
 *
 * <p>While writes come in a crowd (the last group took more than one), a caller about to commit first waits up to
 * {@code linger} for more to join its group, as PostgreSQL's {@code commit_delay} does for the WAL flush: a busy flow
 * then commits a few large groups instead of many small ones. A write that comes alone is not held.
 *
 * <p>The semantics for a caller are those of its own transaction; what changes is how many transactions, statements
 * and round trips a busy flow costs the store.
 *
 * @param <T> what one caller hands in
 */
public final class GroupCommit<T> {

    /** One caller's write and what became of it. */
    private static final class Pending<T> {
        final T item;
        boolean done;
        RuntimeException failure;

        Pending(T item) {
            this.item = item;
        }
    }

    private final int maxGroup;
    private final int maxConcurrent;
    private final Consumer<List<T>> work;
    private final DistributionSummary sizes;
    private final Counter retried;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition groupDone = lock.newCondition();
    private final Condition groupFull = lock.newCondition();
    private final long lingerNanos;
    /** Whether the last group took more than one write: then the next waits {@link #lingerNanos} for more. */
    private boolean crowded;
    private final ArrayDeque<Pending<T>> waiting = new ArrayDeque<>();
    /** Groups being committed now; at most {@link #maxConcurrent}. */
    private int committing;

    /**
     * @param name what the group commits, the {@code group} tag of its metrics
     * @param maxGroup the most writes one transaction takes
     * @param maxConcurrent the most groups committed at the same time (the store works on several transactions at
     *        once; one at a time would make the store's work of all flows single-threaded)
     * @param work writes a group inside the transaction the group commit opens (must not open its own)
     * @param registry where {@code ledgerbridge.store.group.size} (writes per transaction) and
     *        {@code ledgerbridge.store.group.retried} (groups committed again one by one) are kept
     */
    public GroupCommit(String name, int maxGroup, int maxConcurrent, Consumer<List<T>> work, MeterRegistry registry) {
        this(name, maxGroup, maxConcurrent, Duration.ZERO, work, registry);
    }

    /**
     * A group commit whose groups, while writes come in a crowd, wait up to {@code linger} for more writes to join
     * them (see the class comment); the other parameters as above.
     */
    public GroupCommit(String name, int maxGroup, int maxConcurrent, Duration linger, Consumer<List<T>> work,
            MeterRegistry registry) {
        if (maxGroup < 1 || maxConcurrent < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("maxGroup and maxConcurrent must be at least 1, linger not negative");
        }
        this.lingerNanos = linger.toNanos();
        this.maxGroup = maxGroup;
        this.maxConcurrent = maxConcurrent;
        this.work = work;
        this.sizes = DistributionSummary.builder("ledgerbridge.store.group.size").tag("group", name)
                .description("writes committed by one transaction of a group commit").register(registry);
        this.retried = Counter.builder("ledgerbridge.store.group.retried").tag("group", name)
                .description("groups whose transaction failed, committed again one write at a time")
                .register(registry);
    }

    /** Commits {@code item} with whatever else is waiting; returns once it is committed, throws what failed it. */
    public void commit(T item) {
        Pending<T> mine = new Pending<>(item);
        lock.lock();
        try {
            waiting.add(mine);
            if (waiting.size() >= maxGroup) {
                groupFull.signal();
            }
            while (!mine.done) {
                if (committing >= maxConcurrent || waiting.isEmpty()) {
                    // all commits are taken, or ours is in one of them (nothing waits): wait for a commit to end;
                    // then ours is done, or one of us leads the next
                    groupDone.awaitUninterruptibly();
                    continue;
                }
                committing++;
                if (crowded && lingerNanos > 0) {
                    linger();
                    if (waiting.isEmpty()) {
                        // another commit took the writes (ours too) while this one lingered: nothing to commit
                        committing--;
                        groupDone.signalAll();
                        continue;
                    }
                }
                List<Pending<T>> group = new ArrayList<>(Math.min(maxGroup, waiting.size()));
                while (group.size() < maxGroup && !waiting.isEmpty()) {
                    group.add(waiting.poll());
                }
                crowded = group.size() > 1;
                groupFull.signalAll(); // another commit lingering for these writes looks again
                lock.unlock();
                try {
                    commitGroup(group);
                } finally {
                    lock.lock();
                    committing--;
                    groupDone.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Holding the lock: waits up to the linger, until a full group waits, or until another commit took them. */
    private void linger() {
        long left = lingerNanos;
        while (left > 0 && !waiting.isEmpty() && waiting.size() < maxGroup) {
            try {
                left = groupFull.awaitNanos(left);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void commitGroup(List<Pending<T>> group) {
        try {
            List<T> items = new ArrayList<>(group.size());
            group.forEach(pending -> items.add(pending.item));
            QuarkusTransaction.requiringNew().run(() -> work.accept(items));
            sizes.record(items.size());
            settle(group, null);
        } catch (RuntimeException groupFailed) {
            if (group.size() == 1) {
                settle(group, groupFailed);
                return;
            }
            // which write failed the group: each again on its own
            retried.increment();
            for (Pending<T> pending : group) {
                try {
                    QuarkusTransaction.requiringNew().run(() -> work.accept(List.of(pending.item)));
                    sizes.record(1);
                    settle(List.of(pending), null);
                } catch (RuntimeException failed) {
                    settle(List.of(pending), failed);
                }
            }
        } catch (Error fatal) {
            settle(group, new IllegalStateException("the group commit failed: " + fatal, fatal));
            throw fatal;
        }
    }

    private void settle(List<Pending<T>> group, RuntimeException failure) {
        lock.lock();
        try {
            for (Pending<T> pending : group) {
                pending.failure = failure;
                pending.done = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes handed in and not yet taken by a commit. */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }
}
