package io.ledgerbridge.reconcile.rest;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.reconcile.ReconRun;
import io.ledgerbridge.reconcile.Reconciliations;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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

    /** Which period, for which projects (every project known in PSA and ERP when absent). */
    public record RunRequest(@NotNull @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])") String period, List<Long> projects) {
    }

    private final Reconciliations reconciliations;
    private final Audit audit;

    ReconciliationResource(Reconciliations reconciliations, Audit audit) {
        this.reconciliations = reconciliations;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Reconcile a period: approved in the source vs transferred vs held by the ERP (runs in the background)")
    public Response start(@NotNull @Valid RunRequest request) {
        ReconRun run = reconciliations.start(request.period(), request.projects(), audit.actor());
        audit.record("reconciliation", "reconciliation/" + run.id, "period " + request.period(), "STARTED");
        return Response.accepted(view(run, List.of())).location(URI.create("/admin/reconciliations/" + run.id))
                .build();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "A reconciliation run with its findings and the records and dead letters behind them")
    public Map<String, Object> get(@PathParam("id") long id) {
        ReconRun run = ReconRun.<ReconRun>findByIdOptional(id)
                .orElseThrow(() -> Problem.notFound("reconciliation", id));
        return view(run, ReconFinding.ofRun(id));
    }

    private static Map<String, Object> view(ReconRun run, List<ReconFinding> findings) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id);
        view.put("period", run.period);
        view.put("projects", run.projectFilter);
        view.put("status", run.status);
        view.put("requestedBy", run.requestedBy);
        view.put("sourceEntries", run.sourceEntries);
        view.put("erpEntries", run.erpEntries);
        view.put("erpInvoiceLines", run.erpInvoiceLines);
        view.put("findingCount", run.findings);
        view.put("error", run.error);
        view.put("startedAt", run.startedAt);
        view.put("finishedAt", run.finishedAt);
        view.put("findings", findings.stream().map(f -> {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("type", f.type);
            finding.put("projectId", f.projectId);
            finding.put("currency", f.currency);
            finding.put("sourceId", f.sourceId);
            finding.put("erpEntryId", f.erpEntryId);
            finding.put("expected", f.expected);
            finding.put("actual", f.actual);
            finding.put("detail", f.detail);
            finding.put("syncRecord", f.syncRecordId == null ? null : "/admin/sync-records?key=harvest:time-entry:"
                    + f.sourceId);
            finding.put("deadLetter", f.deadLetterId == null ? null : "/admin/dead-letters/" + f.deadLetterId);
            finding.put("billingRun", f.billingRunId == null ? null : "/admin/billing-runs/" + f.billingRunId);
            finding.put("replayCandidate", f.replayCandidate);
            return finding;
        }).toList());
        return view;
    }
}
