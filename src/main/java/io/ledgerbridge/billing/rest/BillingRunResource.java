package io.ledgerbridge.billing.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.InvoiceLineRecord;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.project.ProjectRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Starting billing runs by hand and reading them back with every line's source entries. */
@Path("/admin/billing-runs")
@Tag(name = "billing")
@Produces(MediaType.APPLICATION_JSON)
public class BillingRunResource {

    /** Which period to bill, for which projects (all with unbilled items when absent). */
    public record RunRequest(@NotNull @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])") String period, List<Long> projects) {
    }

    /** What became of one project's run. */
    public record Outcome(Long projectId, String outcome, Long billingRunId, String erpInvoiceId, String detail,
            Long deadLetterId) {
    }

    /** One invoice line and the source entries behind it. */
    public record Line(int lineNo, String kind, String description, BigDecimal quantity, BigDecimal unitPrice,
            BigDecimal lineAmount, String taxType, List<Source> sources) {
    }

    /** A billed source entry: the time entry or expense, its version and what it contributed. */
    public record Source(String kind, String system, String id, String version, LocalDate date, BigDecimal quantity,
            BigDecimal amount, String role, Integer rateVersion) {
    }

    /** A billing run with its lines. */
    public record Run(Long id, Long projectId, String projectName, String period, String status, String currency,
            BigDecimal total, String erpInvoiceId, String erpInvoiceNumber, String erpStatus, BigDecimal erpTotal,
            LocalDate issueDate, LocalDate dueDate, List<Line> lines) {
    }

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final Audit audit;

    BillingRunResource(ProducerTemplate producer, ObjectMapper json, Audit audit) {
        this.producer = producer;
        this.json = json;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Bill a period now: one draft invoice per project (idempotent per project and period)")
    public Map<String, Object> run(@NotNull @Valid RunRequest request) {
        LocalDate through = YearMonth.parse(request.period()).atEndOfMonth();
        List<Long> projects = request.projects() != null && !request.projects().isEmpty() ? request.projects()
                : QuarkusTransaction.requiringNew().call(() -> BillableItem.find(
                        "select distinct projectId from BillableItem where status = ?1 and workDate <= ?2 order by 1",
                        BillableItem.Status.UNBILLED, through).project(Long.class).list());
        List<Outcome> outcomes = new ArrayList<>();
        for (Long project : projects) {
            String body = json.createObjectNode().put("projectId", project).put("period", request.period()).toString();
            Exchange result = producer.send("direct:billing-run", e -> e.getMessage().setBody(body));
            outcomes.add(outcome(project, request.period(), result));
        }
        audit.record("billing-run", "period/" + request.period(), outcomes.size() + " project(s)",
                outcomes.stream().allMatch(o -> !"FAILED".equals(o.outcome())) ? "DONE" : "PARTLY_FAILED");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", request.period());
        answer.put("outcomes", outcomes);
        return answer;
    }

    private Outcome outcome(Long project, String period, Exchange result) {
        Long deadLetter = result.getMessage().getHeader(FlowHeaders.DEAD_LETTER_ID, Long.class);
        if (deadLetter != null || result.isFailed()) {
            String detail = deadLetter == null ? String.valueOf(result.getException())
                    : QuarkusTransaction.requiringNew().call(() -> {
                        DeadLetter letter = DeadLetter.findById(deadLetter);
                        return letter.errorClass + ": " + letter.errorMessage;
                    });
            return new Outcome(project, "FAILED", null, null, detail, deadLetter);
        }
        BillingRun run = QuarkusTransaction.requiringNew().call(() -> BillingRun.of(project, period).orElse(null));
        if ("SKIP".equals(result.getMessage().getHeader(FlowHeaders.SYNC_ACTION))) {
            return new Outcome(project, "SKIPPED", run == null ? null : run.id, run == null ? null : run.erpInvoiceId,
                    result.getMessage().getHeader(FlowHeaders.SKIP_REASON, String.class), null);
        }
        return new Outcome(project, "INVOICED", run.id, run.erpInvoiceId, "invoice " + run.erpInvoiceNumber + " total "
                + money(run.total, run.currency).toPlainString() + " " + run.currency, null);
    }

    @GET
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Billing runs, optionally of one project and/or period")
    public List<Run> list(@QueryParam("projectId") Long projectId, @QueryParam("period") String period) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (projectId != null) {
            query.append(" and projectId = :project");
            params.put("project", projectId);
        }
        if (period != null) {
            query.append(" and period = :period");
            params.put("period", period);
        }
        return BillingRun.<BillingRun>list(query + " order by id", params).stream().map(BillingRunResource::view).toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "One billing run: its invoice, lines and the source entries behind every line")
    public Run get(@PathParam("id") long id) {
        return view(BillingRun.<BillingRun>findByIdOptional(id).orElseThrow(() -> Problem.notFound("billing run", id)));
    }

    /**
     * An amount of the invoice's currency as the invoice shows it: at the currency's minor units (3354.50 EUR, not
     * the store's 3354.5000). The store's amounts are exact to the minor unit, so nothing is rounded away.
     */
    private static BigDecimal money(BigDecimal amount, String currency) {
        return amount == null || currency == null ? amount
                : amount.setScale(Money.minorUnits(java.util.Currency.getInstance(currency)), Money.ROUNDING);
    }

    private static Run view(BillingRun run) {
        ProjectRecord project = ProjectRecord.findById(run.projectId);
        List<BillableItem> items = BillableItem.ofRun(run.id);
        List<Line> lines = InvoiceLineRecord.ofRun(run.id).stream().map(line -> new Line(line.lineNo, line.kind,
                line.description, line.quantity, line.unitPrice, money(line.lineAmount, run.currency), line.taxType,
                items.stream().filter(i -> line.id.equals(i.invoiceLineId))
                        .map(i -> new Source(i.kind.name(), i.sourceSystem, i.sourceId, i.sourceVersion, i.workDate,
                                i.quantity, money(i.amount, run.currency), i.role, i.rateVersion))
                        .toList())).toList();
        return new Run(run.id, run.projectId, project == null ? null : project.name, run.period, run.status.name(),
                run.currency, money(run.total, run.currency), run.erpInvoiceId, run.erpInvoiceNumber, run.erpStatus,
                money(run.erpTotal, run.currency),
                run.issueDate, run.dueDate, lines);
    }
}
