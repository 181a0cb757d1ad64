package io.ledgerbridge.billing.rest;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.billing.CreditNoteLine;
import io.ledgerbridge.billing.rest.BillingRunResource.Source;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.problem.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Credit notes for entries changed after their invoice was issued: each with the invoice it corrects, its lines and
 * the entries behind every line (the corrected entries are billed anew by the billing run that planned it).
 */
@Path("/admin/credit-notes")
@Tag(name = "billing")
@Produces(MediaType.APPLICATION_JSON)
public class CreditNoteResource {

    /** One credit note line and the entries whose billed value it reverses. */
    public record Line(int lineNo, String kind, String description, BigDecimal quantity, BigDecimal unitPrice,
            BigDecimal lineAmount, String taxType, Long correctsInvoiceLineId, List<Source> sources) {
    }

    /** A credit note: the invoice (billing run) it corrects, its state in the ERP and its lines. */
    public record View(Long id, Long projectId, String period, String reference, String status, String currency,
            BigDecimal total, LocalDate issueDate, Long correctsBillingRunId, String correctsErpInvoiceId,
            String correctsErpInvoiceNumber, String erpCreditNoteId, String erpNumber, BigDecimal erpTotal,
            BigDecimal allocated, List<Line> lines) {
    }

    @GET
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Credit notes, optionally of one project and/or billing period")
    public List<View> list(@QueryParam("projectId") Long projectId, @QueryParam("period") String period) {
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
        return CreditNote.<CreditNote>list(query + " order by id", params).stream().map(CreditNoteResource::view)
                .toList();
    }

    @GET
    @Path("/{id}")
    @Transactional
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "One credit note: the invoice it corrects, its lines and the entries behind every line")
    public View get(@PathParam("id") long id) {
        return view(CreditNote.<CreditNote>findByIdOptional(id).orElseThrow(() -> Problem.notFound("credit note", id)));
    }

    private static View view(CreditNote note) {
        BillingRun run = BillingRun.findById(note.correctsRunId);
        List<Line> lines = CreditNoteLine.of(note.id).stream().map(line -> new Line(line.lineNo, line.kind,
                line.description, line.quantity, line.unitPrice, Money.shown(line.lineAmount, note.currency),
                line.taxType, line.correctsLineId, BillableItem.<BillableItem>list("creditNoteLineId = ?1 and status = ?2 "
                        + "and billingRunId is not null order by id", line.id, BillableItem.Status.CREDITED).stream()
                        .map(i -> Source.of(i, note.currency)).toList())).toList();
        return new View(note.id, note.projectId, note.period, note.reference, note.status.name(), note.currency,
                Money.shown(note.total, note.currency), note.issueDate, note.correctsRunId,
                run == null ? null : run.erpInvoiceId, run == null ? null : run.erpInvoiceNumber, note.erpCreditNoteId,
                note.erpNumber, Money.shown(note.erpTotal, note.currency), Money.shown(note.allocated, note.currency),
                lines);
    }
}
