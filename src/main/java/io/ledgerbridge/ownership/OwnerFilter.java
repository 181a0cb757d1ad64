package io.ledgerbridge.ownership;

import java.time.Instant;
import java.util.Map;

/**
 * The owner part of a list's filter, the same for dead letters and findings: the owning team, the assignee (a user
 * name; {@code me} is the caller, {@code none} nobody) and whether only what is open and past its due time counts.
 */
public record OwnerFilter(String team, String assignee, Instant overdueAt) {

    /** No owner condition. */
    public static final OwnerFilter ANY = new OwnerFilter(null, null, null);
    private static final String UNASSIGNED = "none";

    /** From request parameters; {@code me} becomes {@code caller}, overdue is judged at {@code now}. */
    public static OwnerFilter of(String team, String assignee, boolean overdue, String caller, Instant now) {
        String who = blankToNull(assignee);
        return new OwnerFilter(blankToNull(team), "me".equalsIgnoreCase(who) ? caller : who, overdue ? now : null);
    }

    /** Appends the JPQL conditions (on ownerTeam, assignee, status and dueAt) and their parameters. */
    public void appendTo(StringBuilder where, Map<String, Object> params, Object open) {
        if (team != null) {
            where.append(" and ownerTeam = :ownerTeam");
            params.put("ownerTeam", team);
        }
        if (UNASSIGNED.equalsIgnoreCase(String.valueOf(assignee))) {
            where.append(" and assignee is null");
        } else if (assignee != null) {
            where.append(" and assignee = :assignee");
            params.put("assignee", assignee);
        }
        if (overdueAt != null) {
            where.append(" and status = :openStatus and dueAt < :overdueAt");
            params.put("openStatus", open);
            params.put("overdueAt", overdueAt);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
