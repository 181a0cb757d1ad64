package io.ledgerbridge.kpi;

import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.ledgerbridge.ownership.Slas;
import javax.sql.DataSource;

/**
 * The business KPIs of a period (optionally of one project), from the store in SQL: how much approved time reached
 * the ERP without anyone touching it, how often invoicing failed, how long approval-to-ERP and approval-to-invoice
 * took, what waits in the dead letters, what the last reconciliation found, and how much operators had to do; and
 * the period's margin per region and utilization per region ({@link Profitability}).
 */
@ApplicationScoped
public class Kpis {

    private static final String TIME_FLOW = "approved-time-to-erp";

    /**
     * The KPIs of one period; {@code margins} per region (of one project: its row), {@code utilization} per region
     * (null for one project, and both null in a history).
     */
    public record Report(String period, Long projectId, long approvedTimeSynced, long syncedWithoutIntervention,
            BigDecimal syncedWithoutInterventionShare, long billingRuns, long billingRunsWithException,
            BigDecimal invoiceExceptionRate, Percentiles approvalToErpLagSeconds, Percentiles billingCycleSeconds,
            Map<String, Map<String, Long>> openDeadLetters, Long reconciliationRun,
            Map<String, Long> reconciliationFindings, Map<String, Long> manualActions,
            Map<String, Map<String, SlaMet>> slaMet, List<Profitability.Margin> margins,
            List<Profitability.Utilization> utilization) {
    }

    /**
     * How often a flow kept its SLA in the period: {@code resolution}, of its dead letters closed in the period, those
     * closed by their due time; {@code delivery}, of its records posted in the period, those posted within the
     * delivery SLA of their approval.
     */
    public record SlaMet(String sla, long count, long met, BigDecimal share) {
    }

    /** Median and 95th percentile of durations in seconds (null when nothing was measured). */
    public record Percentiles(long count, Long p50, Long p95) {
    }

    private final DataSource dataSource;
    private final Slas slas;
    private final Profitability profitability;

    Kpis(DataSource dataSource, Slas slas, Profitability profitability) {
        this.dataSource = dataSource;
        this.slas = slas;
        this.profitability = profitability;
    }

    public Report report(YearMonth period, Long projectId) {
        return report(period, projectId, true);
    }

