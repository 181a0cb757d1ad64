package io.ledgerbridge.contract.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.contract.ContractTerm;
import io.ledgerbridge.contract.Contracts;
import io.ledgerbridge.contract.Milestone;
import io.ledgerbridge.contract.RetainerPeriod;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.project.ProjectRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A project's contract: its terms by the day they took effect and its milestones; an operator amends the terms and
 * completes a milestone (which the next billing run of its period invoices as one line).
 */
@Path("/admin")
@Tag(name = "contracts")
@Produces(MediaType.APPLICATION_JSON)
public class ContractResource {

    /** Terms from a day on. */
    public record Term(LocalDate effectiveFrom, String type, String currency, BigDecimal fixedFee,
            BigDecimal budgetHours, String recognition, BigDecimal cap, BigDecimal retainerAmount,
            BigDecimal retainerHours, String unusedHours, String sourceVersion) {
    }

    /** A milestone and what became of it. */
    public record MilestoneView(String code, String name, BigDecimal amount, String currency, LocalDate due,
            String status, LocalDate completedOn, String completedBy, Long billableItemId) {
    }

    /**
     * A period of a retainer: its fee and its invoice (once billed), and, once settled, the hours it allowed (included
     * and rolled in), used, billed as overage and left unused (rolled over or expired, as {@code unusedPolicy} says).
     */
    public record RetainerPeriodView(String period, BigDecimal amount, String currency, String feeStatus,
            Long feeBillingRunId, BigDecimal includedHours, BigDecimal rolledInHours, BigDecimal usedHours,
            BigDecimal overageHours, BigDecimal unusedHours, String unusedPolicy, boolean settled) {
    }

    /** A project's contract. */
    public record Contract(Long projectId, String projectName, String currency, List<Term> terms,
            List<MilestoneView> milestones, List<RetainerPeriodView> retainerPeriods) {
    }

    /** When a milestone was completed (today when absent). */
    public record CompletionRequest(@Pattern(regexp = "\\d{4}-\\d{2}-\\d{2}") String completedOn) {
    }

    /** What completing did: COMPLETED now, or ALREADY_COMPLETED before (nothing changed). */
    public record Completed(String outcome, MilestoneView milestone) {
    }

    private final Contracts contracts;
    private final Audit audit;
    private final ObjectMapper json;
    private final ProducerTemplate producer;
    private final String mappings;
    private final Clock clock = Clock.systemUTC();

    ContractResource(Contracts contracts, Audit audit, ObjectMapper json, ProducerTemplate producer,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings) {
        this.contracts = contracts;
        this.audit = audit;
        this.json = json;
        this.producer = producer;
        this.mappings = mappings;
    }

    @GET
    @Path("/projects/{id}/contract")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "A project's contract: its terms by effective date, its milestones and its retainer periods")
    public Contract get(@PathParam("id") long id) {
        return QuarkusTransaction.requiringNew().call(() -> view(project(id)));
    }

    @PUT
    @Path("/projects/{id}/contract")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Amend a project's contract: canonical contract terms (mappings/schemas/contract.schema.json) "
            + "from their effectiveFrom (else start); its milestones by code")
    public Contract amend(@PathParam("id") long id, @NotNull JsonNode contract) {
        try {
            producer.requestBody("json-validator:" + mappings + "/schemas/contract.schema.json",
                    json.writeValueAsString(contract));
        } catch (CamelExecutionException invalid) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid contract",
                    invalid.getCause().getMessage()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException unreadable) {
            throw new ProblemException(Problem.of(400, "not-json", "Not JSON", unreadable.getOriginalMessage()));
        }
        Contract after;
        try {
            after = QuarkusTransaction.requiringNew().call(() -> {
                ProjectRecord project = project(id);
                contracts.keep(project, contract, "admin:" + audit.actor());
                return view(project);
            });
        } catch (FlowFailure refused) {
            throw new ProblemException(Problem.of(422, "validation", "Contract refused", refused.getMessage()));
        }
        audit.record("contract-amend", "project/" + id, contract.path("type").asText() + " from "
                + contract.path("effectiveFrom").asText(contract.path("start").asText()), "DONE");
        return after;
    }

    @POST
    @Path("/projects/{id}/milestones/{code}/completion")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Complete a milestone: the billing run of its period invoices it as one line (idempotent)")
    public Completed complete(@PathParam("id") long id, @PathParam("code") String code, CompletionRequest request) {
        LocalDate on;
        try {
            on = request == null || request.completedOn() == null ? LocalDate.now(clock)
                    : LocalDate.parse(request.completedOn());
        } catch (java.time.format.DateTimeParseException bad) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid date", "completedOn '"
                    + request.completedOn() + "' is not a date (YYYY-MM-DD)"));
        }
        Contracts.Completion completion;
        try {
            QuarkusTransaction.requiringNew().run(() -> project(id));
            completion = contracts.complete(id, code, on, audit.actor());
        } catch (NoSuchElementException unknown) {
            throw Problem.notFound("milestone", code);
        } catch (IllegalStateException cancelled) {
            throw new ProblemException(Problem.of(409, "milestone-cancelled", "Milestone cancelled",
                    cancelled.getMessage()));
        }
        String outcome = completion.already() ? "ALREADY_COMPLETED" : "COMPLETED";
        audit.record("milestone-complete", "project/" + id + "/milestone/" + code, "completed on " + on, outcome);
        return new Completed(outcome, view(completion.milestone()));
    }

    private static ProjectRecord project(long id) {
        return ProjectRecord.<ProjectRecord>findByIdOptional(id).orElseThrow(() -> Problem.notFound("project", id));
    }

    private static Contract view(ProjectRecord project) {
        return new Contract(project.id, project.name, project.currency, ContractTerm.ofProject(project.id).stream()
                .map(t -> new Term(t.effectiveFrom, t.type.name(), t.currency, Money.shown(t.fixedFee, t.currency),
                        t.budgetHours, t.recognition, Money.shown(t.capAmount, t.currency),
                        Money.shown(t.retainerAmount, t.currency), t.retainerHours, t.unusedHours,
                        t.sourceVersion))
                .toList(), Milestone.ofProject(project.id).stream().map(ContractResource::view).toList(),
                RetainerPeriod.ofProject(project.id).stream().map(ContractResource::view).toList());
    }

    private static RetainerPeriodView view(RetainerPeriod p) {
        BillableItem fee = p.feeItemId == null ? null : BillableItem.findById(p.feeItemId);
        return new RetainerPeriodView(p.period, Money.shown(p.amount, p.currency), p.currency,
                fee == null ? null : fee.status.name(), fee == null ? null : fee.billingRunId, p.includedHours,
                p.rolledInHours, p.usedHours, p.overageHours, p.unusedHours, p.unusedPolicy, p.settledAt != null);
    }

    private static MilestoneView view(Milestone m) {
        return new MilestoneView(m.code, m.name, Money.shown(m.amount, m.currency), m.currency, m.dueOn, m.status.name(), m.completedOn,
                m.completedBy, m.billableItemId);
    }
}
