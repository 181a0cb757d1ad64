package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerbridge.sync.SyncRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.persistence.PersistenceException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group commits' inserts as JDBC batches ({@link StoreSql#insertAll}): the rows hold what the entities held, their
 * ids come from the same sequence and allocation as Hibernate's and never meet them, and a batch that breaks a
 * constraint fails the caller's transaction as Hibernate's flush would (the claims decide again on it).
 */
@QuarkusTest
class StoreSqlTest {

    static final String FLOW = "store-sql-" + System.nanoTime();

    static final String COLUMNS = "flow, entity_type, source_system, source_id, source_version, business_key, "
            + "payload_hash, status, attempts, claimed_until, created_at, updated_at";

    static final Function<SyncRecord, Object[]> VALUES = r -> new Object[] {r.flow, r.entityType, r.sourceSystem,
            r.sourceId, r.sourceVersion, r.businessKey, r.payloadHash, r.status, r.attempts, r.claimedUntil,
            r.createdAt, r.updatedAt};

    @AfterEach
    void removeRows() {
        QuarkusTransaction.requiringNew().run(() -> SyncRecord.delete("flow", FLOW));
    }

    @Test
    void insertsTheEntitiesWithIdsThatNeverMeetHibernatesAndTheirValuesAsTheyWere() {
        Instant at = Instant.parse("2026-11-30T17:45:12.123456Z");
        List<SyncRecord> batched = new ArrayList<>();
        List<SyncRecord> persisted = new ArrayList<>();
        // twice, so that both allocate more than one block of the sequence (50) between Hibernate's persists
        for (int round = 0; round < 2; round++) {
            int first = round * 1_000;
            QuarkusTransaction.requiringNew().run(() -> {
                persisted.add(persist(record("h-" + first, at)));
                List<SyncRecord> rows = new ArrayList<>();
                for (int i = 0; i < 120; i++) {
                    rows.add(record(String.valueOf(first + i), at));
                }
                rows.get(7).claimedUntil = null;
                StoreSql.insertAll("sync_record", COLUMNS, rows, VALUES);
                batched.addAll(rows);
                persisted.add(persist(record("h-" + (first + 1), at)));
            });
        }

        Set<Long> ids = new HashSet<>();
        batched.forEach(r -> ids.add(r.id));
        persisted.forEach(r -> ids.add(r.id));
        assertThat(ids).as("every entity has its own id").hasSize(244).doesNotContainNull();
        Map<Long, SyncRecord> stored = QuarkusTransaction.requiringNew().call(() -> SyncRecord
                .<SyncRecord>list("flow", FLOW).stream().collect(Collectors.toMap(r -> r.id, r -> r)));
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        for (SyncRecord row : batched) {
            SyncRecord read = stored.get(row.id);
            assertThat(read.sourceId).isEqualTo(row.sourceId);
            assertThat(read.status).isEqualTo(SyncRecord.Status.IN_PROGRESS);
            assertThat(read.attempts).isEqualTo(1);
            assertThat(read.createdAt).isEqualTo(at);
            assertThat(read.claimedUntil).isEqualTo(row.claimedUntil == null ? null : at.plus(5, ChronoUnit.MINUTES));
            assertThat(read.targetId).isNull();
        }
    }

    @Test
    void aBatchThatBreaksAConstraintFailsItsTransactionAndLeavesNothing() {
        Instant at = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> StoreSql.insertAll("sync_record", COLUMNS,
                List.of(record("taken", at)), VALUES));

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> StoreSql.insertAll("sync_record",
                COLUMNS, List.of(record("new", at), record("taken", at)), VALUES)))
                .as("the same version of the same record twice, as when another worker inserted it first")
                .isInstanceOf(PersistenceException.class);
        assertThat(QuarkusTransaction.requiringNew().call(() -> SyncRecord.count("flow", FLOW))).isEqualTo(1);
    }

    @Test
    void selectsAndUpdatesTakeAListOfIdsOrKeysAsOneArray() {
        Instant at = Instant.parse("2026-11-30T17:45:12.123456Z");
        List<SyncRecord> rows = List.of(record("a", at), record("b", at), record("c", at));
        QuarkusTransaction.requiringNew().run(() -> StoreSql.insertAll("sync_record", COLUMNS, rows, VALUES));

        int failed = QuarkusTransaction.requiringNew().call(() -> StoreSql.update(
                "update sync_record set status = ? where id = any (?)", SyncRecord.Status.FAILED,
                List.of(rows.get(0).id, rows.get(2).id)));
        List<String> read = QuarkusTransaction.requiringNew().call(() -> StoreSql.select(
                "select source_id, status, created_at from sync_record where flow = ? and source_id = any (?) "
                        + "order by source_id",
                row -> row.getString("source_id") + " " + row.getString("status") + " "
                        + StoreSql.instant(row, "created_at"), FLOW, List.of("a", "b", "c", "d")));

        assertThat(failed).isEqualTo(2);
        assertThat(read).containsExactly("a FAILED " + at, "b IN_PROGRESS " + at, "c FAILED " + at);
    }

    @Test
    void valuesThatDoNotFitTheColumnsAreRefused() {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> StoreSql.insertAll("sync_record",
                COLUMNS, List.of(record("short", Instant.now())), r -> new Object[] {r.flow})))
                .hasMessageContaining("1 values for 12 columns");
    }

    private static SyncRecord persist(SyncRecord record) {
        record.persist();
        return record;
    }

    private static SyncRecord record(String sourceId, Instant at) {
        SyncRecord record = new SyncRecord();
        record.flow = FLOW;
        record.entityType = "TIME_ENTRY";
        record.sourceSystem = "harvest";
        record.sourceId = sourceId;
        record.sourceVersion = "2026-11-30T17:45:12Z";
        record.businessKey = "harvest:" + sourceId;
        record.payloadHash = "0".repeat(64);
        record.status = SyncRecord.Status.IN_PROGRESS;
        record.attempts = 1;
        record.claimedUntil = at.plus(5, ChronoUnit.MINUTES);
        record.createdAt = at;
        record.updatedAt = at;
        return record;
    }
}
