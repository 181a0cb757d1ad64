package io.ledgerbridge.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.ownership.Ownership;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.SystemCall;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.deal.Deals;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.intake.Sources;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.BackgroundWorker;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreStatistics;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * Three-way reconciliation of approved time: the route {@code reconciliation} reads what the time source approved (e.g.
 * Harvest) and what the ERP holds (its time, by the ERP capability read-time) into snapshot tables of the run, page by
 * page in JDBC batches, each page matched as it arrives against what ledgerbridge transferred ({@code sync_record}),
 * what waits ({@code dead_letter}) and the other snapshot's entries read so far; then {@link #match} finds what only
 * both whole snapshots show, in set-based SQL, one statement per kind of finding. For a closed period it also proves
 * each project's revenue position ({@link RevenuePositions}).
 */
@ApplicationScoped
@Named("reconciliations")
public class Reconciliations {

    private static final Logger LOG = Logger.getLogger(Reconciliations.class);
    /** The reconciliation run (execute writes it, every step of routes/reconciliation.camel.yaml reads it). */
    public static final String RUN = "ledgerbridgeReconRun";
    /** Exchange property: the project being read (beginProject, invoiceRequest write it; the page steps read it). */
    public static final String PROJECT = "ledgerbridgeReconProject";
    /** Exchange property: the page to read next (beginProject, advance write it; the requests read it). */
    public static final String PAGE = "ledgerbridgeReconPage";
    /** Exchange property: whether another page follows (advance writes it, the loops read it). */
    public static final String MORE = "ledgerbridgeReconMore";
    /** Exchange property: the billing run whose invoice is read (invoiceRequest writes it, invoiceLines reads it). */
    public static final String BILLING_RUN = "ledgerbridgeReconBillingRun";
    private static final String TIME_FLOW = "approved-time-to-erp";
    /** The start of a statement that adds findings (a select of these columns follows). */
    private static final String FINDING = "insert into recon_finding (run_id, finding_type, project_id, currency, "
            + "source_id, erp_entry_id, expected, actual, detail, sync_record_id, dead_letter_id, replay_candidate) ";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final ProducerTemplate producer;
    private final LedgerbridgeConfig config;
    private final Ownership ownership;
    private final Regions regions;
    private final LegalEntities entities;
    private final Sources sources;
    private final RevenuePositions revenue;
    private final StoreStatistics statistics;
    private final Instances instances;
    private final ExecutorService runner = BackgroundWorker.named("ledgerbridge-reconciliation");

    Reconciliations(DataSource dataSource, ObjectMapper json, ProducerTemplate producer, LedgerbridgeConfig config,
            Ownership ownership, Regions regions, LegalEntities entities, Sources sources, RevenuePositions revenue,
            StoreStatistics statistics, Instances instances) {
        this.instances = instances;
        this.sources = sources;
        this.statistics = statistics;
        this.revenue = revenue;
        this.dataSource = dataSource;
        this.regions = regions;
        this.entities = entities;
        this.ownership = ownership;
        this.json = json;
        this.producer = producer;
        this.config = config;
    }

    /** The business key of a time entry of the time source ({@code ledgerbridge.time.system}). */
    public String timeEntryKey(String sourceId) {
        return sources.businessKeyPrefix(config.time().system(), "time-entry") + sourceId;
    }

    /** Records a run and starts it in the background; returns the run (status RUNNING). */
    public ReconRun start(String period, List<Long> projects, String actor) {
        ReconRun run = record(period, projects, actor);
        runner.submit(() -> execute(run.id));
        return run;
    }

    /**
     * Records a run (status RUNNING, run by this instance: should the instance stop before the run ends,
     * {@link AbandonedRuns} fails it) in its own transaction, without starting it.
     */
    ReconRun record(String period, List<Long> projects, String actor) {
        YearMonth.parse(period);
        return QuarkusTransaction.requiringNew().call(() -> {
            ReconRun created = new ReconRun();
            created.period = period;
            created.projectFilter = projects == null || projects.isEmpty() ? null
                    : String.join(",", projects.stream().map(String::valueOf).toList());
            created.status = ReconRun.Status.RUNNING;
            created.requestedBy = actor;
            created.runBy = instances.id();
            created.startedAt = StoreTime.now();
            created.persist();
            return created;
        });
    }

    private void execute(Long runId) {
        Exchange result = producer.send("direct:reconciliation", e -> {
            e.getMessage().setHeader(RUN, runId);
            prepareStore();
        });
        if (result.isFailed()) {
            Exception failure = result.getException();
            LOG.errorf(failure, "reconciliation %d failed", runId);
            QuarkusTransaction.requiringNew().run(() -> ReconRun.update(
                    "status = ?1, error = ?2, finishedAt = ?3 where id = ?4", ReconRun.Status.FAILED,
                    truncate(String.valueOf(failure.getMessage())), StoreTime.now(), runId));
        }
    }