    /**
     * The KPIs of one period, with margin and utilization only when {@code withProfitability} (a history of many months
     * leaves them out: each is a pass over the month's work).
     */
    public Report report(YearMonth period, Long projectId, boolean withProfitability) {
        // margin per region (the project's own row for a project), utilization per region (not of one project)
        List<Profitability.Margin> margins = !withProfitability ? null : projectId == null
                ? profitability.margins(period, "region")
                : profitability.margins(period, "project").stream()
                        .filter(m -> m.key().equals("project:" + projectId)).toList();
        List<Profitability.Utilization> utilization = withProfitability && projectId == null
                ? profitability.utilization(period, "region") : null;
        Timestamp from = Timestamp.from(period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        Timestamp to = Timestamp.from(period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        String project = projectId == null ? "" : " and exists (select 1 from billable_item bi where bi.kind = 'TIME' "
                + "and bi.source_id = r.source_id and bi.project_id = " + projectId + ")";
        try (Connection connection = dataSource.getConnection()) {
            // approved time posted in the period, and how much of it got there without a person's help (a dead letter
            // that replayed by itself when its reference arrived is no intervention; a replay, resolve or discard is)
            long synced = count(connection, "select count(distinct r.source_id) from sync_record r where r.flow = '"
                    + TIME_FLOW + "' and r.status = 'POSTED' and r.posted_at >= ? and r.posted_at < ?" + project,
                    from, to);
            long untouched = count(connection, "select count(distinct r.source_id) from sync_record r where r.flow = '"
                    + TIME_FLOW + "' and r.status = 'POSTED' and r.posted_at >= ? and r.posted_at < ?" + project
                    + " and not exists (select 1 from dead_letter d where d.business_key = r.business_key and ("
                    + "d.status in ('RESOLVED', 'DISCARDED') or exists (select 1 from dead_letter_replay x where "
                    + "x.dead_letter_id = d.id and x.requested_by <> 'auto-resolution')))", from, to);
            String runs = "from billing_run b where b.created_at >= ? and b.created_at < ?"
                    + (projectId == null ? "" : " and b.project_id = " + projectId);
            long billingRuns = count(connection, "select count(*) " + runs, from, to);
            long exceptions = count(connection, "select count(*) " + runs + " and exists (select 1 from dead_letter d "
                    + "where d.flow = 'billing-run' and d.business_key = 'billing:project-' || cast(b.project_id as "
                    + "varchar(20)) || ':' || b.period)", from, to);
            Percentiles lag = percentiles(durations(connection, "select r.source_version, r.posted_at from sync_record "
                    + "r where r.flow = '" + TIME_FLOW + "' and r.status = 'POSTED' and r.posted_at >= ? and "
                    + "r.posted_at < ?" + project, from, to));
            Percentiles cycle = percentiles(durations(connection, "select i.source_version, b.updated_at from "
                    + "billable_item i join billing_run b on b.id = i.billing_run_id where i.kind = 'TIME' and "
                    + "i.status = 'BILLED' and b.status = 'INVOICED' and b.updated_at >= ? and b.updated_at < ?"
                    + (projectId == null ? "" : " and b.project_id = " + projectId), from, to));
            Map<String, Map<String, Long>> open = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("select flow, error_class, count(*) from "
                    + "dead_letter where status in ('OPEN', 'REPLAYING') group by flow, error_class order by flow, "
                    + "error_class"); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    open.computeIfAbsent(rows.getString(1), f -> new LinkedHashMap<>()).put(rows.getString(2),
                            rows.getLong(3));
                }
            }
            Long reconRun = null;
            try (PreparedStatement statement = connection.prepareStatement("select max(id) from recon_run where period "
                    + "= ? and status = 'COMPLETED'")) {
                statement.setString(1, period.toString());
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next() && rows.getObject(1) != null) {
                        reconRun = rows.getLong(1);
                    }
                }
            }
            Map<String, Long> findings = new LinkedHashMap<>();
            if (reconRun != null) {
                groupCount(connection, "select finding_type, count(*) from recon_finding where run_id = " + reconRun
                        + (projectId == null ? "" : " and project_id = " + projectId)
                        + " group by finding_type order by finding_type", findings);
            }
            Map<String, Long> manual = new LinkedHashMap<>();
            try (PreparedStatement statement = connection.prepareStatement("select action, count(*) from audit_log "
                    + "where at >= ? and at < ? and action in ('replay', 'resolve', 'discard', 'bulk-replay') and "
                    + "actor <> 'auto-resolution' and outcome <> 'REFUSED' group by action order by action")) {
                statement.setTimestamp(1, from);
                statement.setTimestamp(2, to);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        manual.put(rows.getString(1), rows.getLong(2));
                    }
                }
            }
            return new Report(period.toString(), projectId, synced, untouched, share(untouched, synced), billingRuns,
                    exceptions, share(exceptions, billingRuns), lag, cycle, open, reconRun, findings, manual,
                    slaMet(connection, from, to, project), margins, utilization);
        } catch (SQLException e) {
            throw new IllegalStateException("KPIs of " + period + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * What stands in the way of closing the current and the previous month: billing runs of those periods that
     * failed and wait as dead letters ({@code billing}), and periods whose last reconciliation run failed
     * ({@code reconciliation}).
     */
    public Map<String, Long> periodCloseFailures(YearMonth current) {
        String previous = current.minusMonths(1).toString();
        try (Connection connection = dataSource.getConnection()) {
            Map<String, Long> failures = new LinkedHashMap<>();
            failures.put("billing", count(connection, "select count(*) from dead_letter where flow = 'billing-run' and "
                    + "status in ('OPEN', 'REPLAYING') and (business_key like ? or business_key like ?)",
                    "billing:%:" + current, "billing:%:" + previous));
            failures.put("reconciliation", count(connection, "select count(*) from recon_run r where r.period in (?, ?) "
                    + "and r.status = 'FAILED' and r.id = (select max(l.id) from recon_run l where l.period = r.period "
                    + "and l.status <> 'RUNNING')", current.toString(), previous));
            return failures;
        } catch (SQLException e) {
            throw new IllegalStateException("period close state could not be read: " + e.getMessage(), e);
        }
    }

    /** Per flow with an SLA (and per flow with dead letters closed in the period): the share of it met. */
    private Map<String, Map<String, SlaMet>> slaMet(Connection connection, Timestamp from, Timestamp to,
            String project) throws SQLException {
        Map<String, Map<String, SlaMet>> met = new java.util.TreeMap<>();
        try (PreparedStatement statement = connection.prepareStatement("select flow, count(*), sum(case when "
                + "updated_at <= due_at then 1 else 0 end) from dead_letter where status in ('REPLAYED', 'RESOLVED', "
                + "'DISCARDED') and due_at is not null and updated_at >= ? and updated_at < ? group by flow")) {
            statement.setTimestamp(1, from);
            statement.setTimestamp(2, to);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long count = rows.getLong(2);
                    long kept = rows.getLong(3);
                    met.computeIfAbsent(rows.getString(1), f -> new LinkedHashMap<>()).put("resolution",
                            new SlaMet("resolution", count, kept, share(kept, count)));
                }
            }
        }
        for (Map.Entry<String, Map<String, Duration>> flow : slas.configured().entrySet()) {
            Duration delivery = flow.getValue().get("delivery");
            if (delivery == null) {
                continue;
            }
            List<Long> lags = durations(connection, "select r.source_version, r.posted_at from sync_record r where "
                    + "r.flow = ? and r.status = 'POSTED' and r.posted_at >= ? and r.posted_at < ?"
                    + (TIME_FLOW.equals(flow.getKey()) ? project : ""), flow.getKey(), from, to);
            long kept = lags.stream().filter(seconds -> seconds <= delivery.toSeconds()).count();
            met.computeIfAbsent(flow.getKey(), f -> new LinkedHashMap<>()).put("delivery",
                    new SlaMet("delivery", lags.size(), kept, share(kept, lags.size())));
        }
        return met;
    }

    private static BigDecimal share(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_EVEN);
    }

    private static long count(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static void groupCount(Connection connection, String sql, Map<String, Long> into) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                into.put(rows.getString(1), rows.getLong(2));
            }
        }
    }

    /** Seconds from approval (the source version: the time system's updated_at) to the given moment, per row. */
    /** The seconds from the first to the second instant of each row the query answers; its parameters bound in order. */
    private static List<Long> durations(Connection connection, String sql, Object... params) throws SQLException {
        List<Long> seconds = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Instant approved = approvedAt(rows.getString(1));
                    if (approved != null) {
                        seconds.add(Math.max(0, Duration.between(approved, rows.getTimestamp(2).toInstant())
                                .toSeconds()));
                    }
                }
            }
        }
        return seconds;
    }

    private static Instant approvedAt(String version) {
        try {
            return OffsetDateTime.parse(version).toInstant();
        } catch (DateTimeParseException notATime) {
            return null;
        }
    }

    /** Nearest-rank percentiles. */
    static Percentiles percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return new Percentiles(0, null, null);
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Percentiles(sorted.size(), rank(sorted, 50), rank(sorted, 95));
    }

    private static Long rank(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
