package io.ledgerbridge.warehouse.rest;

import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.warehouse.Extracts;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The period extract for a data warehouse: a ZIP of one CSV per fact and a manifest (see {@link Extracts}). */
@Path("/admin/extracts")
@Tag(name = "warehouse")
public class ExtractResource {

    private final Extracts extracts;
    private final Audit audit;

    ExtractResource(Extracts extracts, Audit audit) {
        this.extracts = extracts;
        this.audit = audit;
    }

    @GET
    @Path("/{period}")
    @Produces("application/zip")
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "A period's facts for a data warehouse: time entries, expenses, invoice lines, credit note "
            + "lines, journal lines and milestones as CSV, with a manifest (rows, SHA-256, totals, schemas)")
    public Response extract(@PathParam("period") String period) {
        YearMonth month;
        try {
            month = YearMonth.parse(period);
        } catch (DateTimeParseException bad) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad period", "period must be YYYY-MM, not '"
                    + period + "'"));
        }
        byte[] zip = extracts.zip(month);
        audit.record("extract", "period/" + month, zip.length + " bytes", "DONE");
        return Response.ok(zip).header("Content-Disposition", "attachment; filename=\"ledgerbridge-" + month
                + ".zip\"").build();
    }
}
