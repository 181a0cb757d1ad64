package io.ledgerbridge.xref;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.xref.CrossReferences.Entry;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Loading and listing cross-references until the project-setup flow maintains them. */
@Path("/admin/cross-references")
@Tag(name = "cross-references")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CrossReferenceResource {

    /** One cross-reference in a request. */
    public record CrossReferenceRequest(
            @NotBlank @Pattern(regexp = "PROJECT|PERSON|TASK", message = "must be PROJECT, PERSON or TASK") String entityType,
            @NotBlank @Size(max = 32) String sourceSystem,
            @NotBlank @Size(max = 128) String sourceId,
            @NotBlank @Size(max = 32) String targetSystem,
            @NotBlank @Size(max = 128) String targetId) {

        Entry toEntry() {
            return new Entry(entityType, sourceSystem, sourceId, targetSystem, targetId);
        }
    }

    private final CrossReferences crossReferences;
    private final Audit audit;

    CrossReferenceResource(CrossReferences crossReferences, Audit audit) {
        this.crossReferences = crossReferences;
        this.audit = audit;
    }

    @PUT
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Create or update cross-references",
            description = "Upserts each entry by (entityType, sourceSystem, sourceId, targetSystem). A TASK's sourceId is "
                    + "'<source project id>:<source task id>', since ERP tasks belong to one project.")
    public Map<String, Integer> upsert(@NotEmpty List<@Valid CrossReferenceRequest> entries) {
        int changed = crossReferences.upsert(entries.stream().map(CrossReferenceRequest::toEntry).toList());
        audit.record("cross-references", "cross-reference", entries.size() + " received, " + changed + " changed",
                "CHANGED");
        return Map.of("received", entries.size(), "changed", changed);
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "List cross-references")
    public List<Entry> list(@QueryParam("entityType") String entityType,
            @QueryParam("sourceSystem") String sourceSystem) {
        return crossReferences.list(entityType, sourceSystem);
    }
}