    /**
     * The projects of a legal entity (those of its regions) known in both PSA and ERP, of those named when some are;
     * an unknown entity, or one without such projects, is a 422 problem.
     */
    public List<Long> projectsOf(String entity, List<Long> named) {
        if (!entities.has(entity)) {
            throw new ProblemException(Problem.of(422, "unknown-entity", "Unknown legal entity", "no legal entity '"
                    + entity + "' in mappings/entities.json; there are " + entities.all().keySet()));
        }
        List<String> entityRegions = regions.all().values().stream().filter(r -> r.entity().equals(entity))
                .map(Regions.Region::code).toList();
        List<Long> projects = entityRegions.isEmpty() ? List.of() : QuarkusTransaction.requiringNew().call(() ->
                ProjectRecord.<ProjectRecord>list("psaId is not null and erpProjectId is not null and region in ?1 "
                        + "order by id", entityRegions).stream().map(p -> p.id)
                        .filter(id -> named == null || named.isEmpty() || named.contains(id)).toList());
        if (projects.isEmpty()) {
            throw new ProblemException(Problem.of(422, "no-projects", "Nothing to reconcile", "legal entity " + entity
                    + " (regions " + entityRegions + ") has no project known in both PSA and ERP"
                    + (named == null || named.isEmpty() ? "" : " among projects " + named)));
        }
        return projects;
    }

    /** The projects of the run: those named, or every project known in both PSA and ERP. */
    public List<Long> scope(Exchange exchange) {
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        return QuarkusTransaction.requiringNew().call(() -> {
            ReconRun run = ReconRun.findById(runId);
            List<ProjectRecord> projects = run.projectFilter == null
                    ? ProjectRecord.list("psaId is not null and erpProjectId is not null order by id")
                    : ProjectRecord.list("id in ?1 order by id", Arrays.stream(run.projectFilter.split(","))
                            .map(Long::valueOf).toList());
            return projects.stream().map(p -> p.id).toList();
        });
    }

    /** Starts reading one project: page 1 of the source. */
    public void beginProject(Exchange exchange) {
        exchange.setProperty(PROJECT, exchange.getMessage().getBody(Long.class));
        exchange.setProperty(PAGE, 1);
        exchange.setProperty(MORE, true);
    }

    /** The PSA's approved time of the project in the period, the current page (capability psa-read-time). */
    public void sourceRequest(Exchange exchange) {
        ProjectRecord project = project(exchange);
        YearMonth period = period(exchange);
        Message in = exchange.getMessage();
        in.setHeader(SystemCall.PSA_PROJECT_ID, project.psaId);
        in.setHeader(ErpCall.PERIOD_FROM, period.atDay(1).toString());
        in.setHeader(ErpCall.PERIOD_TO, period.plusMonths(1).atDay(1).toString());
        in.setHeader(ErpCall.PAGE, exchange.getProperty(PAGE));
        in.setBody("");
    }

