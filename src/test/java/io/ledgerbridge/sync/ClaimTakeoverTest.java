package io.ledgerbridge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A posting claimed by an attempt that can no longer finish it is taken over at once (same idempotency key); one
 * held by a live instance is waited for, never skipped: the redelivered message must not be dropped on the word of
 * a holder that may yet fail.
 */
@QuarkusTest
class ClaimTakeoverTest {

    static final String FLOW = "approved-time-to-erp";
    static final String VERSION = "2026-11-20T10:15:00Z";

    @Inject
    SyncRecords syncRecords;

    @Inject
    Instances instances;

    @Inject
    CamelContext camel;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aClaimOfThisInstanceWhoseExchangeEndedIsTakenOver() {
        long entry = TimeEntryFixtures.nextId();
        // e.g. the store went away after the claim: the exchange failed and could not release it
        Long record = claimedBy(entry, instances.id());
        Exchange redelivered = exchange(entry);
        syncRecords.claim(redelivered, "TIME_ENTRY", "erp");
        assertThat(redelivered.getMessage().getHeader(FlowHeaders.SYNC_ACTION)).isEqualTo("CREATE");
        assertThat(redelivered.getMessage().getHeader(FlowHeaders.SYNC_RECORD_ID)).isEqualTo(record);
        assertThat(redelivered.getMessage().getHeader(FlowHeaders.IDEMPOTENCY_KEY))
                .isEqualTo("harvest-" + entry + "-20261120T101500Z");
        assertThat(attempts(record)).isEqualTo(2);
    }

    @Test
    void aClaimOfThisInstanceStillInFlightIsWaitedFor() {
        long entry = TimeEntryFixtures.nextId();
        Exchange first = exchange(entry);
        syncRecords.claim(first, "TIME_ENTRY", "erp");
        assertThatThrownBy(() -> syncRecords.claim(exchange(entry), "TIME_ENTRY", "erp")).isInstanceOf(ClaimHeld.class)
                .hasMessageContaining("another exchange of this instance");
        // the first exchange ends without completing (its failure was not recorded): the next delivery takes over
        first.setException(new IllegalStateException("the store went away"));
        org.apache.camel.support.UnitOfWorkHelper.doneSynchronizations(first, first.getExchangeExtension().handoverCompletions());
        Exchange next = exchange(entry);
        syncRecords.claim(next, "TIME_ENTRY", "erp");
        assertThat(next.getMessage().getHeader(FlowHeaders.SYNC_ACTION)).isEqualTo("CREATE");
    }

    @Test
    void aClaimOfAKilledInstanceIsTakenOverAndOneOfALiveInstanceIsWaitedFor() {
        long entry = TimeEntryFixtures.nextId();
        Long record = claimedBy(entry, "pod-a-live");
        Store.beat("pod-a-live", StoreTime.now());
        assertThatThrownBy(() -> syncRecords.claim(exchange(entry), "TIME_ENTRY", "erp")).isInstanceOf(ClaimHeld.class)
                .hasMessageContaining("instance pod-a-live");
        assertThat(attempts(record)).isEqualTo(1);

        // pod-a stops beating (kill -9): three beats later its claim is taken over, long before the lease ends
        Store.beat("pod-a-live", StoreTime.now().minus(Duration.ofSeconds(16)));
        Exchange redelivered = exchange(entry);
        syncRecords.claim(redelivered, "TIME_ENTRY", "erp");
        assertThat(redelivered.getMessage().getHeader(FlowHeaders.SYNC_ACTION)).isEqualTo("CREATE");
        assertThat(attempts(record)).isEqualTo(2);

        long other = TimeEntryFixtures.nextId();
        claimedBy(other, "pod-never-seen");
        Exchange orphan = exchange(other);
        syncRecords.claim(orphan, "TIME_ENTRY", "erp");
        assertThat(orphan.getMessage().getHeader(FlowHeaders.SYNC_ACTION)).isEqualTo("CREATE");
    }

