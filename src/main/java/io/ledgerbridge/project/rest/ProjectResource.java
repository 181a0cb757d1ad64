package io.ledgerbridge.project.rest;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.project.AssignmentRecord;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.project.ProjectStatus;
import io.ledgerbridge.project.Projects.AssignmentData;
import io.ledgerbridge.project.Projects.ProjectData;
import io.ledgerbridge.project.Projects;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Projects and assignments as the flows keep them; an operator loads those that pre-date ledgerbridge (a project
 * whose deal was won before the deal-won flow ran, staffing done outside the PSA feed).
 */
@Path("/admin")
@Tag(name = "projects")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectResource {

    /** A project with its PSA and ERP ids. */
    public record ProjectRequest(String crmId, @NotBlank String psaId, String erpProjectId, String erpContactId,
            @NotBlank String name, String code, @NotBlank String clientName, @NotBlank String region,
            @NotNull @Pattern(regexp = "[A-Z]{3}") String currency,
            @NotNull @Pattern(regexp = "TIME_AND_MATERIALS|FIXED_FEE|MILESTONE|RETAINER") String contractType,
            @NotBlank String rateCard, @NotNull ProjectStatus status, @NotNull LocalDate startsOn,
            LocalDate endsOn) {
    }

    /** A person staffed on a project in a role. */
    public record AssignmentRequest(@NotBlank String sourceId, @NotBlank String psaProjectId,
            @NotBlank String psaUserId, @NotBlank String role, @NotNull LocalDate startsOn, LocalDate endsOn,
            String erpTaskId) {
    }

    private final Projects projects;
    private final Audit audit;

    private final Regions regions;

    ProjectResource(Projects projects, Audit audit, Regions regions) {
        this.regions = regions;
        this.projects = projects;
        this.audit = audit;
    }

    @PUT
    @Path("/projects")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Create or update projects (found by CRM id, else PSA id)")
    public Map<String, Object> putProjects(@NotEmpty List<@Valid ProjectRequest> requests) {
        for (ProjectRequest r : requests) {
            if (r.endsOn() != null && r.endsOn().isBefore(r.startsOn())) {
                throw new ProblemException(Problem.of(422, "validation", "Invalid project",
                        "project " + r.psaId() + " ends on " + r.endsOn() + ", before it starts on " + r.startsOn()));
            }
            if (!regions.all().containsKey(r.region())) {
                throw new ProblemException(Problem.of(422, "validation", "Invalid project", "project " + r.psaId()
                        + " is in region '" + r.region() + "', which mappings/regions.json lacks; it has "
                        + regions.all().keySet()));
            }
        }
        List<Long> ids = requests.stream().map(r -> projects.upsert(new ProjectData(r.crmId(), r.psaId(),
                r.erpProjectId(), r.erpContactId(), r.name(), r.code(), r.clientName(), r.region(), r.currency(),
                r.contractType(), r.rateCard(), r.status(), r.startsOn(), r.endsOn(), null)).id).toList();
        audit.record("put-projects", "project", requests.size() + " project(s) loaded", "CHANGED");
        return Map.of("received", requests.size(), "ids", ids);
    }

    @GET
    @Path("/projects")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Projects, optionally the one with a PSA id")
    public List<ProjectRecord> listProjects(@QueryParam("psaId") String psaId) {
        return psaId == null ? ProjectRecord.listAll() : ProjectRecord.list("psaId", psaId);
    }

    @GET
    @Path("/projects/{id}/assignments")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The assignments of a project")
    public List<AssignmentRecord> assignments(@PathParam("id") long id) {
        ProjectRecord project = ProjectRecord.<ProjectRecord>findByIdOptional(id)
                .orElseThrow(() -> Problem.notFound("project", id));
        return project.psaId == null ? List.of()
                : AssignmentRecord.list("psaProjectId = ?1 order by startsOn, id", project.psaId);
    }

    @PUT
    @Path("/assignments")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Create or update assignments (found by source id)")
    public Map<String, Object> putAssignments(@NotEmpty List<@Valid AssignmentRequest> requests) {
        for (AssignmentRequest r : requests) {
            if (r.endsOn() != null && r.endsOn().isBefore(r.startsOn())) {
                throw new ProblemException(Problem.of(422, "validation", "Invalid assignment",
                        "assignment " + r.sourceId() + " ends before it starts"));
            }
        }
        List<Long> ids = requests.stream().map(r -> projects.assign(new AssignmentData(r.sourceId(),
                r.psaProjectId(), r.psaUserId(), r.role(), r.startsOn(), r.endsOn(), true, r.erpTaskId(), null)).id)
                .toList();
        audit.record("put-assignments", "assignment", requests.size() + " assignment(s) loaded", "CHANGED");
        return Map.of("received", requests.size(), "ids", ids);
    }
}
