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
    private final Profitability profitability;

    KpiResource(Kpis kpis, Profitability profitability) {
        this.kpis = kpis;
        this.profitability = profitability;
    }

    @GET
    @Path("/margins")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Margin of a period (default this month) per project, client or region: revenue (invoiced, "
            + "less credit notes, plus the change in accrued revenue) less cost (approved hours at cost rates, expenses)")
    public List<Profitability.Margin> margins(@QueryParam("period") String period,
            @QueryParam("groupBy") @DefaultValue("project") String groupBy) {
        return profitability.margins(month(period), grouping(groupBy, List.of("project", "client", "region")));
    }

    @GET
    @Path("/utilization")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Utilization of a period (default this month) per person, practice or region: billable "
            + "approved hours over contracted capacity (HR weekly hours, pro rata for joiners and leavers)")
    public List<Profitability.Utilization> utilization(@QueryParam("period") String period,
            @QueryParam("groupBy") @DefaultValue("person") String groupBy) {
        return profitability.utilization(month(period), grouping(groupBy, List.of("person", "practice", "region")));
    }

    private static String grouping(String groupBy, List<String> allowed) {
        if (!allowed.contains(groupBy)) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad groupBy", "groupBy is one of " + allowed
                    + ", not '" + groupBy + "'"));
        }
        return groupBy;
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
            reports.add(kpis.report(last.minusMonths(back), projectId, false));
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
