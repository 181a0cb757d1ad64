package io.ledgerbridge.store;

import io.quarkus.hibernate.orm.panache.Panache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.hibernate.Session;

/**
 * SQL beside Hibernate: which database the store is, and updates written as SQL for paths that run once per record
 * (a replay's claim and end). Hibernate translates an HQL update ({@code Entity.update("status = ?1 where id = ?2",
 * ...)}) into SQL again at every execution — about a seventh of a bulk replay lane's CPU went to it — while JDBC
 * sends the statement as written. An update runs in the caller's transaction, beside Hibernate: the caller reads
 * what it changed with a new query, not from an entity it had loaded before.
 */
public final class StoreSql {

    private StoreSql() {
    }

    /**
     * Runs {@code sql} with the parameters for its {@code ?} in order (an enum bound by its name, as the entities store
     * it; an instant as a timestamp with time zone); answers the rows changed.
     */
    public static int update(String sql, Object... params) {
        return Panache.getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    statement.setObject(i + 1, params[i] instanceof Enum<?> value ? value.name()
                            : params[i] instanceof Instant at ? at.atOffset(ZoneOffset.UTC) : params[i]);
                }
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Which of {@code values} of {@code column} {@code table} has rows for, among the rows {@code where} selects (its
     * {@code ?} bound to {@code leading}, an enum by its name). The group commits' lookups of a group's records
     * (claims' versions, completions' billable items) find nothing for almost every new entry: one select of the
     * column answers that for about a third of what Hibernate's query of the entities costs (JFR of OutboxFlowBench),
     * and the entities are then read only for the values that have rows.
     */
    public static Set<String> present(String table, String column, String where, Object[] leading,
            Collection<String> values) {
        String sql = "select distinct " + column + " from " + table + " where " + where + " and " + column
                + " = any (?)";
        return Panache.getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < leading.length; i++) {
                    statement.setObject(i + 1, leading[i] instanceof Enum<?> value ? value.name() : leading[i]);
                }
                statement.setArray(leading.length + 1, connection.createArrayOf("varchar", values.toArray()));
                Set<String> found = new HashSet<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
                return found;
            }
        });
    }

    /** Whether the store behind the connection is PostgreSQL (else the embedded H2). */
    public static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    }
}
