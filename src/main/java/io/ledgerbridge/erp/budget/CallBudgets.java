package io.ledgerbridge.erp.budget;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.config.LedgerbridgeConfig.Erp.CallBudget;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.store.StoreTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/**
 * The ERP vendors' published call limits, kept per account (a Xero organisation, a Business Central company) by
 * every instance together in the store, so that calls wait for their turn instead of being refused with 429.
 * <p>
 * Each account has a token bucket in table {@code erp_call_budget}: it holds at most {@code burst} calls and refills
 * at {@code (calls - burst) / window}, so that no rolling window of the vendor's length holds more than
 * {@code calls} (the most any window can see is the burst plus one window's refill). A call takes a token by a
 * compare-and-set of the row, and takes one for each call of the instance waiting behind it as far as the bucket
 * has them (one compare-and-set for a busy instance's calls, not one each); none left: it waits for the next one. A
 * day limit is counted per UTC day; spent, calls wait for the next day, visible as {@code ledgerbridge.erp.budget.day.exhausted} and in
 * {@code GET /admin/erp/budgets}, and nothing is dead-lettered for it. The vendor's remaining-limit headers (Xero's
 * {@code X-MinLimit-Remaining}, {@code X-DayLimit-Remaining}) correct the budget when other clients of the account
 * spend it too.
 * <p>
 * Waiting calls of one instance go in priority order (header {@link ErpCall#CALL_PRIORITY}, lower first: invoices
 * and their status before set-up, set-up before time and expenses, replays after live work;
 * {@code ledgerbridge.erp.priorities}); at most {@code concurrent} calls per account are in flight per instance.
 */
@ApplicationScoped
@Named("callBudgets")
public class CallBudgets {

    /**
     * Gauges with a series per ERP account, registered when the account's budget is first used (so absent from a
     * service that has not called an ERP yet).
     */
    public static final java.util.List<String> PER_ACCOUNT_GAUGES = java.util.List.of(
            "ledgerbridge_erp_budget_waiting", "ledgerbridge_erp_budget_day_exhausted",
            "ledgerbridge_erp_budget_day_used");

    private static final Logger LOG = Logger.getLogger(CallBudgets.class);
    private static final long SLICE_MILLIS = 1_000;
    /** The most tokens one compare-and-set takes for the calls waiting together. */
    private static final int MAX_TAKEN = 16;

    private final Map<String, CallBudget> limits;
    private final EntityManager store;
    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    CallBudgets(LedgerbridgeConfig config, EntityManager store, DataSource dataSource, MeterRegistry registry) {
        this.limits = config.erp().budgets();
        this.store = store;
        this.dataSource = dataSource;
        this.registry = registry;
    }

    /** What an account's budget looks like now, for the admin API. */
    public record View(String account, String system, int calls, Duration window, int burst, int perDay,
            BigDecimal tokens, LocalDate day, int dayUsed, int waiting, long waitedMillis, boolean dayExhausted) {
    }

    /**
     * One waiting call: lower priority first, then first come. {@code thread} is woken when its turn comes or when
     * the call before it took a token for it too ({@code granted}).
     */
    private static final class Waiter implements Comparable<Waiter> {
        final int priority;
        final long seq;
        final Thread thread = Thread.currentThread();
        volatile boolean granted;

        Waiter(int priority, long seq) {
            this.priority = priority;
            this.seq = seq;
        }

        @Override
        public int compareTo(Waiter other) {
            return priority != other.priority ? Integer.compare(priority, other.priority)
                    : Long.compare(seq, other.seq);
        }
    }

    /** What one compare-and-set of the bucket gave: {@code tokens} taken, else the milliseconds until the next. */
    private record Grant(int tokens, long waitMillis) {
    }

    /** One account's local side: its waiting calls, its calls in flight, its figures. */
    private final class Account {
        final String key;
        final String system;
        final CallBudget limit;
        final ConcurrentSkipListSet<Waiter> waiters = new ConcurrentSkipListSet<>();
        /** Held by the call taking tokens for the waiting ones: one at a time per instance, none taken twice. */
        final ReentrantLock taking = new ReentrantLock();
        final AtomicLong sequence = new AtomicLong();
        final Semaphore inFlight;
        final Counter waited;
        final Counter calls;
        volatile boolean dayExhausted;
        volatile int dayUsedSeen;
        volatile boolean rowKnown;

