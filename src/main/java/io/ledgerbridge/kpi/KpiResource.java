package io.ledgerbridge.kpi;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The business KPIs of a period, optionally of one project (the same figures as the Prometheus gauges). */
@Path("/admin/kpis")
@Tag(name = "kpis")
@Produces(MediaType.APPLICATION_JSON)
public class KpiResource {

    private final Kpis kpis;

    KpiResource(Kpis kpis) {
        this.kpis = kpis;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "KPIs of a period (period=YYYY-MM, default this month; projectId optional)")
    public Kpis.Report report(@QueryParam("period") String period, @QueryParam("projectId") Long projectId) {
        return kpis.report(month(period), projectId);
    }

    @GET
    @Path("/history")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "KPIs month by month, oldest first: the `months` periods up to `to` (default this month)")
    public List<Kpis.Report> history(@QueryParam("to") String to,
            @QueryParam("months") @DefaultValue("12") @Min(1) @Max(36) int months,
            @QueryParam("projectId") Long projectId) {
        YearMonth last = month(to);
        List<Kpis.Report> reports = new ArrayList<>();
        for (int back = months - 1; back >= 0; back--) {
            reports.add(kpis.report(last.minusMonths(back), projectId));
        }
        return reports;
    }

    private static YearMonth month(String period) {
        try {
            return period == null ? YearMonth.now(ZoneOffset.UTC) : YearMonth.parse(period);
        } catch (DateTimeParseException bad) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad period", "period must be YYYY-MM"));
        }
    }
}
