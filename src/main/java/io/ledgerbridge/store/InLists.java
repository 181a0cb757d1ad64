package io.ledgerbridge.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Queries of the store work that concurrent flows hand in together ({@link GroupCommit}), for a group's values as
 * single-valued parameters: {@code in (?3, ?4, …)} of a fixed width, the last value repeated to fill it (which
 * changes nothing the query selects), in as many queries as the group needs.
 *
 * <p>Hibernate makes its query plan and SQL translation again on every execution of a query whose parameter is a list
 * (BaseSqmToSqlAstConverter and the SQL translator: 7.5 % of the approved-time flow's CPU in FlowBench's profile, the
 * claims' and completions' queries), while a query of single-valued parameters is translated once. The widths are 8
 * and 32: a group of up to 8 takes one query, larger ones queries of 32.
 */
public final class InLists {

    private static final int NARROW = 8;
    private static final int WIDE = 32;

    private InLists() {
    }

    /** A query's text for both widths, made once ({@link #query}). */
    public static final class Query {
        private final String narrow;
        private final String wide;

        private Query(String narrow, String wide) {
            this.narrow = narrow;
            this.wide = wide;
        }

        String text(int width) {
            return width == NARROW ? narrow : wide;
        }
    }

    /**
     * A query of a group's values: {@code text} takes the width and answers the query text with that many single-valued
     * parameters from {@code ?<first>} on ({@link #parameters}). Made once per query (a constant), not per call.
     */
    public static Query query(Function<Integer, String> text) {
        return new Query(text.apply(NARROW), text.apply(WIDE));
    }

    /**
     * The rows {@code query} finds for all {@code values}: {@code run} runs its text with the leading parameters and a
     * chunk of the values.
     */
    public static <T, R> List<R> select(Collection<T> values, Query query, QueryRunner<R> run, Object... leading) {
        List<R> found = new ArrayList<>();
        if (values.isEmpty()) {
            return found;
        }
        int width = values.size() <= NARROW ? NARROW : WIDE;
        String text = query.text(width);
        List<T> all = new ArrayList<>(values);
        for (int from = 0; from < all.size(); from += width) {
            List<T> chunk = all.subList(from, Math.min(all.size(), from + width));
            Object[] parameters = new Object[leading.length + width];
            System.arraycopy(leading, 0, parameters, 0, leading.length);
            for (int i = 0; i < width; i++) {
                parameters[leading.length + i] = chunk.get(Math.min(i, chunk.size() - 1));
            }
            found.addAll(run.list(text, parameters));
        }
        return found;
    }

    /** {@code ?<first>, ?<first + 1>, …}: {@code width} positional parameters. */
    public static String parameters(int first, int width) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < width; i++) {
            text.append(i == 0 ? "" : ", ").append('?').append(first + i);
        }
        return text.toString();
    }

    /** Runs one query text with its positional parameters (a Panache entity's {@code list}). */
    @FunctionalInterface
    public interface QueryRunner<R> {
        List<R> list(String query, Object... parameters);
    }
}