        Account(String key, String system, CallBudget limit) {
            this.key = key;
            this.system = system;
            this.limit = limit;
            this.inFlight = new Semaphore(limit.concurrent(), true);
            Gauge.builder("ledgerbridge.erp.budget.waiting", waiters, java.util.Set::size)
                    .description("ERP calls of this instance waiting for the account's call budget")
                    .tag("system", system).tag("account", key).register(registry);
            Gauge.builder("ledgerbridge.erp.budget.day.exhausted", this, a -> a.dayExhausted ? 1 : 0)
                    .description("1 while the account's day limit is spent: its calls wait for the next day")
                    .tag("system", system).tag("account", key).register(registry);
            Gauge.builder("ledgerbridge.erp.budget.day.used", this, a -> a.dayUsedSeen)
                    .description("calls of the account today (UTC), as the store counts them")
                    .tag("system", system).tag("account", key).register(registry);
            this.waited = Counter.builder("ledgerbridge.erp.budget.waited.seconds")
                    .description("time ERP calls waited for the account's call budget")
                    .tag("system", system).tag("account", key).register(registry);
            this.calls = Counter.builder("ledgerbridge.erp.budget.calls")
                    .description("ERP calls that took a token of the account's call budget")
                    .tag("system", system).tag("account", key).register(registry);
        }
    }

    private Account account(Exchange exchange, String system) {
        CallBudget limit = limits.get(system);
        if (limit == null) {
            return null;
        }
        String key = system + ":" + exchange.getMessage().getHeader(ErpCall.ERP_ACCOUNT, "", String.class);
        return accounts.computeIfAbsent(key, k -> new Account(k, system, limit));
    }

