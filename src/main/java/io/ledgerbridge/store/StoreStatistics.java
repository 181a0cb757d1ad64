package io.ledgerbridge.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The planner's statistics of the store's tables, kept fresh while the tables grow (PostgreSQL).
 *
 * <p>A store that goes from empty to tens of thousands of postings in its first minutes (a go-live with a backlog, a
 * backfill) is planned on the statistics of its empty tables until autovacuum, which looks at each database once a
 * minute, analyzes them: with no column statistics every {@code flow = ?} and {@code source_system = ?} looks like a
 * rare value, and the claim and pricing lookups of a group ({@code source_id in (...)}) were planned as a scan of all
 * the flow's rows in the index, filtered — one read of the whole table per group, slower with every posting (in
 * FlowBench three quarters of the database's time). Every few seconds each instance analyzes the tables of its schema
 * that changed by a tenth (at least 1,000 rows) since their last analysis, which also makes PostgreSQL plan the
 * cached statements of those tables again.
 */
@ApplicationScoped
public class StoreStatistics {

    private static final Logger LOG = Logger.getLogger(StoreStatistics.class);

    /** Tables whose statistics lag behind their rows: never analyzed, or a tenth changed (at least 1,000 rows). */
    private static final String STALE = "select relname from pg_stat_user_tables where schemaname = current_schema() "
            + "and (coalesce(last_analyze, last_autoanalyze) is null and n_live_tup + n_mod_since_analyze > 0 "
            + "or n_mod_since_analyze > greatest(1000, n_live_tup / 10))";

    private final DataSource dataSource;
    private final MeterRegistry registry;

    StoreStatistics(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.registry = registry;
    }

    @Scheduled(identity = "store-statistics", every = "{ledgerbridge.store.statistics-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try (Connection connection = dataSource.getConnection()) {
            List<String> analyzed = analyzeStale(connection, false);
            if (!analyzed.isEmpty()) {
                LOG.debugf("analyzed %s: their statistics lagged behind their rows", analyzed);
            }
        } catch (SQLException failed) {
            LOG.warnf("the store's statistics could not be refreshed (tried again in a moment): %s",
                    failed.getMessage());
        }
    }

    /**
     * Analyzes those of {@code tables} (all the schema's when none are named) whose statistics lag behind their rows;
     * answers the tables analyzed. Waits for an analysis already running (autovacuum's) when {@code wait}, else leaves
     * such a table to it. Nothing on another database than PostgreSQL (H2 plans on its live row counts).
     */
    public List<String> analyzeStale(Connection connection, boolean wait, String... tables) throws SQLException {
        if (!StoreSql.postgres(connection)) {
            return List.of();
        }
        List<String> stale = new ArrayList<>();
        try (var query = connection.prepareStatement(STALE + (tables.length == 0 ? "" : " and relname = any (?)"))) {
            if (tables.length > 0) {
                query.setArray(1, connection.createArrayOf("varchar", tables));
            }
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    stale.add(rows.getString(1));
                }
            }
        }
        try (var statement = connection.createStatement()) {
            for (String table : stale) {
                statement.execute((wait ? "analyze " : "analyze (skip_locked) ") + quoted(table));
                Counter.builder("ledgerbridge.store.analyzed").tag("table", table)
                        .description("analyses of a store table whose planner statistics lagged behind its rows")
                        .register(registry).increment();
            }
        }
        return stale;
    }

    private static String quoted(String table) {
        return '"' + table.replace("\"", "\"\"") + '"';
    }
}
