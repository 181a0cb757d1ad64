package io.ledgerbridge.reconcile.rest;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.reconcile.ReconRun;
import io.ledgerbridge.reconcile.Reconciliations;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Starting a reconciliation and reading its findings. */
@Path("/admin/reconciliations")
@Tag(name = "reconciliation")
@Produces(MediaType.APPLICATION_JSON)
public class ReconciliationResource {

    /**
     * Which period, for which projects (every project known in PSA and ERP when absent), of which legal entity
     * (mappings/entities.json: the projects of its regions, in its ERP; every entity when absent).
     */
    public record RunRequest(@NotNull @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])") String period, List<Long> projects,
            @Pattern(regexp = "[A-Z][A-Z0-9-]{1,15}", message = "entity must be an entity code of mappings/entities.json")
            String entity) {
    }

    private final Reconciliations reconciliations;
    private final Audit audit;
    private final io.ledgerbridge.privacy.PersonalData personalData;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    ReconciliationResource(Reconciliations reconciliations, Audit audit,
            io.ledgerbridge.privacy.PersonalData personalData, io.quarkus.security.identity.SecurityIdentity identity) {
        this.reconciliations = reconciliations;
        this.audit = audit;
        this.personalData = personalData;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Reconcile a period, of every legal entity or one: approved in the source vs transferred vs held by the entity's ERP (runs in the background)")
    public Response start(@NotNull @Valid RunRequest request) {
        List<Long> projects = request.entity() == null ? request.projects()
                : reconciliations.projectsOf(request.entity(), request.projects());
        ReconRun run = reconciliations.start(request.period(), projects, audit.actor());
        audit.record("reconciliation", "reconciliation/" + run.id, "period " + request.period()
                + (request.entity() == null ? "" : " of entity " + request.entity()), "STARTED");
        return Response.accepted(view(run, List.of())).location(URI.create("/admin/reconciliations/" + run.id))
                .build();
    }

    @GET
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Reconciliation runs, newest first (optionally of one period), without their findings")
    public List<Map<String, Object>> list(@QueryParam("period") @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])",
            message = "period must be YYYY-MM") String period,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        List<ReconRun> runs = period == null
                ? ReconRun.<ReconRun>find("order by id desc").page(0, limit).list()
                : ReconRun.<ReconRun>find("period = ?1 order by id desc", period).page(0, limit).list();
        return runs.stream().map(run -> view(run, null)).toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "A reconciliation run with its findings and the records and dead letters behind them",
            description = "projectId and type narrow the findings listed (the counts stay those of the whole run).")
    public Map<String, Object> get(@PathParam("id") long id, @QueryParam("projectId") Long projectId,
            @QueryParam("type") String type) {
        ReconRun run = ReconRun.<ReconRun>findByIdOptional(id)
                .orElseThrow(() -> Problem.notFound("reconciliation", id));
        if (type != null && java.util.Arrays.stream(ReconFinding.Type.values()).noneMatch(t -> t.name().equals(type))) {
            throw new ProblemException(Problem.of(400, "invalid-filter", "Invalid filter", "type must be one of "
                    + java.util.Arrays.toString(ReconFinding.Type.values())));
        }
        return view(run, ReconFinding.ofRun(id).stream()
                .filter(f -> projectId == null || projectId.equals(f.projectId))
                .filter(f -> type == null || type.equals(f.type)).toList());
    }

    /** A run and its findings; the texts (error, details quoting a vendor's answer) masked for viewers. */
    private Map<String, Object> view(ReconRun run, List<ReconFinding> findings) {
        java.util.function.UnaryOperator<String> shown = personalData.shownTo(identity);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id);
        view.put("period", run.period);
        view.put("projects", run.projectFilter);
        view.put("status", run.status);
        view.put("requestedBy", run.requestedBy);
        view.put("runBy", run.runBy);
        view.put("sourceEntries", run.sourceEntries);
        view.put("erpEntries", run.erpEntries);
        view.put("erpInvoiceLines", run.erpInvoiceLines);
        view.put("findingCount", run.findings);
        view.put("error", shown.apply(run.error));
        view.put("startedAt", run.startedAt);
        view.put("finishedAt", run.finishedAt);
        view.put("snapshotsRemovedAt", run.snapshotsRemovedAt);
        if (findings == null) {
            return view;
        }
        view.put("findings", findings.stream().map(f -> findingView(f, shown, reconciliations)).toList());
        return view;
    }

    /** A finding as the API shows it: what differs, the records behind it, and who owns it until when. */
    static Map<String, Object> findingView(ReconFinding f, java.util.function.UnaryOperator<String> shown,
            Reconciliations reconciliations) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("id", f.id);
        finding.put("run", f.runId);
        finding.put("type", f.type);
        finding.put("projectId", f.projectId);
        finding.put("currency", f.currency);
        finding.put("sourceId", f.sourceId);
        finding.put("erpEntryId", f.erpEntryId);
        finding.put("expected", f.expected);
        finding.put("actual", f.actual);
        finding.put("detail", shown.apply(f.detail));
        finding.put("syncRecord", f.syncRecordId == null ? null : "/admin/sync-records?key="
                + reconciliations.timeEntryKey(f.sourceId));
        finding.put("deadLetter", f.deadLetterId == null ? null : "/admin/dead-letters/" + f.deadLetterId);
        finding.put("billingRun", f.billingRunId == null ? null : "/admin/billing-runs/" + f.billingRunId);
        finding.put("replayCandidate", f.replayCandidate);
        finding.put("status", f.status);
        finding.put("entity", f.entity);
        finding.put("team", f.ownerTeam);
        finding.put("assignee", f.assignee);
        finding.put("foundAt", f.createdAt);
        finding.put("dueAt", f.dueAt);
        finding.put("overdue", io.ledgerbridge.ownership.Ownership.overdue(f.status == ReconFinding.Status.OPEN,
                f.dueAt));
        finding.put("escalatedAt", f.escalatedAt);
        finding.put("resolution", shown.apply(f.resolution));
        if (ReconFinding.Type.CAP_EXCEEDED.name().equals(f.type)) {
            // the approved time beyond the cap, held (or released, or written off) by this finding
            finding.put("heldEntries", io.quarkus.narayana.jta.QuarkusTransaction.joiningExisting().call(() ->
                    io.ledgerbridge.billing.BillableItem.<io.ledgerbridge.billing.BillableItem>list(
                            "findingId = ?1 order by workDate, id", f.id).stream().map(item -> {
                                Map<String, Object> entry = new LinkedHashMap<>();
                                entry.put("system", item.sourceSystem);
                                entry.put("id", item.sourceId);
                                entry.put("date", item.workDate);
                                entry.put("hours", item.quantity);
                                entry.put("amount", io.ledgerbridge.money.Money.shown(item.amount, item.currency));
                                entry.put("role", item.role);
                                entry.put("status", item.status);
                                return entry;
                            }).toList()));
        }
        return finding;
    }
}