    /**
     * Keeps the page's approved entries (the canonical page of psa-read-time) in the run's source snapshot, each with
     * the sync record that posted its version, and finds at once what needs no ERP entry to be found: the page's
     * approved versions not transferred, for which a dead letter waits (MISSING_IN_TARGET, replay it) or nothing is
     * pending and the approval is older than the stale limit (STALE). A posted entry whose ERP entry a page of the run
     * has already brought (the ERP's time of another project read first) is paired with it here; the others are
     * paired by the ERP's page ({@link #erpPage}).
     */
    public void sourcePage(Exchange exchange) throws SQLException {
        JsonNode page = read(exchange.getMessage().getBody(String.class));
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        Long projectId = exchange.getProperty(PROJECT, Long.class);
        List<JsonNode> entries = new ArrayList<>();
        page.path("entries").forEach(entries::add);
        int found = 0;
        try (Connection connection = dataSource.getConnection()) {
            Map<String, Posted> posted = postedVersions(connection, entries.stream()
                    .map(entry -> entry.path("id").asText()).toArray(String[]::new));
            Map<String, List<Integer>> inErp = erpMinutes(connection, runId, posted.values().stream()
                    .map(Posted::targetId).filter(Objects::nonNull).distinct().toArray(String[]::new));
            List<String> notTransferred = new ArrayList<>();
            List<Pair> differing = new ArrayList<>();
            try (PreparedStatement insert = connection.prepareStatement("insert into recon_source_entry (run_id, "
                    + "project_id, source_id, source_version, psa_user_id, work_date, hours, approved_at, "
                    + "sync_record_id, target_id, paired) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (JsonNode entry : entries) {
                    String sourceId = entry.path("id").asText();
                    String version = entry.path("version").asText();
                    Posted as = posted.get(sourceId + '\n' + version);
                    List<Integer> minutes = as == null || as.targetId() == null ? null : inErp.get(as.targetId());
                    if (as == null) {
                        notTransferred.add(sourceId);
                    } else if (minutes != null) {
                        Posting source = new Posting(projectId, sourceId, as.targetId(),
                                entry.path("hours").decimalValue(), as.syncRecordId());
                        minutes.forEach(held -> differing.add(new Pair(source, held)));
                    }
                    insert.setLong(1, runId);
                    insert.setLong(2, projectId);
                    insert.setString(3, sourceId);
                    insert.setString(4, version);
                    insert.setString(5, entry.path("userId").asText());
                    insert.setDate(6, Date.valueOf(LocalDate.parse(entry.path("workDate").asText())));
                    insert.setBigDecimal(7, entry.path("hours").decimalValue());
                    insert.setTimestamp(8, Timestamp.from(OffsetDateTime.parse(version).toInstant()));
                    insert.setObject(9, as == null ? null : as.syncRecordId(), Types.BIGINT);
                    insert.setString(10, as == null ? null : as.targetId());
                    insert.setBoolean(11, minutes != null);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            if (!notTransferred.isEmpty()) {
                found = notTransferredFindings(connection, runId, projectId, notTransferred);
            }
            found += amountFindings(connection, runId, differing);
        }
        advance(exchange, "the PSA", page.path("page").asInt(1), page.path("more").asBoolean(false));
        int count = entries.size();
        int findings = found;
        QuarkusTransaction.requiringNew().run(() -> ReconRun.update("sourceEntries = sourceEntries + ?1, "
                + "findings = findings + ?2 where id = ?3", count, findings, runId));
    }

    /** The sync record that posted a source version and the ERP id it was posted as. */
    private record Posted(long syncRecordId, String targetId) {
    }

    /** The posted versions of the time source's entries (key: source id, newline, version), in one query. */
    private Map<String, Posted> postedVersions(Connection connection, String[] sourceIds) throws SQLException {
        Map<String, Posted> posted = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("select source_id, source_version, id, target_id "
                + "from sync_record where flow = ? and source_system = ? and status = 'POSTED' and source_id = "
                + "any (?)")) {
            query.setString(1, TIME_FLOW);
            query.setString(2, config.time().system());
            query.setArray(3, connection.createArrayOf("varchar", sourceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    posted.put(rows.getString(1) + '\n' + rows.getString(2), new Posted(rows.getLong(3),
                            rows.getString(4)));
                }
            }
        }
        return posted;
    }

    /**
     * The findings of a page's approved versions that were not transferred (as its page was read): a dead letter
     * waits for the entry (replaying it is the fix), or nothing is pending and it is older than the stale limit.
     */
    private int notTransferredFindings(Connection connection, Long runId, Long projectId, List<String> sourceIds)
            throws SQLException {
        Timestamp staleBefore = Timestamp.from(StoreTime.now().minus(config.reconciliation().staleAfter()));
        String sourceKey = "'" + timeEntryKey("").replace("'", "''") + "'";
        String ofPage = "s.run_id = ? and s.project_id = ? and s.sync_record_id is null and s.source_id = any (?)";
        java.sql.Array ids = connection.createArrayOf("varchar", sourceIds.toArray());
        int found = update(connection, FINDING + "select s.run_id, 'MISSING_IN_TARGET', s.project_id, p.currency, "
                + "s.source_id, null, s.source_version, d.error_class, 'approved version ' || s.source_version "
                + "|| ' not transferred: dead letter ' || cast(d.id as varchar(20)) || ' (' || d.error_class "
                + "|| ') waits for it', null, d.id, true from recon_source_entry s join project p on p.id = "
                + "s.project_id join dead_letter d on d.business_key = " + sourceKey + " || s.source_id "
                + "and d.status in ('OPEN', 'REPLAYING') where " + ofPage, runId, projectId, ids);
        found += update(connection, FINDING + "select s.run_id, 'STALE', s.project_id, p.currency, s.source_id, "
                + "null, s.source_version, null, 'approved version ' || s.source_version || ' is older than the "
                + "stale limit and was never transferred; nothing is pending for it: take it in again (a poll "
                + "of the source or a topic replay)', null, null, false from recon_source_entry s join project p on "
                + "p.id = s.project_id where " + ofPage + " and s.approved_at < ? and not exists (select 1 from "
                + "dead_letter d where d.business_key = " + sourceKey + " || s.source_id and d.status in ('OPEN', "
                + "'REPLAYING'))", runId, projectId, ids, staleBefore);
        return found;
    }

    /**
     * The ERP's time entries of the project's ERP project in the period, the current page (capability read-time, in
     * the ERP of the project's legal entity).
     */
    public void erpRequest(Exchange exchange) {
        ProjectRecord project = project(exchange);
        YearMonth period = period(exchange);
        Message in = exchange.getMessage();
        in.setHeader(FlowHeaders.ERP_PROJECT_ID, project.erpProjectId);
        in.setHeader(ErpCall.LEGAL_ENTITY, regions.of(project.region).entity());
        in.setHeader(ErpCall.PERIOD_FROM, period.atDay(1).toString());
        in.setHeader(ErpCall.PERIOD_TO, period.plusMonths(1).atDay(1).toString());
        in.setHeader(ErpCall.PAGE, exchange.getProperty(PAGE));
        in.setBody("");
    }

    /**
     * Keeps the page's ERP time entries (the canonical page of read-time) in the run's ERP snapshot (one JDBC batch),
     * each with the sync record that posted it (none: time ledgerbridge did not post), and pairs them with the source
     * entries posted as them that the run has read: those are marked paired, and where the ERP holds other minutes
     * than the source approved (beyond the tolerance) that is an AMOUNT_DIFFERS finding at once.
     */
    public void erpPage(Exchange exchange) throws SQLException {
        JsonNode page = read(exchange.getMessage().getBody(String.class));
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        Long projectId = exchange.getProperty(PROJECT, Long.class);
        List<JsonNode> entries = new ArrayList<>();
        page.path("entries").forEach(entries::add);
        int found;
        try (Connection connection = dataSource.getConnection()) {
            Map<String, Long> ours = postedAs(connection, entries.stream().map(entry -> entry.path("id").asText())
                    .toArray(String[]::new));
            try (PreparedStatement insert = connection.prepareStatement("insert into recon_erp_entry (run_id, "
                    + "project_id, erp_entry_id, erp_user_id, erp_task_id, work_date, minutes, sync_record_id) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (JsonNode entry : entries) {
                    String id = entry.path("id").asText();
                    insert.setLong(1, runId);
                    insert.setLong(2, projectId);
                    insert.setString(3, id);
                    insert.setString(4, entry.path("userId").asText(null));
                    insert.setString(5, entry.path("taskId").asText(null));
                    insert.setDate(6, Date.valueOf(LocalDate.parse(entry.path("workDate").asText())));
                    insert.setInt(7, entry.path("minutes").asInt());
                    insert.setObject(8, ours.get(id), Types.BIGINT);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            found = pairWithSources(connection, runId, entries);
        }
        advance(exchange, "the ERP", page.path("page").asInt(1), page.path("more").asBoolean(false));
        int findings = found;
        QuarkusTransaction.requiringNew().run(() -> ReconRun.update("erpEntries = erpEntries + ?1, "
                + "findings = findings + ?2 where id = ?3", entries.size(), findings, runId));
    }

    /** A posted source entry of the run's snapshot: its project, ids, approved hours, sync record. */
    private record Posting(long projectId, String sourceId, String targetId, BigDecimal hours, long syncRecordId) {
        /** The approved minutes, rounded as the ERP keeps whole minutes (half away from zero). */
        long minutes() {
            return hours.multiply(SIXTY).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
    }

    private static final BigDecimal SIXTY = BigDecimal.valueOf(60);

    /** A posted source entry and the minutes the ERP holds under the id it was posted as. */
    private record Pair(Posting source, int held) {
    }

    /**
     * Pairs an ERP page's entries with the posted source entries of the run posted as them (one query), marks those
     * paired and adds the AMOUNT_DIFFERS findings; answers how many.
     */
    private int pairWithSources(Connection connection, Long runId, List<JsonNode> entries) throws SQLException {
        Map<String, List<Integer>> held = new HashMap<>();
        entries.forEach(entry -> held.computeIfAbsent(entry.path("id").asText(), id -> new ArrayList<>())
                .add(entry.path("minutes").asInt()));
        List<Pair> pairs = new ArrayList<>();
        List<String> paired = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("select project_id, source_id, target_id, hours, "
                + "sync_record_id, paired from recon_source_entry where run_id = ? and target_id = any (?) and "
                + "sync_record_id is not null")) {
            query.setLong(1, runId);
            query.setArray(2, connection.createArrayOf("varchar", held.keySet().toArray()));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Posting source = new Posting(rows.getLong(1), rows.getString(2), rows.getString(3),
                            rows.getBigDecimal(4), rows.getLong(5));
                    held.get(source.targetId()).forEach(minutes -> pairs.add(new Pair(source, minutes)));
                    if (!rows.getBoolean(6)) {
                        paired.add(source.targetId());
                    }
                }
            }
        }
        if (!paired.isEmpty()) {
            try (PreparedStatement mark = connection.prepareStatement("update recon_source_entry set paired = true "
                    + "where run_id = ? and target_id = any (?) and sync_record_id is not null and not paired")) {
                mark.setLong(1, runId);
                mark.setArray(2, connection.createArrayOf("varchar", paired.toArray()));
                mark.executeUpdate();
            }
        }
        return amountFindings(connection, runId, pairs);
    }

    /** The minutes of the run's ERP entries already read, by ERP id (one query; none: not read, or none given). */
    private static Map<String, List<Integer>> erpMinutes(Connection connection, Long runId, String[] erpIds)
            throws SQLException {
        Map<String, List<Integer>> minutes = new HashMap<>();
        if (erpIds.length == 0) {
            return minutes;
        }
        try (PreparedStatement query = connection.prepareStatement("select erp_entry_id, minutes from "
                + "recon_erp_entry where run_id = ? and erp_entry_id = any (?)")) {
            query.setLong(1, runId);
            query.setArray(2, connection.createArrayOf("varchar", erpIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    minutes.computeIfAbsent(rows.getString(1), id -> new ArrayList<>()).add(rows.getInt(2));
                }
            }
        }
        return minutes;
    }

    /**
     * AMOUNT_DIFFERS for each pair whose ERP minutes differ from the approved ones by more than the tolerance (one
     * JDBC batch, each with its project's currency); answers how many.
     */
    private int amountFindings(Connection connection, Long runId, List<Pair> pairs) throws SQLException {
        int tolerance = config.reconciliation().toleranceMinutes();
        List<Pair> differing = pairs.stream()
                .filter(pair -> Math.abs(pair.held() - pair.source().minutes()) > tolerance).toList();
        if (differing.isEmpty()) {
            return 0;
        }
        Map<Long, String> currencies = new HashMap<>();
        try (PreparedStatement insert = connection.prepareStatement(FINDING
                + "values (?, 'AMOUNT_DIFFERS', ?, ?, ?, ?, ?, ?, ?, ?, null, false)")) {
            for (Pair pair : differing) {
                Posting source = pair.source();
                String approved = String.valueOf(source.minutes());
                insert.setLong(1, runId);
                insert.setLong(2, source.projectId());
                insert.setString(3, currencies.computeIfAbsent(source.projectId(), id -> currency(connection, id)));
                insert.setString(4, source.sourceId());
                insert.setString(5, source.targetId());
                insert.setString(6, approved);
                insert.setString(7, String.valueOf(pair.held()));
                insert.setString(8, "the ERP holds " + pair.held() + " min, the source approved " + approved + " min");
                insert.setLong(9, source.syncRecordId());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return differing.size();
    }

    private static String currency(Connection connection, long projectId) {
        try (PreparedStatement query = connection.prepareStatement("select currency from project where id = ?")) {
            query.setLong(1, projectId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException failed) {
            throw new IllegalStateException("the currency of project " + projectId + " could not be read", failed);
        }
    }

    /** The sync records that posted the ERP's entries, by the ERP's id (absent: nobody posted it), in one query. */
    private static Map<String, Long> postedAs(Connection connection, String[] erpIds) throws SQLException {
        Map<String, Long> ours = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("select target_id, id from sync_record where "
                + "flow = ? and status = 'POSTED' and target_id = any (?)")) {
            query.setString(1, TIME_FLOW);
            query.setArray(2, connection.createArrayOf("varchar", erpIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ours.putIfAbsent(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return ours;
    }

    /** The billing runs whose ERP invoice the run compares: invoiced runs of the period and projects in scope. */
    public List<Long> invoices(Exchange exchange) {
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        List<Long> projects = scope(exchange);
        return QuarkusTransaction.requiringNew().call(() -> {
            ReconRun run = ReconRun.findById(runId);
            return projects.isEmpty() ? List.<Long>of() : BillingRun.<BillingRun>list(
                    "period = ?1 and projectId in ?2 and status = ?3 and erpInvoiceId is not null order by id",
                    run.period, projects, BillingRun.Status.INVOICED).stream().map(r -> r.id).toList();
        });
    }

    /** The ERP's invoice of one billing run (capability read-invoice, in the ERP of its project's legal entity). */
    public void invoiceRequest(Exchange exchange) {
        Long billingRunId = exchange.getMessage().getBody(Long.class);
        BillingRun billing = QuarkusTransaction.requiringNew().call(() -> BillingRun.findById(billingRunId));
        exchange.setProperty(BILLING_RUN, billingRunId);
        exchange.setProperty(PROJECT, billing.projectId);
        Message in = exchange.getMessage();
        in.setHeader(ErpCall.ERP_INVOICE_ID, billing.erpInvoiceId);
        in.setHeader(ErpCall.LEGAL_ENTITY, QuarkusTransaction.requiringNew().call(() -> regions.of(
                ProjectRecord.<ProjectRecord>findById(billing.projectId).region).entity()));
        in.setBody("");
    }

    /** Keeps the invoice's lines (the canonical invoice answer), in their order, in the run's snapshot. */
    public void invoiceLines(Exchange exchange) throws SQLException {
        JsonNode invoice = read(exchange.getMessage().getBody(String.class));
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        Long billingRunId = exchange.getProperty(BILLING_RUN, Long.class);
        Long projectId = exchange.getProperty(PROJECT, Long.class);
        int kept = 0;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("insert into recon_erp_line (run_id, "
                        + "billing_run_id, project_id, line_no, description, quantity, line_amount) "
                        + "values (?, ?, ?, ?, ?, ?, ?)")) {
            for (JsonNode line : invoice.path("lines")) {
                insert.setLong(1, runId);
                insert.setLong(2, billingRunId);
                insert.setLong(3, projectId);
                insert.setInt(4, ++kept);
                insert.setString(5, line.path("description").asText(""));
                insert.setBigDecimal(6, line.path("quantity").isNumber() ? line.path("quantity").decimalValue() : null);
                insert.setBigDecimal(7, line.path("lineAmount").decimalValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        int count = kept;
        QuarkusTransaction.requiringNew().run(() -> ReconRun.update(
                "erpInvoiceLines = erpInvoiceLines + ?1 where id = ?2", count, runId));
    }

    /** Whether another page of the current read follows. */
    public boolean more(Exchange exchange) {
        return exchange.getProperty(MORE, false, Boolean.class);
    }

    /** Back to page 1 for the next read of the same project. */
    public void restart(Exchange exchange) {
        exchange.setProperty(PAGE, 1);
        exchange.setProperty(MORE, true);
    }

    /**
     * Moves to the next page, trusting a system's paging only as far as it can be checked: the answer must be the
     * page asked for (one that ignores the page parameter would be read forever), and a project has at most
     * {@code ledgerbridge.reconciliation.max-pages} pages. Either failure fails the run with the reason.
     */
    private void advance(Exchange exchange, String system, int answeredPage, boolean more) {
        int page = exchange.getProperty(PAGE, Integer.class);
        Long project = exchange.getProperty(PROJECT, Long.class);
        if (answeredPage != page) {
            throw new IllegalStateException(system + " answered page " + answeredPage + " when asked for page " + page
                    + " of project " + project + ": its paging cannot be followed, the run stops");
        }
        int maxPages = config.reconciliation().maxPages();
        if (more && page >= maxPages) {
            throw new IllegalStateException(system + " has more than " + maxPages + " pages of project " + project
                    + " in the period (ledgerbridge.reconciliation.max-pages): the run stops rather than read on");
        }
        exchange.setProperty(MORE, more);
        exchange.setProperty(PAGE, page + 1);
    }

    /**
     * Finds what only the whole of both snapshots shows (their pages were matched against the store and paired with
     * each other as they arrived, see {@link #sourcePage} and {@link #erpPage}): the posted entries no ERP page
     * brought, the ERP's entries nobody posted; one SQL statement per kind of finding. Then compares the invoices and
     * the revenue position of each project whose legal entity closed the period ({@link RevenuePositions}), and
     * completes the run.
     */
    public void match(Exchange exchange) throws SQLException {
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        long matchStart = System.nanoTime();
        List<String> steps = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            long analyzeStart = System.nanoTime();
            List<String> analyzed = analyzeSnapshots(connection);
            steps.add("analyze " + String.join(" ", analyzed) + " " + (System.nanoTime() - analyzeStart) / 1_000_000
                    + " ms");
            // transferred, and no page of the ERP brought it (pairs were made and compared as the pages arrived)
            timed(steps, "missing-in-erp", connection, FINDING + "select s.run_id, 'MISSING_IN_TARGET', s.project_id, "
                    + "p.currency, s.source_id, s.target_id, s.target_id, null, 'transferred as ' || s.target_id "
                    + "|| ' but the ERP does not hold it', s.sync_record_id, null, false from recon_source_entry s "
                    + "join project p on p.id = s.project_id where s.run_id = ? and s.sync_record_id is not null and "
                    + "not s.paired", runId);
            // ERP time not ours: the twin of one of ours (same person, task, day and minutes), or nobody's
            String twin = "exists (select 1 from recon_erp_entry o where o.run_id = e.run_id and o.project_id = "
                    + "e.project_id and o.erp_entry_id <> e.erp_entry_id and o.sync_record_id is not null and "
                    + "o.erp_user_id = e.erp_user_id and o.erp_task_id = e.erp_task_id and o.work_date = e.work_date "
                    + "and o.minutes = e.minutes)";
            // the ERP entries nobody posted, each checked once for a twin
            String theirs = "(select e.run_id, e.project_id, e.erp_entry_id, e.minutes, case when " + twin + " then 1 "
                    + "else 0 end as twin from recon_erp_entry e where e.run_id = ? and e.sync_record_id is null) t";
            timed(steps, "duplicated/orphan", connection, FINDING + "select t.run_id, case when t.twin = 1 "
                    + "then 'DUPLICATED_IN_TARGET' else 'ORPHAN_IN_TARGET' end, t.project_id, p.currency, null, "
                    + "t.erp_entry_id, null, cast(t.minutes as varchar(20)), case when t.twin = 1 then 'the ERP holds "
                    + "this time twice: same person, task, day and minutes as an entry ledgerbridge posted' else 'the "
                    + "ERP holds time no approved source entry is behind' end, null, null, false from " + theirs
                    + " join project p on p.id = t.project_id", runId);
            long invoicesStart = System.nanoTime();
            int invoiceFindings = matchInvoices(connection, runId);
            steps.add("invoices " + invoiceFindings + " in " + (System.nanoTime() - invoicesStart) / 1_000_000
                    + " ms");
        }
        long revenueStart = System.nanoTime();
        int revenueFindings = revenue.match(runId, period(exchange).toString(), scope(exchange));
        steps.add("revenue " + revenueFindings + " in " + (System.nanoTime() - revenueStart) / 1_000_000 + " ms");
        // those of the pages (found while they were read) and those of the match
        int total = QuarkusTransaction.requiringNew().call(() -> (int) ReconFinding.count("runId", runId));
        LOG.infof("reconciliation run %d matched in %d ms, %d findings (%s)", runId,
                (System.nanoTime() - matchStart) / 1_000_000, total, String.join(", ", steps));
        // owned before the run shows as completed: whoever reads its findings then sees their owners
        ownership.ownFindings(runId);
        QuarkusTransaction.requiringNew().run(() -> ReconRun.update(
                "status = ?1, findings = ?2, finishedAt = ?3 where id = ?4", ReconRun.Status.COMPLETED, total,
                StoreTime.now(), runId));
    }

    /**
     * The ERP's invoice lines against the planned ones, paired by description (the n-th ERP line of a description
     * with the n-th planned one): a paired line of another amount, a planned line the invoice lacks, an extra copy of
     * a planned line, a line nothing was planned for.
     */
    private static int matchInvoices(Connection connection, Long runId) throws SQLException {
        String erp = "(select l.*, row_number() over (partition by l.billing_run_id, l.description order by "
                + "l.line_no) as n from recon_erp_line l where l.run_id = ?)";
        String planned = "(select i.*, row_number() over (partition by i.billing_run_id, i.description order by "
                + "i.line_no) as n from invoice_line i where i.billing_run_id in (select distinct billing_run_id from "
                + "recon_erp_line where run_id = ?))";
        String insert = "insert into recon_finding (run_id, finding_type, project_id, currency, billing_run_id, "
                + "erp_entry_id, expected, actual, detail, replay_candidate) ";
        int findings = 0;
        findings += update(connection, insert + "select ?, 'AMOUNT_DIFFERS', b.project_id, b.currency, b.id, "
                + "b.erp_invoice_id, cast(p.line_amount as varchar(30)), cast(e.line_amount as varchar(30)), "
                + "'invoice ' || coalesce(b.erp_invoice_number, b.erp_invoice_id) || ' line ' || cast(e.line_no as "
                + "varchar(10)) || ' (' || e.description || ') holds another amount than planned', false from " + erp
                + " e join " + planned + " p on p.billing_run_id = e.billing_run_id and p.description = e.description "
                + "and p.n = e.n join billing_run b on b.id = e.billing_run_id where e.line_amount <> p.line_amount",
                runId, runId, runId);
        findings += update(connection, insert + "select ?, 'MISSING_IN_TARGET', b.project_id, b.currency, b.id, "
                + "b.erp_invoice_id, cast(p.line_amount as varchar(30)), null, 'invoice ' || coalesce("
                + "b.erp_invoice_number, b.erp_invoice_id) || ' lacks the planned line ' || cast(p.line_no as "
                + "varchar(10)) || ' (' || p.description || ')', false from " + planned + " p join billing_run b on "
                + "b.id = p.billing_run_id where not exists (select 1 from " + erp + " e where e.billing_run_id = "
                + "p.billing_run_id and e.description = p.description and e.n = p.n)", runId, runId, runId);
        findings += update(connection, insert + "select ?, 'DUPLICATED_IN_TARGET', b.project_id, b.currency, b.id, "
                + "b.erp_invoice_id, null, cast(e.line_amount as varchar(30)), 'invoice ' || coalesce("
                + "b.erp_invoice_number, b.erp_invoice_id) || ' line ' || cast(e.line_no as varchar(10)) || ' repeats "
                + "a planned line (' || e.description || ')', false from " + erp + " e join billing_run b on b.id = "
                + "e.billing_run_id where e.n > (select count(*) from invoice_line c where c.billing_run_id = "
                + "e.billing_run_id and c.description = e.description) and exists (select 1 from invoice_line p2 "
                + "where p2.billing_run_id = e.billing_run_id and p2.description = e.description)",
                runId, runId);
        findings += update(connection, insert + "select ?, 'ORPHAN_IN_TARGET', b.project_id, b.currency, b.id, "
                + "b.erp_invoice_id, null, cast(e.line_amount as varchar(30)), 'invoice ' || coalesce("
                + "b.erp_invoice_number, b.erp_invoice_id) || ' line ' || cast(e.line_no as varchar(10)) || ' (' || "
                + "e.description || ') was not planned by any billing run', false from " + erp + " e join billing_run "
                + "b on b.id = e.billing_run_id where not exists (select 1 from invoice_line p where p.billing_run_id "
                + "= e.billing_run_id and p.description = e.description)", runId, runId);
        return findings;
    }

    /**
     * Fresh statistics of the snapshot tables before they are joined: a run has just added up to millions of rows,
     * which the planner would otherwise take for the few it saw last time (and join them row by row). On PostgreSQL a
     * table autovacuum is analyzing at that moment (it starts on tables that grew by a tenth, as the snapshots do
     * while a run reads them) is left to it rather than waited for: its statistics are of this run's rows.
     */
    private static List<String> analyzeSnapshots(Connection connection) throws SQLException {
        boolean postgres = StoreSql.postgres(connection);
        try (var statement = connection.createStatement()) {
            for (String table : ReconRun.SNAPSHOT_TABLES) {
                statement.execute(postgres ? "analyze (skip_locked) " + table : "analyze table " + table);
            }
        }
        return ReconRun.SNAPSHOT_TABLES;
    }

    /**
     * Before a run reads its first page: fresh statistics of the store's tables each page is matched against
     * (sync records, dead letters) when they are missing or behind (a tenth of the rows changed since). After a
     * backfill PostgreSQL's autovacuum analyzes them only some time later, and a page's lookups planned on the old
     * statistics read the whole table for every page (a match planned so once took over ten minutes).
     */
    void prepareStore() {
        try (Connection connection = dataSource.getConnection()) {
            statistics.analyzeStale(connection, true, "sync_record", "dead_letter");
        } catch (SQLException failed) {
            throw new IllegalStateException("the store's statistics could not be read: " + failed.getMessage(), failed);
        }
    }

    /** Runs one finding statement and notes its rows and time for the run's log line. */
    private static int timed(List<String> steps, String step, Connection connection, String sql, Object... params)
            throws SQLException {
        long start = System.nanoTime();
        int rows = update(connection, sql, params);
        steps.add(step + " " + rows + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        return rows;
    }

    private static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }

    private ProjectRecord project(Exchange exchange) {
        Long id = exchange.getProperty(PROJECT, Long.class);
        return QuarkusTransaction.requiringNew().call(() -> ProjectRecord.findById(id));
    }

    private YearMonth period(Exchange exchange) {
        Long runId = exchange.getMessage().getHeader(RUN, Long.class);
        return YearMonth.parse(QuarkusTransaction.requiringNew().call(() -> ReconRun.<ReconRun>findById(runId).period));
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new FlowFailure(ErrorClass.TARGET_REJECTED, "not JSON: " + e.getOriginalMessage());
        }
    }

    private static String truncate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1999) + "…";
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }
}