    /**
     * Before one call to the system's API (a step of its API route): waits, in priority order, until the account's
     * budget has a token for it, and takes it. A system without limits passes at once.
     */
    public void acquire(Exchange exchange, String system) throws InterruptedException {
        Account account = account(exchange, system);
        if (account == null) {
            return;
        }
        int priority = exchange.getMessage().getHeader(ErpCall.CALL_PRIORITY, 50, Integer.class);
        Waiter me = new Waiter(priority, account.sequence.incrementAndGet());
        account.waiters.add(me);
        long since = System.nanoTime();
        try {
            while (!me.granted) {
                long park = TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS);
                // the first call without a token takes one for each call waiting, as far as the bucket has them
                if (head(account.waiters) == me && account.taking.tryLock()) {
                    try {
                        if (!me.granted) {
                            Grant grant = take(account, waiting(account.waiters));
                            if (grant.tokens() > 0) {
                                hand(account.waiters, me, grant.tokens());
                            } else {
                                park = TimeUnit.MILLISECONDS.toNanos(Math.min(grant.waitMillis(), SLICE_MILLIS));
                            }
                        }
                    } finally {
                        account.taking.unlock();
                    }
                    if (me.granted) {
                        break;
                    }
                    // none to take: a call that came first meanwhile (a higher priority) may have found the lock taken
                    Waiter head = head(account.waiters);
                    if (head != null && head != me) {
                        LockSupport.unpark(head.thread);
                    }
                }
                // the head waits for the bucket to refill; the others for the head: it wakes them when done
                LockSupport.parkNanos(this, park);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for the ERP call budget");
                }
            }
        } finally {
            account.waiters.remove(me);
            Waiter next = head(account.waiters);
            if (next != null) {
                LockSupport.unpark(next.thread);
            }
            long waitedNanos = System.nanoTime() - since;
            if (waitedNanos > 1_000_000) {
                account.waited.increment(waitedNanos / 1e9);
            }
        }
        account.calls.increment();
    }

    /** The first waiting call without a token (null: none). */
    private static Waiter head(ConcurrentSkipListSet<Waiter> waiters) {
        for (Waiter waiter : waiters) {
            if (!waiter.granted) {
                return waiter;
            }
        }
        return null;
    }

    /** The calls waiting without a token, at most {@link #MAX_TAKEN}. */
    private static int waiting(ConcurrentSkipListSet<Waiter> waiters) {
        int count = 0;
        for (Waiter waiter : waiters) {
            if (!waiter.granted && ++count == MAX_TAKEN) {
                break;
            }
        }
        return Math.max(1, count);
    }

    /** {@code me} has one of the tokens taken; the others go to the next calls waiting, in their order. */
    private static void hand(ConcurrentSkipListSet<Waiter> waiters, Waiter me, int tokens) {
        me.granted = true;
        int left = tokens - 1;
        for (Waiter waiter : waiters) {
            if (left == 0) {
                break;
            }
            if (!waiter.granted) {
                waiter.granted = true;
                left--;
                LockSupport.unpark(waiter.thread);
            }
        }
    }

    /**
     * Takes up to {@code wanted} tokens of the account's shared bucket (at least one), or answers how many
     * milliseconds until the next one (until the next UTC day when the day limit is spent).
     * <p>
     * The bucket's row is read and written back with a compare-and-set in two plain statements of their own (outside
     * any transaction of the caller): it is written only if no instance changed it since it was read, else read
     * again. One call costs two short statements, not a transaction holding the row's lock; calls waiting together
     * share them.
     */
    private Grant take(Account account, int wanted) {
        ensureRow(account);
        return QuarkusTransaction.suspendingExisting().call(() -> {
            try (Connection connection = dataSource.getConnection()) {
                while (true) {
                    Bucket read = Bucket.read(connection, account.key);
                    Bucket next = read.copy();
                    Grant grant = take(account, next, wanted);
                    if (next.writeOver(read, connection, account.key)) {
                        account.dayUsedSeen = next.dayUsed;
                        return grant;
                    }
                    // another call (this instance's or another's) changed the bucket since: read it again
                }
            }
        });
    }

    /** The token bucket arithmetic on one read of the row: changes {@code bucket}, answers what it gave. */
    private Grant take(Account account, Bucket bucket, int wanted) {
        CallBudget limit = account.limit;
        Instant now = StoreTime.now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!today.equals(bucket.budgetDay)) {
            bucket.budgetDay = today;
            bucket.dayUsed = 0;
        }
        double perMilli = ratePerMilli(limit);
        double elapsed = Math.max(0, Duration.between(bucket.refilledAt, now).toNanos() / 1e6);
        double tokens = Math.min(limit.burst(), bucket.tokens.doubleValue() + elapsed * perMilli);
        bucket.refilledAt = now;
        if (limit.perDay() > 0 && bucket.dayUsed >= limit.perDay()) {
            bucket.tokens = decimal(tokens);
            if (!account.dayExhausted) {
                LOG.warnf("ERP account %s spent its day limit of %d calls: its calls wait until %s 00:00 UTC",
                        account.key, limit.perDay(), today.plusDays(1));
            }
            account.dayExhausted = true;
            return new Grant(0, Math.max(1, Duration.between(now, today.plusDays(1).atStartOfDay()
                    .toInstant(ZoneOffset.UTC)).toMillis()));
        }
        account.dayExhausted = false;
        if (tokens >= 1) {
            int taken = Math.min(wanted, (int) Math.floor(tokens));
            if (limit.perDay() > 0) {
                taken = Math.min(taken, limit.perDay() - bucket.dayUsed);
            }
            bucket.tokens = decimal(tokens - taken);
            bucket.dayUsed += taken;
            return new Grant(taken, 0L);
        }
        bucket.tokens = decimal(tokens);
        return new Grant(0, Math.max(1, (long) Math.ceil((1 - tokens) / perMilli)));
    }

    /** One account's row of {@code erp_call_budget} as read, and as it is to be written. */
    private static final class Bucket {
        BigDecimal tokens;
        Instant refilledAt;
        LocalDate budgetDay;
        int dayUsed;
        // the row's values as the store returned them, compared as they are when the row is written back
        private Object[] stored;

        static Bucket read(Connection connection, String key) throws SQLException {
            try (PreparedStatement select = connection.prepareStatement("select tokens, refilled_at, budget_day, "
                    + "day_used from erp_call_budget where account_key = ?")) {
                select.setString(1, key);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new IllegalStateException("no call budget row for " + key);
                    }
                    Bucket bucket = new Bucket();
                    bucket.stored = new Object[] {row.getBigDecimal(1), row.getObject(2, OffsetDateTime.class),
                            row.getObject(3, LocalDate.class), row.getInt(4)};
                    bucket.tokens = (BigDecimal) bucket.stored[0];
                    bucket.refilledAt = ((OffsetDateTime) bucket.stored[1]).toInstant();
                    bucket.budgetDay = (LocalDate) bucket.stored[2];
                    bucket.dayUsed = (Integer) bucket.stored[3];
                    return bucket;
                }
            }
        }

        Bucket copy() {
            Bucket copy = new Bucket();
            copy.tokens = tokens;
            copy.refilledAt = refilledAt;
            copy.budgetDay = budgetDay;
            copy.dayUsed = dayUsed;
            return copy;
        }

        /** Writes this over the row if it still holds what {@code read} saw; answers whether it did. */
        boolean writeOver(Bucket read, Connection connection, String key) throws SQLException {
            try (PreparedStatement update = connection.prepareStatement("update erp_call_budget set tokens = ?, "
                    + "refilled_at = ?, budget_day = ?, day_used = ?, updated_at = ? where account_key = ? and "
                    + "tokens = ? and refilled_at = ? and budget_day = ? and day_used = ?")) {
                OffsetDateTime refilled = refilledAt.atOffset(ZoneOffset.UTC);
                update.setBigDecimal(1, tokens);
                update.setObject(2, refilled);
                update.setObject(3, budgetDay);
                update.setInt(4, dayUsed);
                update.setObject(5, refilled);
                update.setString(6, key);
                update.setBigDecimal(7, (BigDecimal) read.stored[0]);
                update.setObject(8, read.stored[1]);
                update.setObject(9, read.stored[2]);
                update.setInt(10, (Integer) read.stored[3]);
                return update.executeUpdate() == 1;
            }
        }
    }

    private static double ratePerMilli(CallBudget limit) {
        int paced = Math.max(1, limit.calls() - limit.burst());
        return paced / (double) limit.window().toMillis();
    }

    private static BigDecimal decimal(double tokens) {
        return new BigDecimal(tokens, MathContext.DECIMAL64).setScale(6, java.math.RoundingMode.DOWN);
    }

    /** The account's row, created full the first time any instance calls it. */
    private void ensureRow(Account account) {
        if (account.rowKnown) {
            return;
        }
        boolean exists = QuarkusTransaction.requiringNew().call(() -> store.find(ErpCallBudget.class,
                account.key) != null);
        if (exists) {
            account.rowKnown = true;
            return;
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                ErpCallBudget row = new ErpCallBudget();
                row.accountKey = account.key;
                row.tokens = BigDecimal.valueOf(account.limit.burst());
                row.refilledAt = StoreTime.now();
                row.budgetDay = LocalDate.ofInstant(row.refilledAt, ZoneOffset.UTC);
                row.updatedAt = row.refilledAt;
                store.persist(row);
            });
        } catch (RuntimeException anotherInstanceWasFirst) {
            // the primary key says another instance created it a moment ago: use that one
        }
        account.rowKnown = true;
    }

    /**
     * The begin of a call that may wait for the account's budget: at most {@code concurrent} per instance are in
     * flight. Answers whether a permit was taken ({@link #release} it when the call is done).
     */
    public boolean enter(String system, String account) throws InterruptedException {
        CallBudget limit = limits.get(system);
        if (limit == null) {
            return false;
        }
        accounts.computeIfAbsent(system + ":" + account, k -> new Account(k, system, limit)).inFlight.acquire();
        return true;
    }

    public void release(String system, String account) {
        Account known = accounts.get(system + ":" + account);
        if (known != null) {
            known.inFlight.release();
        }
    }

    /**
     * After a call (a step of the API route): the vendor's remaining-limit headers, when it sends them, correct the
     * budget for what other clients of the account spent: fewer calls left this minute than tokens, or more calls
     * made today than counted.
     */
    public void answered(Exchange exchange, String system) {
        Account account = account(exchange, system);
        if (account == null) {
            return;
        }
        Integer minute = exchange.getMessage().getHeader("X-MinLimit-Remaining", Integer.class);
        Integer day = exchange.getMessage().getHeader("X-DayLimit-Remaining", Integer.class);
        int usedByVendor = day == null || account.limit.perDay() == 0 ? -1 : account.limit.perDay() - day;
        boolean fewerThisMinute = minute != null && minute < account.limit.burst();
        if (!fewerThisMinute && usedByVendor <= account.dayUsedSeen) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            ErpCallBudget row = store.find(ErpCallBudget.class, account.key, LockModeType.PESSIMISTIC_WRITE);
            if (row == null) {
                return;
            }
            if (fewerThisMinute && row.tokens.compareTo(BigDecimal.valueOf(minute)) > 0) {
                row.tokens = BigDecimal.valueOf(Math.max(0, minute));
            }
            if (usedByVendor > row.dayUsed && LocalDate.now(ZoneOffset.UTC).equals(row.budgetDay)) {
                row.dayUsed = usedByVendor;
                account.dayUsedSeen = usedByVendor;
            }
            row.updatedAt = StoreTime.now();
        });
    }

    /** Every account's budget as the store holds it, with this instance's waiting calls. */
    public Map<String, View> views() {
        Map<String, View> views = new LinkedHashMap<>();
        QuarkusTransaction.requiringNew().run(() -> store.createQuery("from ErpCallBudget order by accountKey",
                ErpCallBudget.class).getResultList().forEach(row -> {
                    String system = row.accountKey.substring(0, row.accountKey.indexOf(':'));
                    CallBudget limit = limits.get(system);
                    Account local = accounts.get(row.accountKey);
                    views.put(row.accountKey, new View(row.accountKey, system, limit == null ? 0 : limit.calls(),
                            limit == null ? null : limit.window(), limit == null ? 0 : limit.burst(),
                            limit == null ? 0 : limit.perDay(), row.tokens, row.budgetDay, row.dayUsed,
                            local == null ? 0 : local.waiters.size(),
                            local == null ? 0 : (long) (local.waited.count() * 1000),
                            local != null && local.dayExhausted));
                }));
        return views;
    }
}
