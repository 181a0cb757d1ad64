package io.ledgerbridge.deadletter;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.ownership.OwnerFilter;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which dead letters an operator means: by flow, status, error class, business key and time window, and by who owns
 * them (team, assignee, overdue).
 */
public record DeadLetterFilter(String flow, DeadLetter.Status status, ErrorClass errorClass, String key, Instant from,
        Instant to, OwnerFilter owner) {

    /** Reads the filter from request parameters; an unknown value is a 400 naming it. */
    public static DeadLetterFilter parse(String flow, String status, String errorClass, String key, String from,
            String to) {
        return new DeadLetterFilter(blankToNull(flow), parseEnum(DeadLetter.Status.class, "status", status),
                parseEnum(ErrorClass.class, "errorClass", errorClass), blankToNull(key), parseInstant("from", from),
                parseInstant("to", to), OwnerFilter.ANY);
    }

    /** The same filter narrowed by owner. */
    public DeadLetterFilter owned(OwnerFilter by) {
        return new DeadLetterFilter(flow, status, errorClass, key, from, to, by);
    }

    /** JPQL condition and its parameters. */
    String where(Map<String, Object> params) {
        StringBuilder where = new StringBuilder("1 = 1");
        if (flow != null) {
            where.append(" and flow = :flow");
            params.put("flow", flow);
        }
        if (status != null) {
            where.append(" and status = :status");
            params.put("status", status);
        }
        if (errorClass != null) {
            where.append(" and errorClass = :errorClass");
            params.put("errorClass", errorClass);
        }
        if (key != null) {
            where.append(" and businessKey = :key");
            params.put("key", key);
        }
        if (from != null) {
            where.append(" and createdAt >= :from");
            params.put("from", from);
        }
        if (to != null) {
            where.append(" and createdAt < :to");
            params.put("to", to);
        }
        owner.appendTo(where, params, DeadLetter.Status.OPEN);
        return where.toString();
    }

    /** A readable form for the audit trail. */
    public String describe() {
        Map<String, Object> parts = new LinkedHashMap<>();
        parts.put("flow", flow);
        parts.put("status", status);
        parts.put("errorClass", errorClass);
        parts.put("key", key);
        parts.put("from", from);
        parts.put("to", to);
        parts.put("team", owner.team());
        parts.put("assignee", owner.assignee());
        parts.put("overdueAt", owner.overdueAt());
        parts.values().removeIf(java.util.Objects::isNull);
        return parts.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String name, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase());
        } catch (IllegalArgumentException unknown) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Unknown " + name,
                    name + " '" + value + "' is none of " + java.util.Arrays.toString(type.getEnumConstants())));
        }
    }

    private static Instant parseInstant(String name, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException bad) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad " + name,
                    name + " '" + value + "' is not an ISO-8601 instant such as 2026-11-20T00:00:00Z"));
        }
    }
}
