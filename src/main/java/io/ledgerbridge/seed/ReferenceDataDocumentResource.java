package io.ledgerbridge.seed;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Loads a whole reference-data document (the seed file's shape) in one call. */
@Path("/admin/reference-data")
@Tag(name = "reference-data")
@Produces(MediaType.APPLICATION_JSON)
public class ReferenceDataDocumentResource {

    private final ReferenceData referenceData;
    private final Audit audit;

    ReferenceDataDocumentResource(ReferenceData referenceData, Audit audit) {
        this.referenceData = referenceData;
        this.audit = audit;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Upsert cross-references, rate cards, FX rates, projects and assignments, all or nothing")
    public Map<String, Integer> put(@NotNull ReferenceData.Document document) {
        if (document.crossReferences() == null && document.rateCards() == null && document.fxRates() == null
                && document.projects() == null && document.assignments() == null) {
            throw new ProblemException(Problem.of(422, "validation", "Not a reference-data document",
                    "the document has none of crossReferences, rateCards, fxRates, projects, assignments; nothing was loaded"));
        }
        Map<String, Integer> received;
        try {
            received = referenceData.load(document);
        } catch (IllegalArgumentException invalid) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid reference data", invalid.getMessage()));
        }
        audit.record("put-reference-data", "reference-data", received.toString(), "CHANGED");
        return received;
    }
}