    @Test
    void concurrentClaimsAreDecidedAsIfOneAfterAnother() throws Exception {
        // claims handed in together are decided in one transaction: the same version twice in such a group must
        // still give one posting, and different records each their own
        long twice = TimeEntryFixtures.nextId();
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            others.add(TimeEntryFixtures.nextId());
        }
        ExecutorService exchanges = Executors.newFixedThreadPool(12);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Map<Exchange, Future<String>> claims = new LinkedHashMap<>();
            List<Long> entries = new ArrayList<>(others);
            for (int i = 0; i < 6; i++) {
                entries.add(twice);
            }
            for (long entry : entries) {
                Exchange exchange = exchange(entry);
                claims.put(exchange, exchanges.submit(() -> {
                    start.await();
                    try {
                        syncRecords.claim(exchange, "TIME_ENTRY", "erp");
                        return exchange.getMessage().getHeader(FlowHeaders.SYNC_ACTION, String.class);
                    } catch (ClaimHeld held) {
                        return "HELD";
                    }
                }));
            }
            start.countDown();
            Map<String, List<Long>> outcomes = new HashMap<>();
            for (Map.Entry<Exchange, Future<String>> claim : claims.entrySet()) {
                outcomes.computeIfAbsent(claim.getValue().get(30, TimeUnit.SECONDS), k -> new ArrayList<>())
                        .add(Long.valueOf(claim.getKey().getMessage().getHeader(FlowHeaders.SOURCE_ID, String.class)));
            }
            assertThat(outcomes.get("CREATE")).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.Stream.concat(others.stream(), java.util.stream.Stream.of(twice)).toList());
            assertThat(outcomes.get("HELD")).hasSize(5).containsOnly(twice);
        } finally {
            exchanges.shutdownNow();
        }
    }

    @Test
    void aVersionAnotherWorkerInsertsBeforeOurInsertIsDecidedAgainOnItsRow() throws Exception {
        // a group's new sync records are inserted when the group ends (one JDBC batch): a worker elsewhere that
        // inserted the same version after our read fails our insert there, and the claim is decided again on its row
        long entry = TimeEntryFixtures.nextId();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (Connection racer = dataSource.getConnection()) {
            racer.setAutoCommit(false);
            long racerRecord;
            try (PreparedStatement insert = racer.prepareStatement("insert into sync_record (flow, entity_type, "
                    + "source_system, source_id, source_version, business_key, target_system, payload_hash, status, "
                    + "attempts, claimed_until, claimed_by, created_at, updated_at) values (?, 'TIME_ENTRY', 'harvest', "
                    + "?, ?, ?, 'erp', 'racer', 'IN_PROGRESS', 1, now() + interval '2 minutes', 'pod-gone', now(), "
                    + "now()) returning id")) {
                insert.setString(1, FLOW);
                insert.setString(2, String.valueOf(entry));
                insert.setString(3, VERSION);
                insert.setString(4, "harvest:time-entry:" + entry);
                try (ResultSet key = insert.executeQuery()) {
                    key.next();
                    racerRecord = key.getLong(1);
                }
            }
            Exchange ours = exchange(entry);
            Future<?> claimed = worker.submit(() -> syncRecords.claim(ours, "TIME_ENTRY", "erp"));
            // our insert waits for the racer's uncommitted row of the same version (the unique constraint)
            await().atMost(Duration.ofSeconds(20)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                    ((Number) SyncRecord.getEntityManager().createNativeQuery(
                            "select count(*) from pg_locks where not granted").getSingleResult()).longValue() > 0));
            racer.commit();
            claimed.get(30, TimeUnit.SECONDS);
            // the racer's claim is of an instance that never beat: taken over, under the same record
            assertThat(ours.getMessage().getHeader(FlowHeaders.SYNC_ACTION)).isEqualTo("CREATE");
            assertThat(ours.getMessage().getHeader(FlowHeaders.SYNC_RECORD_ID)).isEqualTo(racerRecord);
            assertThat(attempts(racerRecord)).isEqualTo(2);
            assertThat(QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("sourceId", String.valueOf(entry))))
                    .isEqualTo(1);
        } finally {
            worker.shutdownNow();
        }
    }

    private Exchange exchange(long entry) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(FlowHeaders.FLOW, FLOW);
        exchange.getMessage().setHeader(FlowHeaders.SOURCE_SYSTEM, "harvest");
        exchange.getMessage().setHeader(FlowHeaders.SOURCE_ID, String.valueOf(entry));
        exchange.getMessage().setHeader(FlowHeaders.SOURCE_VERSION, VERSION);
        exchange.getMessage().setHeader(FlowHeaders.BUSINESS_KEY, "harvest:time-entry:" + entry);
        exchange.getMessage().setBody("{\"id\": " + entry + "}");
        return exchange;
    }

    /** An IN_PROGRESS claim of this version with a lease of two minutes ahead, held by {@code instance}. */
    private Long claimedBy(long entry, String instance) {
        Instant now = StoreTime.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            SyncRecord record = new SyncRecord();
            record.flow = FLOW;
            record.entityType = "TIME_ENTRY";
            record.sourceSystem = "harvest";
            record.sourceId = String.valueOf(entry);
            record.sourceVersion = VERSION;
            record.businessKey = "harvest:time-entry:" + entry;
            record.targetSystem = "erp";
            record.payloadHash = "test";
            record.status = SyncRecord.Status.IN_PROGRESS;
            record.attempts = 1;
            record.claimedUntil = now.plus(Duration.ofMinutes(2));
            record.claimedBy = instance;
            record.createdAt = now;
            record.updatedAt = now;
            record.persist();
            return record.id;
        });
    }


    private static int attempts(Long record) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.<SyncRecord>findById(record).attempts);
    }
}
