package io.ledgerbridge.billing.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.billing.InvoiceLineRecord;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.reconcile.ReconFinding;
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
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Starting billing runs by hand and reading them back with every line's source entries. */
@Path("/admin/billing-runs")
@Tag(name = "billing")
@Produces(MediaType.APPLICATION_JSON)
public class BillingRunResource {

    /**
     * Which period to bill, for which projects (all with unbilled items when absent), and optionally the invoice date
     * (from the period's last day to today; else the period's last day, or today once that has passed).
     */
    public record RunRequest(@NotNull @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])") String period, List<Long> projects,
            @Pattern(regexp = "\\d{4}-\\d{2}-\\d{2}") String issueDate) {
    }

    /** What became of one project's run. */
    public record Outcome(Long projectId, String outcome, Long billingRunId, String erpInvoiceId, String detail,
            Long deadLetterId, List<Long> creditNoteIds) {

        Outcome(Long projectId, String outcome, Long billingRunId, String erpInvoiceId, String detail,
                Long deadLetterId) {
            this(projectId, outcome, billingRunId, erpInvoiceId, detail, deadLetterId, List.of());
        }

        /** The outcome with the credit notes the project's run of the period planned (and their state). */
        Outcome with(List<CreditNote> notes) {
            if (notes.isEmpty()) {
                return this;
            }
            return new Outcome(projectId, outcome, billingRunId, erpInvoiceId, detail + "; " + notes.size()
                    + " credit note" + (notes.size() == 1 ? "" : "s") + " for entries changed after invoicing: "
                    + String.join(", ", notes.stream().map(n -> n.reference + " " + Money.shown(n.total, n.currency)
                            .toPlainString() + " " + n.currency + " " + n.status).toList()), deadLetterId,
                    notes.stream().map(n -> n.id).toList());
        }
    }

    /** One invoice line and the source entries behind it. */
    public record Line(int lineNo, String kind, String description, BigDecimal quantity, BigDecimal unitPrice,
            BigDecimal lineAmount, String taxType, List<Source> sources) {
    }

    /**
     * A billed source entry: the time entry or expense, its version, what it contributed and its status (CREDITED
     * once a credit note reversed it: {@code creditNoteLineId}).
     */
    public record Source(String kind, String system, String id, String version, LocalDate date, BigDecimal quantity,
            BigDecimal amount, String role, Integer rateVersion, String status, Long creditNoteLineId) {

        static Source of(BillableItem i, String currency) {
            return new Source(i.kind.name(), i.sourceSystem, i.sourceId, i.sourceVersion, i.workDate, i.quantity,
                    Money.shown(i.amount, currency), i.role, i.rateVersion, i.status.name(), i.creditNoteLineId);
        }
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
        // the runs as they were before: one invoiced then is SKIPPED now
        Map<Long, BillingRun.Status> before = new LinkedHashMap<>();
        List<String> requests = new ArrayList<>();
        for (Long project : projects) {
            before.put(project, QuarkusTransaction.requiringNew().call(() -> BillingRun.of(project, request.period())
                    .map(run -> run.status).orElse(null)));
            var runRequest = json.createObjectNode().put("projectId", project).put("period", request.period());
            if (request.issueDate() != null) {
                runRequest.put("issueDate", request.issueDate());
            }
            requests.add(runRequest.toString());
        }
        // all at once: their invoices go in billing batches where the ERP takes many in one call
        producer.requestBody("direct:billing-runs", requests);
        List<Outcome> outcomes = new ArrayList<>();
        for (Long project : projects) {
            outcomes.add(QuarkusTransaction.requiringNew().call(() -> outcome(project, request.period(), through,
                    before.get(project)).with(CreditNote.list("projectId = ?1 and period = ?2 order by id", project,
                            request.period()))));
        }
        audit.record("billing-run", "period/" + request.period(), outcomes.size() + " project(s)",
                outcomes.stream().allMatch(o -> !"FAILED".equals(o.outcome())) ? "DONE" : "PARTLY_FAILED");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", request.period());
        answer.put("outcomes", outcomes);
        return answer;
    }

    /**
     * What became of a project's run, from the store: invoiced now or before, failed with the open dead letter of its
     * run (or of the billing batch it was sent in), nothing to bill, or being invoiced by another request.
     */
    private Outcome outcome(Long project, String period, LocalDate through, BillingRun.Status before) {
        BillingRun run = BillingRun.of(project, period).orElse(null);
        if (run != null && before == BillingRun.Status.INVOICED) {
            return new Outcome(project, "SKIPPED", run.id, run.erpInvoiceId, "period " + period
                    + " is already invoiced as " + run.erpInvoiceNumber + " (" + run.erpInvoiceId + ")", null);
        }
        if (run != null && run.status == BillingRun.Status.INVOICED) {
            return new Outcome(project, "INVOICED", run.id, run.erpInvoiceId, "invoice " + run.erpInvoiceNumber
                    + " total " + Money.shown(run.total, run.currency).toPlainString() + " " + run.currency
                    + ReconFinding.openOf(project, ReconFinding.Type.CAP_EXCEEDED).map(held -> "; time beyond the contract's cap held for an approver: "
                            + "finding " + held.id).orElse(""), null);
        }
        List<DeadLetter> letters = new ArrayList<>(DeadLetter.openByBusinessKey(
                io.ledgerbridge.billing.BillingRuns.businessKey(project, period)));
        if (run != null && run.batchKey != null) {
            letters.addAll(DeadLetter.openByBusinessKey("billing:" + run.batchKey));
        }
        if (!letters.isEmpty()) {
            DeadLetter letter = letters.get(letters.size() - 1);
            return new Outcome(project, "FAILED", run == null ? null : run.id, null,
                    letter.errorClass + ": " + letter.errorMessage, letter.id);
        }
        if (run == null) {
            return ReconFinding.openOf(project, ReconFinding.Type.CAP_EXCEEDED).map(held -> new Outcome(project, "SKIPPED", null, null, "approved time is beyond the contract's "
                            + "cap and held for an approver: finding " + held.id + " (" + held.detail + ")", null))
                    .orElseGet(() -> new Outcome(project, "SKIPPED", null, null,
                            "nothing approved and unbilled through " + through, null));
        }
        // another request (a second operator, the schedule) planned it a moment ago and is waiting for the ERP
        return new Outcome(project, "SKIPPED", run.id, null, "being invoiced by another billing of the period"
                + " (planned, waiting for the ERP)", null);
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

    private static Run view(BillingRun run) {
        ProjectRecord project = ProjectRecord.findById(run.projectId);
        List<BillableItem> items = BillableItem.ofRun(run.id);
        List<Line> lines = InvoiceLineRecord.ofRun(run.id).stream().map(line -> new Line(line.lineNo, line.kind,
                line.description, line.quantity, line.unitPrice, Money.shown(line.lineAmount, run.currency), line.taxType,
                items.stream().filter(i -> line.id.equals(i.invoiceLineId)).map(i -> Source.of(i, run.currency))
                        .toList())).toList();
        return new Run(run.id, run.projectId, project == null ? null : project.name, run.period, run.status.name(),
                run.currency, Money.shown(run.total, run.currency), run.erpInvoiceId, run.erpInvoiceNumber, run.erpStatus,
                Money.shown(run.erpTotal, run.currency),
                run.issueDate, run.dueDate, lines);
    }
}
