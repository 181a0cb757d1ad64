package io.ledgerbridge.store;

import io.quarkus.hibernate.orm.panache.Panache;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.generator.BeforeExecutionGenerator;
import org.hibernate.generator.EventType;
import org.hibernate.persister.entity.EntityPersister;

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
                bind(statement, 1, params);
                return statement.executeUpdate();
            }
        });
    }

    /** Reads one row of a {@link #select}'s result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * Runs the query {@code sql} in the caller's transaction with the parameters for its {@code ?} in order (bound as
     * {@link #update} binds them; a collection as an array, for {@code = any (?)}), each row read by {@code reader}.
     */
    public static <T> List<T> select(String sql, RowReader<T> reader, Object... params) {
        return Panache.getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                bind(statement, 1, params);
                List<T> rows = new ArrayList<>();
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        rows.add(reader.read(result));
                    }
                }
                return rows;
            }
        });
    }

    /** An instant read from a {@code timestamp with time zone} column (null as null). */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    /**
     * Inserts new entities of one kind as one JDBC batch in the caller's transaction: {@code columns} of
     * {@code table} after its {@code id}, and for each entity its values for them in that order. An entity without an
     * id first gets one ({@link #withId}). The entities stay outside the persistence context: the caller reads them
     * again by a query, not from the session. The group commits insert a row or three per posted entry; Hibernate's
     * persist and flush bound each entity to its statement through its insert coordinator, about four times the
     * driver's own work for the same batch (JFR of OutboxFlowBench).
     */
    public static <E> void insertAll(String table, String columns, List<E> entities, Function<E, Object[]> values) {
        if (entities.isEmpty()) {
            return;
        }
        int width = columns.split(",").length;
        String sql = "insert into " + table + " (id, " + columns + ") values (?" + ", ?".repeat(width) + ")";
        Session session = Panache.getEntityManager().unwrap(Session.class);
        SharedSessionContractImplementor source = session.unwrap(SharedSessionContractImplementor.class);
        EntityPersister persister = persister(source, entities.get(0));
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                for (E entity : entities) {
                    Object id = persister.getIdentifier(entity, source);
                    if (id == null) {
                        id = assign(source, persister, entity);
                    }
                    Object[] row = values.apply(entity);
                    if (row.length != width) {
                        throw new IllegalArgumentException(table + ": " + row.length + " values for " + width
                                + " columns");
                    }
                    insert.setObject(1, id);
                    bind(insert, 2, row);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    /**
     * Gives a new entity its id from its own generator (its sequence through Hibernate's pooled optimizer, so the ids
     * never meet those Hibernate hands out), for {@link #insertAll} to insert it later in the same transaction.
     */
    public static <E> E withId(E entity) {
        SharedSessionContractImplementor source = Panache.getEntityManager()
                .unwrap(SharedSessionContractImplementor.class);
        assign(source, persister(source, entity), entity);
        return entity;
    }

    private static EntityPersister persister(SharedSessionContractImplementor source, Object entity) {
        return source.getFactory().getMappingMetamodel().getEntityDescriptor(entity.getClass());
    }

    private static Object assign(SharedSessionContractImplementor source, EntityPersister persister, Object entity) {
        Object id = ((BeforeExecutionGenerator) persister.getGenerator()).generate(source, entity, null,
                EventType.INSERT);
        persister.setIdentifier(entity, id, source);
        return id;
    }

    /**
     * Binds {@code params} from parameter {@code first} on: an enum by its name, an instant as UTC, a collection of
     * longs or strings as an array (an empty one as an array of text).
     */
    private static void bind(PreparedStatement statement, int first, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            if (params[i] instanceof Collection<?> values) {
                boolean longs = !values.isEmpty() && values.stream().allMatch(Long.class::isInstance);
                statement.setArray(first + i, statement.getConnection().createArrayOf(longs ? "bigint" : "varchar",
                        values.toArray()));
                continue;
            }
            statement.setObject(first + i, params[i] instanceof Enum<?> value ? value.name()
                    : params[i] instanceof Instant at ? at.atOffset(ZoneOffset.UTC) : params[i]);
        }
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
        Object[] params = Arrays.copyOf(leading, leading.length + 1);
        params[leading.length] = values;
        return new HashSet<>(select("select distinct " + column + " from " + table + " where " + where + " and "
                + column + " = any (?)", row -> row.getString(1), params));
    }

    /** Whether the store behind the connection is PostgreSQL (else the embedded H2). */
    public static boolean postgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    }
}
