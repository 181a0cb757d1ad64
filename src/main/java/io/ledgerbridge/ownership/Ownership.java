package io.ledgerbridge.ownership;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.reconcile.ReconRun;
import io.ledgerbridge.store.StoreTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * Who owns each exception and until when: a new dead letter or reconciliation finding gets its owning team
 * ({@link Teams}) and its due time (failed or found at plus its flow's resolution SLA, {@link Slas}); operators take
 * or assign it (audited); an open one past its due time is escalated once, as a CloudEvent to
 * {@code ledgerbridge.events.escalations} and in {@code ledgerbridge_escalations_total}.
 */
@ApplicationScoped
@Startup
public class Ownership {

    private static final Logger LOG = Logger.getLogger(Ownership.class);
    private static final Pattern BILLING_KEY = Pattern.compile("billing:project-(\\d+):.*");
    /** Escalated per tick at most, per kind; the next tick takes the rest. */
    private static final int ESCALATION_BATCH = 200;

    /** The two kinds of exception an operator owns. */
    public enum Kind {
        DEAD_LETTER("dead-letter", "DeadLetter", "dead_letter"), FINDING("finding", "ReconFinding", "finding");

        /** In audit targets and URLs. */
        public final String path;
        final String entity;
        /** In metric tags. */
        public final String tag;

        Kind(String path, String entity, String tag) {
            this.path = path;
            this.entity = entity;
            this.tag = tag;
        }
    }

    /** Who should own an exception: another team, a member of the team (null: the team as a whole), and why. */
    public record Assignment(@Size(max = 64) String team, @Size(max = 128) String assignee,
            @Size(max = 1000) String note) {
    }

    /** Who owns an exception now. */
    public record Owner(String team, String assignee, Instant dueAt, Instant escalatedAt) {
    }

    private final Teams teams;
    private final Slas slas;
    private final Audit audit;
    private final EntityManager store;
    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final String escalations;
    private final MeterRegistry registry;
    private final Map<String, Counter> escalated = new ConcurrentHashMap<>();

    Ownership(Teams teams, Slas slas, Audit audit, EntityManager store, ProducerTemplate producer, ObjectMapper json,
            LedgerbridgeConfig config, MeterRegistry registry) {
        this.teams = teams;
        this.slas = slas;
        this.audit = audit;
        this.store = store;
        this.producer = producer;
        this.json = json;
        this.escalations = config.events().escalations();
        this.registry = registry;
        for (Teams.Team team : teams.all()) {
            for (Kind kind : Kind.values()) {
                counter(kind, team.id());
            }
        }
        this.open = MultiGauge.builder("ledgerbridge.exceptions.open")
                .description("Open dead letters and reconciliation findings by kind and owning team").register(registry);
        this.overdue = MultiGauge.builder("ledgerbridge.exceptions.overdue")
                .description("Open dead letters and findings past their due time (the flow's resolution SLA)")
                .register(registry);
        slas.configured().forEach((flow, levels) -> levels.forEach((level, duration) -> Gauge.builder(
                "ledgerbridge.sla.seconds", duration::toSeconds).description("The configured SLA of the flow")
                .tags("flow", flow, "sla", level).register(registry)));
        Gauge.builder("ledgerbridge.sla.seconds", () -> slas.resolution(null).toSeconds())
                .description("The configured SLA of the flow").tags("flow", "default", "sla", "resolution")
                .register(registry);
    }

    /** Whether an exception still open is past its due time (one rule for dead letters and findings alike). */
    public static boolean overdue(boolean open, Instant dueAt) {
        return open && dueAt != null && dueAt.isBefore(Instant.now());
    }

    private final MultiGauge open;
    private final MultiGauge overdue;

    /** Refreshes the open and overdue gauges (every team and kind has a series, 0 when nothing is open). */
    private void refreshGauges() {
        List<MultiGauge.Row<?>> openRows = new java.util.ArrayList<>();
        List<MultiGauge.Row<?>> overdueRows = new java.util.ArrayList<>();
        for (Count count : counts()) {
            Tags tags = Tags.of("kind", count.kind().tag, "team", count.team());
            openRows.add(MultiGauge.Row.of(tags, count.open()));
            overdueRows.add(MultiGauge.Row.of(tags, count.overdue()));
        }
        open.register(openRows, true);
        overdue.register(overdueRows, true);
    }

    /**
     * Gives a new dead letter its legal entity (from the ERP project the flow was working on, or the billing run's
     * project), its team and its due time; runs in the recorder's transaction.
     */
    public void own(DeadLetter letter, String erpProjectId) {
        if (letter.entity == null) {
            letter.entity = entityOf(erpProjectId, letter.businessKey);
        }
        letter.ownerTeam = teams.ownerOf(new Teams.Subject(letter.flow,
                letter.errorClass == null ? null : letter.errorClass.name(), null, letter.entity));
        letter.dueAt = letter.createdAt.plus(slas.resolution(letter.flow));
    }

    /**
     * Gives a finding raised outside a reconciliation run (a billing exception, e.g. work beyond a cap) its legal
     * entity (its project's region), team and due time; runs in the caller's transaction.
     */
    public void own(ReconFinding finding) {
        ProjectRecord project = ProjectRecord.findById(finding.projectId);
        finding.entity = project == null ? null : project.region;
        finding.ownerTeam = teams.ownerOf(new Teams.Subject(Slas.RECONCILIATION, null, finding.type, finding.entity));
        finding.dueAt = finding.createdAt.plus(slas.resolution(Slas.RECONCILIATION));
    }

    private static String entityOf(String erpProjectId, String businessKey) {
        if (erpProjectId != null) {
            return ProjectRecord.<ProjectRecord>find("erpProjectId", erpProjectId).firstResultOptional()
                    .map(project -> project.region).orElse(null);
        }
        Matcher billing = businessKey == null ? null : BILLING_KEY.matcher(businessKey);
        if (billing != null && billing.matches()) {
            ProjectRecord project = ProjectRecord.findById(Long.valueOf(billing.group(1)));
            return project == null ? null : project.region;
        }
        return null;
    }

    /**
     * The findings of a completed run get their entity (the project's region), team and due time; the open findings
     * of earlier runs of the same period and projects are superseded (this run found again what still differs).
     */
    public void ownFindings(long runId) {
        Instant now = StoreTime.now();
        Instant due = now.plus(slas.resolution(Slas.RECONCILIATION));
        QuarkusTransaction.requiringNew().run(() -> {
            ReconRun run = ReconRun.findById(runId);
            store.createNativeQuery("update recon_finding set created_at = ?1, entity = (select p.region from project p "
                    + "where p.id = recon_finding.project_id) where run_id = ?2").setParameter(1, now)
                    .setParameter(2, runId).executeUpdate();
            @SuppressWarnings("unchecked")
            List<Object[]> kinds = store.createNativeQuery("select distinct finding_type, entity from recon_finding "
                    + "where run_id = ?1").setParameter(1, runId).getResultList();
            for (Object[] kind : kinds) {
                String type = (String) kind[0];
                String entity = (String) kind[1];
                String team = teams.ownerOf(new Teams.Subject(Slas.RECONCILIATION, null, type, entity));
                if (entity == null) {
                    ReconFinding.update("ownerTeam = ?1, dueAt = ?2 where runId = ?3 and type = ?4 and entity is null",
                            team, due, runId, type);
                } else {
                    ReconFinding.update("ownerTeam = ?1, dueAt = ?2 where runId = ?3 and type = ?4 and entity = ?5",
                            team, due, runId, type, entity);
                }
            }
            String earlier = "status = ?1 where status = ?2 and runId < ?3 and runId in (select r.id from ReconRun r "
                    + "where r.period = ?4)";
            if (run.projectFilter == null) {
                ReconFinding.update(earlier, ReconFinding.Status.SUPERSEDED, ReconFinding.Status.OPEN, runId,
                        run.period);
            } else {
                ReconFinding.update(earlier + " and projectId in ?5", ReconFinding.Status.SUPERSEDED,
                        ReconFinding.Status.OPEN, runId, run.period, Arrays.stream(run.projectFilter.split(","))
                                .map(Long::valueOf).toList());
            }
        });
    }

    /** The caller takes the exception: they become its assignee. */
    public Owner take(Kind kind, long id) {
        Owner before = current(kind, id);
        return change(kind, id, before, before.team(), audit.actor(), "take", null);
    }

    /**
     * Hands the exception to another team and/or person. The assignee must be a member of the (new) team; a null
     * assignee leaves it to the team. A team change without an assignee unassigns it.
     */
    public Owner assign(Kind kind, long id, String team, String assignee, String note) {
        Owner before = current(kind, id);
        String newTeam = team == null || team.isBlank() ? before.team() : team.trim();
        if (!teams.exists(newTeam)) {
            throw new ProblemException(Problem.of(422, "unknown-team", "Unknown team", "team '" + newTeam
                    + "' is not in the ownership file; teams: " + teams.all().stream().map(Teams.Team::id).toList()));
        }
        String newAssignee = assignee == null || assignee.isBlank() ? null : assignee.trim();
        if (newAssignee != null && !teams.isMember(newTeam, newAssignee)) {
            throw new ProblemException(Problem.of(422, "not-a-member", "Not a member of the team", "'" + newAssignee
                    + "' is not a member of team '" + newTeam + "' (mappings/ownership.json)"));
        }
        return change(kind, id, before, newTeam, newAssignee, "assign", note);
    }

    private Owner change(Kind kind, long id, Owner before, String team, String assignee, String action, String note) {
        String target = kind.path + "/" + id;
        int changed = QuarkusTransaction.requiringNew().call(() -> store.createQuery("update " + kind.entity
                + " set ownerTeam = :team, assignee = :assignee where id = :id and status in :open")
                .setParameter("team", team).setParameter("assignee", assignee).setParameter("id", id)
                .setParameter("open", openStatuses(kind)).executeUpdate());
        if (changed == 0) {
            audit.record(action, target, "refused: no longer open", "REFUSED");
            throw new ProblemException(Problem.of(409, "not-open", "Not open", kind.path + " " + id
                    + " is closed; only an open one is taken or assigned"));
        }
        String detail = "team " + before.team() + " -> " + team + "; assignee " + before.assignee() + " -> "
                + assignee + (note == null || note.isBlank() ? "" : "; " + note.trim());
        audit.record(action, target, detail, "OK");
        return current(kind, id);
    }

    /** Who owns it now; 404 when there is no such exception. */
    public Owner current(Kind kind, long id) {
        List<?> found = QuarkusTransaction.requiringNew().call(() -> store.createQuery("select ownerTeam, assignee, "
                + "dueAt, escalatedAt from " + kind.entity + " where id = :id").setParameter("id", id)
                .getResultList());
        if (found.isEmpty()) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", "no " + kind.path + " " + id));
        }
        Object[] row = (Object[]) found.get(0);
        return new Owner((String) row[0], (String) row[1], (Instant) row[2], (Instant) row[3]);
    }

    private static List<?> openStatuses(Kind kind) {
        return kind == Kind.DEAD_LETTER ? List.of(DeadLetter.Status.OPEN, DeadLetter.Status.REPLAYING)
                : List.of(ReconFinding.Status.OPEN);
    }

    /**
     * Every tick: exceptions recorded before owners existed get theirs, and each open exception past its due time is
     * escalated once. An escalation is claimed in the store before its event is sent (so two instances do not both
     * send it) and released again if the event could not be sent (so the next tick tries again).
     */
    @Scheduled(identity = "ownership-escalation", every = "{ledgerbridge.ownership.escalation-interval}",
            delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            ownUnowned();
            for (Kind kind : Kind.values()) {
                escalate(kind);
            }
            refreshGauges();
        } catch (RuntimeException failed) {
            LOG.warnf("escalation check failed, tried again next tick: %s", failed.getMessage());
        }
    }

    private void ownUnowned() {
        QuarkusTransaction.requiringNew().run(() -> {
            List<DeadLetter> unowned = DeadLetter.<DeadLetter>find("ownerTeam is null").page(0, 500).list();
            unowned.forEach(letter -> own(letter, erpProjectOf(letter.headers)));
        });
        List<Long> runs = QuarkusTransaction.requiringNew().call(() -> store.createQuery("select distinct f.runId from "
                + "ReconFinding f where f.ownerTeam is null and f.runId in (select r.id from ReconRun r where r.status "
                + "= :completed)", Long.class).setParameter("completed", ReconRun.Status.COMPLETED).getResultList());
        runs.forEach(this::ownFindings);
    }

    private String erpProjectOf(String headers) {
        try {
            return headers == null ? null : json.readTree(headers).path(FlowHeaders.ERP_PROJECT_ID).textValue();
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private void escalate(Kind kind) {
        Instant now = StoreTime.now();
        List<Long> overdue = QuarkusTransaction.requiringNew().call(() -> store.createQuery("select id from "
                + kind.entity + " where status in :open and dueAt < :now and escalatedAt is null order by dueAt",
                Long.class).setParameter("open", openStatuses(kind)).setParameter("now", now)
                .setMaxResults(ESCALATION_BATCH).getResultList());
        for (Long id : overdue) {
            int claimed = QuarkusTransaction.requiringNew().call(() -> store.createQuery("update " + kind.entity
                    + " set escalatedAt = :now where id = :id and escalatedAt is null").setParameter("now", now)
                    .setParameter("id", id).executeUpdate());
            if (claimed == 0) {
                continue;
            }
            try {
                Escalation escalation = escalation(kind, id);
                producer.sendBodyAndHeader(escalations, json.writeValueAsString(escalation.event()), "kafka.KEY",
                        kind.path + "-" + id);
                counter(kind, escalation.team()).increment();
                audit.record("ledgerbridge", "escalate", kind.path + "/" + id, "overdue since " + escalation.dueAt()
                        + "; team " + escalation.team() + "; assignee " + escalation.assignee(), "ESCALATED");
            } catch (RuntimeException | JsonProcessingException failed) {
                QuarkusTransaction.requiringNew().run(() -> store.createQuery("update " + kind.entity
                        + " set escalatedAt = null where id = :id").setParameter("id", id).executeUpdate());
                LOG.warnf("escalation of %s %d not sent, tried again next tick: %s", kind.path, id,
                        failed.getMessage());
                return;
            }
        }
    }

    /** An overdue exception as its escalation event tells it. */
    private record Escalation(String team, String assignee, Instant dueAt, ObjectNode event) {
    }

    private Escalation escalation(Kind kind, long id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ObjectNode event = json.createObjectNode();
            ObjectNode data = json.createObjectNode();
            String team;
            String assignee;
            Instant due;
            if (kind == Kind.DEAD_LETTER) {
                DeadLetter letter = DeadLetter.findById(id);
                team = letter.ownerTeam;
                assignee = letter.assignee;
                due = letter.dueAt;
                data.put("flow", letter.flow);
                data.put("errorClass", letter.errorClass == null ? null : letter.errorClass.name());
                data.put("businessKey", letter.businessKey);
                data.put("failedAt", letter.createdAt.toString());
                data.put("entity", letter.entity);
                event.put("subject", letter.businessKey);
            } else {
                ReconFinding finding = ReconFinding.findById(id);
                team = finding.ownerTeam;
                assignee = finding.assignee;
                due = finding.dueAt;
                data.put("flow", Slas.RECONCILIATION);
                data.put("findingType", finding.type);
                data.put("reconciliationRun", finding.runId);
                data.put("projectId", finding.projectId);
                data.put("foundAt", Objects.toString(finding.createdAt, null));
                data.put("entity", finding.entity);
            }
            data.put("id", id);
            data.put("kind", kind.path);
            data.put("team", team);
            data.put("assignee", assignee);
            data.put("dueAt", due.toString());
            data.put("link", "/admin/" + (kind == Kind.DEAD_LETTER ? "dead-letters/" : "findings/") + id);
            event.put("specversion", "1.0");
            event.put("id", "escalation-" + kind.path + "-" + id);
            event.put("source", "/ledgerbridge/ownership");
            event.put("type", "io.ledgerbridge." + kind.path.replace("-", "") + ".escalated");
            event.put("time", StoreTime.now().toString());
            event.put("datacontenttype", "application/json");
            event.set("data", data);
            return new Escalation(team, assignee, due, event);
        });
    }

    private Counter counter(Kind kind, String team) {
        return escalated.computeIfAbsent(kind.tag + "/" + team, key -> Counter.builder("ledgerbridge.escalations")
                .description("Exceptions escalated as overdue, by kind and owning team").tag("kind", kind.tag)
                .tag("team", String.valueOf(team)).register(registry));
    }

    /** Open and overdue exceptions by kind and team (the gauges' source). */
    public record Count(Kind kind, String team, long open, long overdue) {
    }

    /** Open and overdue counts of every kind and team (a team with nothing open counts 0). */
    public List<Count> counts() {
        Instant now = StoreTime.now();
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Count> counts = new java.util.ArrayList<>();
            for (Kind kind : Kind.values()) {
                Map<String, long[]> byTeam = new java.util.LinkedHashMap<>();
                teams.all().forEach(team -> byTeam.put(team.id(), new long[2]));
                store.createQuery("select ownerTeam, count(id), sum(case when dueAt < :now then 1 else 0 end) from "
                        + kind.entity + " where status in :open and ownerTeam is not null group by ownerTeam",
                        Object[].class).setParameter("now", now).setParameter("open", openStatuses(kind))
                        .getResultList().forEach(row -> {
                            long[] n = byTeam.computeIfAbsent((String) row[0], t -> new long[2]);
                            n[0] = ((Number) row[1]).longValue();
                            n[1] = row[2] == null ? 0 : ((Number) row[2]).longValue();
                        });
                byTeam.forEach((team, n) -> counts.add(new Count(kind, team, n[0], n[1])));
            }
            return counts;
        });
    }
}
