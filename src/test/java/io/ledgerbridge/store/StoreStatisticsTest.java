package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A store table that fills fast is analyzed by the service within its statistics interval (1 s in tests), and the
 * group lookups of its rows are then planned by their full key instead of a scan of all the flow's rows.
 */
@QuarkusTest
class StoreStatisticsTest {

    static final String FLOW = "statistics-" + System.nanoTime();

    @Inject
    DataSource dataSource;

    @Inject
    StoreStatistics statistics;

    @Inject
    Scheduler scheduler;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void removeRows() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("delete from sync_record where flow = ?")) {
            delete.setString(1, FLOW);
            delete.executeUpdate();
        }
    }

    @Test
    void aTableThatFillsFastIsAnalyzedAndItsGroupLookupsReadByTheFullKey() throws SQLException {
        Instant before = Instant.now();
        insertSyncRecords(5_000);

        // the schedule, not this test, analyzes it (autovacuum would set last_autoanalyze, not last_analyze)
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> lastAnalyze("sync_record") != null && lastAnalyze("sync_record").isAfter(before));

        String plan = plan("select * from sync_record where flow = '" + FLOW + "' and source_system = 'harvest' "
                + "and source_id in (" + IntStream.range(100, 132).mapToObj(i -> "'" + i + "'")
                        .collect(Collectors.joining(",")) + ")");
        assertThat(plan).as("the lookup of a group of 32 claims").containsPattern("Index Cond: .*source_id")
                .doesNotContain("Seq Scan");
    }

    @Test
    void aTableIsAnalyzedWhenATenthOfItChangedAndNotAgainUntilItChangesAgain() throws SQLException {
        scheduler.pause("store-statistics");
        try (Connection connection = dataSource.getConnection()) {
            statistics.analyzeStale(connection, true, "sync_record");
            assertThat(statistics.analyzeStale(connection, true, "sync_record")).as("just analyzed").isEmpty();

            insertSyncRecords(1_500);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> modifiedSinceAnalyze("sync_record") >= 1_500);
            double counted = analyzed("sync_record");
            assertThat(statistics.analyzeStale(connection, true, "sync_record", "dead_letter"))
                    .as("1,500 rows changed in a table of fewer than 15,000").contains("sync_record");
            assertThat(analyzed("sync_record")).as("ledgerbridge_store_analyzed_total{table=sync_record}")
                    .isEqualTo(counted + 1);
            assertThat(lastAnalyze("sync_record")).isNotNull();
            assertThat(statistics.analyzeStale(connection, true, "sync_record")).isEmpty();
        } finally {
            scheduler.resume("store-statistics");
        }
    }

    private double analyzed(String table) {
        Counter counter = registry.find("ledgerbridge.store.analyzed").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }

    private void insertSyncRecords(int count) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into sync_record (flow, entity_type, "
                        + "source_system, source_id, source_version, business_key, payload_hash, status, attempts, "
                        + "created_at, updated_at) values (?, 'TIME_ENTRY', 'harvest', ?, '2026-12-01T09:00:00Z', ?, "
                        + "'hash', 'POSTED', 1, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            for (int i = 0; i < count; i++) {
                String sourceId = FLOW + "-" + i;
                insert.setString(1, FLOW);
                insert.setString(2, sourceId);
                insert.setString(3, "harvest:time-entry:" + sourceId);
                insert.setTimestamp(4, now);
                insert.setTimestamp(5, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Instant lastAnalyze(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "select last_analyze from pg_stat_user_tables where schemaname = current_schema() "
                                + "and relname = ?")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                Timestamp at = row.next() ? row.getTimestamp(1) : null;
                return at == null ? null : at.toInstant();
            }
        }
    }

    private long modifiedSinceAnalyze(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("select n_mod_since_analyze from "
                        + "pg_stat_user_tables where schemaname = current_schema() and relname = ?")) {
            query.setString(1, table);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        }
    }

    private String plan(String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                ResultSet rows = connection.createStatement().executeQuery("explain " + sql)) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        return String.join("\n", lines);
    }
}
