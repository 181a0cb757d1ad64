package io.ledgerbridge.close.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.close.PeriodClose;
import io.ledgerbridge.close.PeriodCloses;
import io.ledgerbridge.close.RevenueJournal;
import io.ledgerbridge.close.RevenueJournalLine;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
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
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Closing a period for a legal entity by hand, and reading closes back with their journals and every line's basis. */
@Path("/admin/period-closes")
@Tag(name = "period close")
@Produces(MediaType.APPLICATION_JSON)
public class PeriodCloseResource {

    /** Which entity's period to close. */
    public record CloseRequest(@NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,32}") String entity,
            @NotNull @Pattern(regexp = "\\d{4}-(0[1-9]|1[0-2])") String period) {
    }

    /** A journal line: account, amount (a debit positive), project and what it was measured from. */
    public record Line(int lineNo, String category, Long projectId, String accountCode, BigDecimal amount,
            String description, String basis) {
    }

    /** A journal of the close and its state in the ERP. */
    public record Journal(Long id, String kind, LocalDate date, String reference, String narration, String currency,
            String status, String erpJournalId, BigDecimal debits, List<Line> lines) {
    }

    /** A close with its journals. */
    public record Close(Long id, String entity, String period, String status, String currency, String requestedBy,
            Instant createdAt, Instant closedAt, List<Journal> journals) {
    }

    /** What closing did: CLOSED now, or FAILED with the dead letter to work (the close stays RUNNING). */
    public record Outcome(String outcome, Close close, Long deadLetterId, String detail) {
    }

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final Audit audit;
    private final LegalEntities entities;
    private final Clock clock = Clock.systemUTC();

    PeriodCloseResource(ProducerTemplate producer, ObjectMapper json, Audit audit, LegalEntities entities) {
        this.producer = producer;
        this.json = json;
        this.audit = audit;
        this.entities = entities;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Close a period for a legal entity: post its revenue accruals and their reversal to its ERP",
            description = "409 when the period is already closed for the entity (a change since lands in the close of"
                    + " the open period); 422 for an unknown entity or a period that has not ended.")
    public Outcome close(@NotNull @Valid CloseRequest request) {
        String target = "entity/" + request.entity() + "/period/" + request.period();
        if (!entities.has(request.entity())) {
            throw new ProblemException(Problem.of(422, "validation", "Unknown legal entity", "no legal entity '"
                    + request.entity() + "' in mappings/entities.json"));
        }
        if (!YearMonth.parse(request.period()).atEndOfMonth().isBefore(LocalDate.now(clock))) {
            throw new ProblemException(Problem.of(422, "validation", "Period not ended", "period " + request.period()
                    + " has not ended: it is closed from " + YearMonth.parse(request.period()).plusMonths(1).atDay(1)
                    + " on"));
        }
        PeriodClose before = QuarkusTransaction.requiringNew().call(() -> PeriodClose.of(request.entity(),
                request.period()).orElse(null));
        if (before != null && before.status == PeriodClose.Status.CLOSED) {
            audit.record("period-close", target, "refused: closed at " + before.closedAt, "REFUSED");
            throw new ProblemException(Problem.of(409, "period-closed", "Period already closed", "period "
                    + request.period() + " of " + request.entity() + " was closed at " + before.closedAt + " (close "
                    + before.id + "): a change since is measured by the close of the open period"));
        }
        producer.requestBody("direct:period-close", json.createObjectNode().put("entity", request.entity())
                .put("period", request.period()).put("requestedBy", audit.actor()).toString());
        return QuarkusTransaction.requiringNew().call(() -> {
            PeriodClose close = PeriodClose.of(request.entity(), request.period()).orElse(null);
            if (close != null && close.status == PeriodClose.Status.CLOSED) {
                return new Outcome("CLOSED", view(close), null, null);
            }
            DeadLetter letter = DeadLetter.openByBusinessKey(PeriodCloses.businessKey(request.entity(),
                    request.period())).stream().reduce((a, b) -> b).orElse(null);
            audit.record("period-close", target, letter == null ? "not closed" : letter.errorMessage, "FAILED");
            return new Outcome("FAILED", close == null ? null : view(close), letter == null ? null : letter.id,
                    letter == null ? "not closed" : letter.errorClass + ": " + letter.errorMessage);
        });
    }

    @GET
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Period closes, optionally of one entity and/or period")
    public List<Close> list(@QueryParam("entity") String entity, @QueryParam("period") String period) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (entity != null) {
            query.append(" and entity = :entity");
            params.put("entity", entity);
        }
        if (period != null) {
            query.append(" and period = :period");
            params.put("period", period);
        }
        return PeriodClose.<PeriodClose>list(query + " order by id", params).stream().map(PeriodCloseResource::view)
                .toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "One period close: its journals and what every line was measured from")
    public Close get(@PathParam("id") long id) {
        return view(PeriodClose.<PeriodClose>findByIdOptional(id)
                .orElseThrow(() -> Problem.notFound("period close", id)));
    }

    private static Close view(PeriodClose close) {
        return new Close(close.id, close.entity, close.period, close.status.name(), close.currency, close.requestedBy,
                close.createdAt, close.closedAt, RevenueJournal.ofClose(close.id).stream().map(j -> {
                    List<RevenueJournalLine> lines = RevenueJournalLine.of(j.id);
                    return new Journal(j.id, j.kind.name(), j.journalDate, j.reference, j.narration, j.currency,
                            j.status.name(), j.erpJournalId, lines.stream().map(l -> l.amount)
                                    .filter(a -> a.signum() > 0).reduce(BigDecimal.ZERO, BigDecimal::add),
                            lines.stream().map(l -> new Line(l.lineNo, l.category.name(), l.projectId,
                                    l.accountCode, l.amount, l.description, l.basis)).toList());
                }).toList());
    }
}
