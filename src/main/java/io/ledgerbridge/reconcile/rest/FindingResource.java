package io.ledgerbridge.reconcile.rest;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.ownership.OwnerFilter;
import io.ledgerbridge.ownership.Ownership;
import io.ledgerbridge.privacy.PersonalData;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.contract.Contracts;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.reconcile.Reconciliations;
import io.ledgerbridge.store.Paging;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The reconciliation findings as an operator's work queue: find, take, assign, resolve. */
@Path("/admin/findings")
@Tag(name = "reconciliation")
@Produces(MediaType.APPLICATION_JSON)
public class FindingResource {

    /** Why an operator closes a finding. */
    public record Reason(@NotBlank @Size(max = 1000) String reason) {
    }

    /** One page of findings. */
    public record FindingPage(List<Map<String, Object>> items, int page, int size, long total) {
    }

    private final Ownership ownership;
    private final Audit audit;
    private final PersonalData personalData;
    private final SecurityIdentity identity;

    private final Reconciliations reconciliations;
    private final Contracts contracts;

    FindingResource(Ownership ownership, Audit audit, PersonalData personalData, SecurityIdentity identity,
            Reconciliations reconciliations, Contracts contracts) {
        this.reconciliations = reconciliations;
        this.contracts = contracts;
        this.ownership = ownership;
        this.audit = audit;
        this.personalData = personalData;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Reconciliation findings, most urgent first",
            description = "Filters: status (OPEN by default, RESOLVED, SUPERSEDED), type, projectId, team, assignee "
                    + "(a user name, me, or none), overdue=true (open and past its due time).")
    public FindingPage list(@QueryParam("status") @DefaultValue("OPEN") String status,
            @QueryParam("type") String type, @QueryParam("projectId") Long projectId,
            @QueryParam("team") @Size(max = 64) String team, @QueryParam("assignee") @Size(max = 128) String assignee,
            @QueryParam("overdue") @DefaultValue("false") boolean overdue,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(Paging.MAX_PAGE) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("1 = 1");
        if (!status.isBlank()) {
            where.append(" and status = :status");
            params.put("status", parse(ReconFinding.Status.class, "status", status));
        }
        if (type != null && !type.isBlank()) {
            where.append(" and type = :type");
            params.put("type", parse(ReconFinding.Type.class, "type", type).name());
        }
        if (projectId != null) {
            where.append(" and projectId = :project");
            params.put("project", projectId);
        }
        OwnerFilter.of(team, assignee, overdue, identity.getPrincipal().getName(), Instant.now())
                .appendTo(where, params, ReconFinding.Status.OPEN);
        java.util.function.UnaryOperator<String> shown = personalData.shownTo(identity);
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = ReconFinding.<ReconFinding>find(where + " order by dueAt, id", params).page(page, size);
            return new FindingPage(query.list().stream().map(f -> ReconciliationResource.findingView(f, shown, reconciliations))
                    .toList(), page, size, query.count());
        });
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "One finding, with its owner, due time and the records behind it")
    public Map<String, Object> get(@PathParam("id") long id) {
        return ReconciliationResource.findingView(find(id), personalData.shownTo(identity),
                reconciliations);
    }

    @POST
    @Path("/{id}/take")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Take an open finding: the caller becomes its assignee (audited)")
    public Ownership.Owner take(@PathParam("id") long id) {
        return ownership.take(Ownership.Kind.FINDING, id);
    }

    @POST
    @Path("/{id}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Hand an open finding to another team and/or a member of its team (audited)",
            description = "422 for an unknown team or a non-member, 409 once it is closed.")
    public Ownership.Owner assign(@PathParam("id") long id, @Valid @NotNull Ownership.Assignment assignment) {
        return ownership.assign(Ownership.Kind.FINDING, id, assignment.team(), assignment.assignee(),
                assignment.note());
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Close an open finding as resolved (corrected in the source or the ERP), with a reason",
            description = "A later run of the same period finds it again if it still differs.")
    public Map<String, Object> resolve(@PathParam("id") long id, @Valid @NotNull Reason reason) {
        find(id);
        int closed = QuarkusTransaction.requiringNew().call(() -> ReconFinding.update("status = ?1, resolution = ?2 "
                + "where id = ?3 and status = ?4", ReconFinding.Status.RESOLVED, audit.actor() + ": "
                + reason.reason().trim(), id, ReconFinding.Status.OPEN));
        if (closed == 0) {
            ReconFinding.Status status = find(id).status;
            audit.record("resolve", "finding/" + id, "refused: finding is " + status, "REFUSED");
            throw new ProblemException(Problem.of(409, "not-open", "Finding not open", "finding " + id + " is "
                    + status + "; only an OPEN finding is resolved"));
        }
        audit.record("resolve", "finding/" + id, reason.reason().trim(), "RESOLVED");
        return get(id);
    }

    /** An approver's decision on time held beyond a cap, with the reason the audit keeps. */
    public record Decision(@NotNull BillableItem.CapDecision decision, @NotBlank @Size(max = 1000) String reason) {
    }

    @POST
    @Path("/{id}/decision")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("approver")
    @Operation(summary = "Decide on time held beyond a cap (a CAP_EXCEEDED finding): BILL_ANYWAY or WRITE_OFF",
            description = "BILL_ANYWAY: the held entries are billed by the next billing run of the project; "
                    + "WRITE_OFF: never billed. The finding is resolved with the decision and reason (audited). "
                    + "422 for another kind of finding, 409 once it is closed.")
    public Map<String, Object> decide(@PathParam("id") long id, @Valid @NotNull Decision decision) {
        find(id);
        int moved;
        try {
            moved = contracts.decide(id, decision.decision(), audit.actor(), decision.reason().trim());
        } catch (IllegalArgumentException other) {
            throw new ProblemException(Problem.of(422, "not-a-cap-finding", "Not a cap finding", other.getMessage()));
        } catch (IllegalStateException closed) {
            audit.record("cap-decision", "finding/" + id, "refused: " + closed.getMessage(), "REFUSED");
            throw new ProblemException(Problem.of(409, "not-open", "Finding not open", closed.getMessage()
                    + "; only an OPEN finding takes a decision"));
        }
        audit.record("cap-decision", "finding/" + id, decision.decision() + " of " + moved + " held time entries: "
                + decision.reason().trim(), decision.decision().name());
        Map<String, Object> view = new java.util.LinkedHashMap<>(get(id));
        view.put("entries", moved);
        return view;
    }

    private static ReconFinding find(long id) {
        return QuarkusTransaction.requiringNew().call(() -> ReconFinding.<ReconFinding>findByIdOptional(id))
                .orElseThrow(() -> Problem.notFound("finding", id));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String name, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase());
        } catch (IllegalArgumentException unknown) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Unknown " + name, name + " '" + value
                    + "' is none of " + Arrays.toString(type.getEnumConstants())));
        }
    }
}
