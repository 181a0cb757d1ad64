package io.ledgerbridge.close;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.billing.CreditNoteLine;
import io.ledgerbridge.close.RevenueJournalLine.Category;
import io.ledgerbridge.contract.ContractTerm;
import io.ledgerbridge.contract.Milestone;
import io.ledgerbridge.erp.ErpCall;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowIdentity;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.legalentity.LegalEntities.LegalEntity;
import io.ledgerbridge.money.FxRates;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.warehouse.Extracts;
import io.ledgerbridge.warehouse.Facts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The period close of a legal entity: the revenue its invoices do not say, measured at the period's last day and
 * posted to the entity's ERP as an accrual journal with its reversal on the next period's first day (so every close
 * measures afresh and a change after a close lands in the open period). Per project of the entity:
 * <ul>
 * <li>{@link Category#WIP}: approved time and materials time, expenses, retainer overage and retainer fees through
 * the period's end not invoiced by then (its invoice, if any, dated later; an entry corrected after its invoice
 * counts for its new value less what that invoice still held at the period's end): debit unbilled revenue, credit
 * sales;</li>
 * <li>{@link Category#FIXED_FEE}: revenue recognised to date — the fee times approved hours over budgeted hours
 * (at most 100 %), or the completed milestones when the contract recognises on milestones — less the milestones
 * invoiced by the period's end: a contract asset when more was earned than billed, deferred revenue when less;</li>
 * <li>{@link Category#RETAINER}: retainer fees invoiced by the period's end for later periods: deferred revenue
 * (a period's own fee is earned by its end).</li>
 * </ul>
 * Amounts are in the entity's currency (a project in another converted at the period end's rate). Every journal
 * balances by construction and the capability checks it again; a closed period is not closed again.
 */
@ApplicationScoped
@Named("periodCloses")
public class PeriodCloses {

    /** Header: the period close being posted (plan writes it; the posting and finishing steps read it). */
    public static final String PERIOD_CLOSE_ID = "ledgerbridgePeriodCloseId";
    /** Header: the journal being posted (document writes it; the step marking it posted reads it). */
    public static final String JOURNAL_ID = "ledgerbridgeJournalId";

    /** The kinds of billable item whose value is unbilled revenue until an invoice holds it. */
    private static final Set<BillableItem.Kind> UNBILLED_REVENUE = Set.of(BillableItem.Kind.TIME,
            BillableItem.Kind.EXPENSE, BillableItem.Kind.OVERAGE, BillableItem.Kind.RETAINER);

    /**
     * One measured amount of a project: debit one account, credit another, {@code amount} in the entity's currency,
     * {@code measured} the same in the project's currency.
     */
    private record Accrual(Category category, ProjectRecord project, String debit, String credit, Money amount,
            BigDecimal measured, String description, String basis) {

        /** The revenue the accrual books, in the project's currency: positive when it credits sales. */
        BigDecimal revenue(LegalEntity entity) {
            return entity.salesAccount().equals(credit) ? measured : measured.negate();
        }
    }

    private final FlowJson json;
    private final Regions regions;
    private final LegalEntities entities;
    private final FxRates fxRates;
    private final Audit audit;
    private final Clock clock = Clock.systemUTC();

    private final Facts facts;

    PeriodCloses(FlowJson json, Regions regions, LegalEntities entities, FxRates fxRates, Audit audit, Facts facts) {
        this.facts = facts;
        this.json = json;
        this.regions = regions;
        this.entities = entities;
        this.fxRates = fxRates;
        this.audit = audit;
    }

    public static String businessKey(String entity, String period) {
        return "period-close:" + entity + ":" + period;
    }

    /**
     * Plans (or takes up) the close the body asks for: {@code {"entity": "NL-BV", "period": "2026-10",
     * "requestedBy": "operator"}}. SKIP when the period is closed for the entity; VALIDATION for an unknown entity, a
     * period that has not ended, or an amount to book on an account the entity does not name.
     */
    public String plan(Exchange exchange) {
        Message in = exchange.getMessage();
        JsonNode request = json.read(in.getBody(String.class));
        String code = request.path("entity").asText();
        String period = request.path("period").asText();
        YearMonth month;
        try {
            month = YearMonth.parse(period);
        } catch (DateTimeParseException bad) {
            throw new FlowFailure(ErrorClass.VALIDATION, "period '" + period + "' is not YYYY-MM");
        }
        FlowIdentity.identify(in, "ledgerbridge", code + ":" + period, null, businessKey(code, period));
        if (!entities.has(code)) {
            throw new FlowFailure(ErrorClass.VALIDATION, "unknown legal entity '" + code + "' (mappings/entities.json)");
        }
        if (!month.atEndOfMonth().isBefore(LocalDate.now(clock))) {
            throw new FlowFailure(ErrorClass.VALIDATION, "period " + period + " has not ended: it is closed from "
                    + month.plusMonths(1).atDay(1) + " on");
        }
        LegalEntity entity = entities.of(code);
        in.setHeader(ErpCall.LEGAL_ENTITY, code);
        return QuarkusTransaction.requiringNew().call(() -> {
            PeriodClose close = PeriodClose.of(code, period).orElse(null);
            if (close != null && close.status == PeriodClose.Status.CLOSED) {
                in.setHeader(FlowHeaders.SYNC_ACTION, "SKIP");
                in.setHeader(FlowHeaders.SKIP_REASON, "period " + period + " of " + code + " was closed at "
                        + close.closedAt);
                return "{}";
            }
            if (close == null) {
                close = measure(entity, month, request.path("requestedBy").asText("schedule"));
            }
            in.setHeader(FlowHeaders.SYNC_ACTION, "CREATE");
            in.setHeader(PERIOD_CLOSE_ID, close.id);
            return "{}";
        });
    }

    private PeriodClose measure(LegalEntity entity, YearMonth month, String requestedBy) {
        LocalDate end = month.atEndOfMonth();
        List<Accrual> accruals = accruals(entity, month);
        PeriodClose close = new PeriodClose();
        close.entity = entity.code();
        close.period = month.toString();
        close.status = PeriodClose.Status.RUNNING;
        close.currency = entity.currency().getCurrencyCode();
        close.requestedBy = requestedBy.length() <= 128 ? requestedBy : requestedBy.substring(0, 128);
        close.createdAt = StoreTime.now();
        close.persistAndFlush();
        if (!accruals.isEmpty()) {
            journal(close, RevenueJournal.Kind.ACCRUAL, end, "REV-" + month + "-" + close.id, "Revenue accruals "
                    + entity.code() + " " + month + ", reversed " + end.plusDays(1), accruals, false);
            journal(close, RevenueJournal.Kind.REVERSAL, end.plusDays(1), "REVR-" + month + "-" + close.id,
                    "Reversal of the revenue accruals " + entity.code() + " " + month, accruals, true);
        }
        return close;
    }

    /**
     * The revenue a close of {@code month} would accrue for each project of the entity if it measured now (in the
     * project's currency; positive when the accrual adds revenue, negative when it defers revenue). Reconciliation
     * compares it with what the close did accrue: a difference is what changed after the close. In a transaction.
     */
    public Map<Long, BigDecimal> accruedRevenueNow(String entity, YearMonth month) {
        LegalEntity legalEntity = entities.of(entity);
        Map<Long, BigDecimal> revenue = new HashMap<>();
        for (Accrual accrual : accruals(legalEntity, month)) {
            revenue.merge(accrual.project().id, accrual.revenue(legalEntity), BigDecimal::add);
        }
        return revenue;
    }

    /** What a close measures for the entity's projects at the month's end, as the store stands now. */
    private List<Accrual> accruals(LegalEntity entity, YearMonth month) {
        LocalDate end = month.atEndOfMonth();
        List<ProjectRecord> projects = ProjectRecord.<ProjectRecord>listAll().stream()
                .filter(p -> p.region != null && regions.all().containsKey(p.region)
                        && regions.of(p.region).entity().equals(entity.code()))
                .sorted(java.util.Comparator.comparing(p -> p.id)).toList();
        List<Accrual> accruals = new ArrayList<>();
        if (projects.isEmpty()) {
            return accruals;
        }
        List<Long> ids = projects.stream().map(p -> p.id).toList();
        Map<Long, ProjectRecord> byId = projects.stream().collect(Collectors.toMap(p -> p.id, p -> p));
        List<BillableItem> items = BillableItem.list("projectId in ?1 and ((kind in ?2 and workDate <= ?3 and status "
                + "in ?4) or (kind in ?5 and status = ?6))", ids, UNBILLED_REVENUE, end,
                List.of(BillableItem.Status.UNBILLED, BillableItem.Status.PLANNED, BillableItem.Status.BILLED,
                        BillableItem.Status.EFFORT, BillableItem.Status.CREDITED),
                List.of(BillableItem.Kind.MILESTONE, BillableItem.Kind.RETAINER), BillableItem.Status.BILLED);
        Set<Long> runIds = items.stream().map(i -> i.billingRunId).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        Map<Long, BillingRun> runs = runIds.isEmpty() ? Map.of() : BillingRun.<BillingRun>list("id in ?1", runIds)
                .stream().collect(Collectors.toMap(r -> r.id, r -> r));
        Map<Long, List<BillableItem>> byProject = items.stream().collect(Collectors.groupingBy(i -> i.projectId,
                LinkedHashMap::new, Collectors.toList()));
        List<ContractTerm> terms = ContractTerm.ofProjects(ids);
        for (Long id : ids) {
            List<BillableItem> own = byProject.getOrDefault(id, List.of());
            ProjectRecord project = byId.get(id);
            wip(entity, project, own, runs, end).ifPresent(accruals::add);
            ContractTerm term = ContractTerm.on(terms, id, end).orElse(null);
            if (term != null && term.type.hasMilestones() && term.fixedFee != null) {
                fixedFee(entity, project, term, own, runs, end).ifPresent(accruals::add);
            }
            retainer(entity, project, own, runs, end).ifPresent(accruals::add);
        }
        return accruals;
    }

    /**
     * Unbilled revenue: approved time, expenses, retainer overage and retainer fees of the period or before that no
     * invoice dated by {@code end} holds. An entry corrected after its invoice counts for what it is worth less what
     * that invoice still held for it at {@code end} (its credit note dated later).
     */
    private java.util.Optional<Accrual> wip(LegalEntity entity, ProjectRecord project, List<BillableItem> items,
            Map<Long, BillingRun> runs, LocalDate end) {
        Map<String, BigDecimal> heldByInvoices = new HashMap<>();
        items.stream().filter(i -> i.status == BillableItem.Status.CREDITED && invoicedBy(i, runs, end)
                && !creditedBy(i, end)).forEach(i -> heldByInvoices.merge(source(i), i.amount, BigDecimal::add));
        List<BillableItem> unbilled = items.stream().filter(i -> UNBILLED_REVENUE.contains(i.kind)
                && !i.workDate.isAfter(end) && i.status != BillableItem.Status.EFFORT
                && i.status != BillableItem.Status.CREDITED && !invoicedBy(i, runs, end)).toList();
        BigDecimal amount = BigDecimal.ZERO;
        for (BillableItem item : unbilled) {
            amount = amount.add(item.amount).subtract(heldByInvoices.getOrDefault(source(item), BigDecimal.ZERO));
        }
        if (amount.signum() == 0) {
            return java.util.Optional.empty();
        }
        List<BillableItem> time = unbilled.stream().filter(i -> i.kind == BillableItem.Kind.TIME).toList();
        BigDecimal hours = time.stream().map(i -> i.quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
        List<String> what = new ArrayList<>();
        if (!time.isEmpty()) {
            what.add(plain(hours) + " h");
        }
        for (BillableItem.Kind kind : List.of(BillableItem.Kind.EXPENSE, BillableItem.Kind.OVERAGE,
                BillableItem.Kind.RETAINER)) {
            long count = unbilled.stream().filter(i -> i.kind == kind).count();
            if (count > 0) {
                what.add(count + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
                        + (kind == BillableItem.Kind.RETAINER ? " fee" : "") + (count == 1 ? "" : "s"));
            }
        }
        Currency unit = Currency.getInstance(project.currency);
        Money value = inEntityCurrency(entity, project, amount, end);
        String account = account(entity, entity.revenueAccounts().unbilled(), "unbilledRevenue", Category.WIP, value);
        return java.util.Optional.of(new Accrual(Category.WIP, project, account, entity.salesAccount(), value,
                Money.rounded(amount, unit).amount(), "WIP " + name(project) + ": " + String.join(", ", what)
                        + " not invoiced by " + end,
                time.size() + " approved time entries, " + plain(hours) + " h"
                        + (unbilled.size() > time.size() ? ", " + String.join(", ", what.subList(time.isEmpty() ? 0 : 1,
                                what.size())) : "")
                        + ", " + new Money(amount, unit) + ": " + sources(unbilled)));
    }

    /**
     * What a fixed fee has earned by {@code end} (in the project's currency), with how it was measured: the completed
     * milestones when the contract recognises on milestones (or budgets no hours), else the fee times the approved
     * hours ({@code effort}: the project's approved time through {@code end}) over the budgeted hours, at most 100 %.
     */
    public Recognised recognised(ProjectRecord project, ContractTerm term, List<BillableItem> effort, LocalDate end) {
        Currency unit = Currency.getInstance(project.currency);
        BigDecimal hours = effort.stream().filter(i -> i.kind == BillableItem.Kind.TIME
                && i.status == BillableItem.Status.EFFORT && !i.workDate.isAfter(end)).map(i -> i.quantity)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        boolean onMilestones = "MILESTONE".equals(term.recognition) || term.budgetHours == null
                || term.budgetHours.signum() == 0;
        if (onMilestones) {
            List<Milestone> completed = Milestone.<Milestone>list("projectId = ?1 and status = ?2 and completedOn <= ?3",
                    project.id, Milestone.Status.COMPLETED, end);
            BigDecimal recognised = completed.stream().map(m -> m.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            return new Recognised(recognised, "recognised on milestones: " + completed.size() + " completed by " + end
                    + " (" + String.join(", ", completed.stream().map(m -> m.code).toList()) + ") "
                    + new Money(recognised, unit));
        }
        BigDecimal progress = hours.divide(term.budgetHours, 10, RoundingMode.HALF_EVEN).min(BigDecimal.ONE);
        BigDecimal recognised = Money.rounded(term.fixedFee.multiply(progress), unit).amount();
        return new Recognised(recognised, "percentage of completion: " + plain(hours) + " of "
                + plain(term.budgetHours) + " budgeted h of " + new Money(term.fixedFee, unit) + " = "
                + new Money(recognised, unit));
    }

    /** Revenue a fixed fee earned by a day, in its project's currency, and how it was measured. */
    public record Recognised(BigDecimal amount, String basis) {
    }

    private java.util.Optional<Accrual> fixedFee(LegalEntity entity, ProjectRecord project, ContractTerm term,
            List<BillableItem> items, Map<Long, BillingRun> runs, LocalDate end) {
        Currency unit = Currency.getInstance(project.currency);
        Recognised recognised = recognised(project, term, items, end);
        BigDecimal billed = items.stream().filter(i -> i.kind == BillableItem.Kind.MILESTONE
                && invoicedBy(i, runs, end)).map(i -> i.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal position = recognised.amount().subtract(billed);
        if (position.signum() == 0) {
            return java.util.Optional.empty();
        }
        String basis = recognised.basis() + "; milestones invoiced by " + end + " " + new Money(billed, unit);
        Money value = inEntityCurrency(entity, project, position.abs(), end);
        BigDecimal measured = Money.rounded(position.abs(), unit).amount();
        if (position.signum() > 0) {
            String account = account(entity, entity.revenueAccounts().contractAssets(), "contractAssets",
                    Category.FIXED_FEE, value);
            return java.util.Optional.of(new Accrual(Category.FIXED_FEE, project, account, entity.salesAccount(), value,
                    measured, "Fixed fee " + name(project) + ": earned beyond billed", basis));
        }
        String account = account(entity, entity.revenueAccounts().deferred(), "deferredRevenue", Category.FIXED_FEE,
                value);
        return java.util.Optional.of(new Accrual(Category.FIXED_FEE, project, entity.salesAccount(), account, value,
                measured, "Fixed fee " + name(project) + ": billed ahead of earned", basis));
    }

    private java.util.Optional<Accrual> retainer(LegalEntity entity, ProjectRecord project, List<BillableItem> items,
            Map<Long, BillingRun> runs, LocalDate end) {
        List<BillableItem> ahead = items.stream().filter(i -> i.kind == BillableItem.Kind.RETAINER
                && i.workDate.isAfter(end) && invoicedBy(i, runs, end)).toList();
        BigDecimal amount = ahead.stream().map(i -> i.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (amount.signum() == 0) {
            return java.util.Optional.empty();
        }
        Money value = inEntityCurrency(entity, project, amount, end);
        String account = account(entity, entity.revenueAccounts().deferred(), "deferredRevenue", Category.RETAINER,
                value);
        return java.util.Optional.of(new Accrual(Category.RETAINER, project, entity.salesAccount(), account, value,
                Money.rounded(amount, Currency.getInstance(project.currency)).amount(), "Retainer " + name(project) + ": fees billed in advance",
                "retainer fees invoiced by " + end + " for " + String.join(", ", ahead.stream().map(i -> i.role)
                        .toList()) + ": " + new Money(amount, Currency.getInstance(project.currency))));
    }

    /** Whether the credit note that reversed a credited item was issued by {@code end}. */
    private static boolean creditedBy(BillableItem item, LocalDate end) {
        CreditNoteLine line = item.creditNoteLineId == null ? null : CreditNoteLine.findById(item.creditNoteLineId);
        CreditNote note = line == null ? null : CreditNote.findById(line.creditNoteId);
        return note != null && note.status == CreditNote.Status.ISSUED && !note.issueDate.isAfter(end);
    }

    private static String source(BillableItem item) {
        return item.kind + "|" + item.sourceSystem + "|" + item.sourceId;
    }

    private static boolean invoicedBy(BillableItem item, Map<Long, BillingRun> runs, LocalDate end) {
        BillingRun run = item.billingRunId == null ? null : runs.get(item.billingRunId);
        return run != null && run.status == BillingRun.Status.INVOICED && !run.issueDate.isAfter(end);
    }

    private Money inEntityCurrency(LegalEntity entity, ProjectRecord project, BigDecimal amount, LocalDate end) {
        return fxRates.convert(Money.rounded(amount, Currency.getInstance(project.currency)),
                entity.currency().getCurrencyCode(), end);
    }

    private static String account(LegalEntity entity, String account, String setting, Category category, Money value) {
        if (account == null) {
            throw new FlowFailure(ErrorClass.VALIDATION, "legal entity " + entity.code() + " names no accounts."
                    + setting + " in mappings/entities.json: the period close cannot book " + category + " of "
                    + value);
        }
        return account;
    }

    private static String name(ProjectRecord project) {
        String name = project.code != null ? project.code : project.name;
        return name.length() <= 40 ? name : name.substring(0, 40);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String sources(List<BillableItem> items) {
        String listed = String.join(", ", items.stream().map(i -> i.sourceSystem + " " + i.sourceId).toList());
        return listed.length() <= 300 ? listed : listed.substring(0, 297) + "...";
    }

    private static void journal(PeriodClose close, RevenueJournal.Kind kind, LocalDate date, String reference,
            String narration, List<Accrual> accruals, boolean reverse) {
        RevenueJournal journal = new RevenueJournal();
        journal.periodCloseId = close.id;
        journal.kind = kind;
        journal.journalDate = date;
        journal.reference = reference;
        journal.narration = narration.length() <= 100 ? narration : narration.substring(0, 100);
        journal.currency = close.currency;
        journal.status = RevenueJournal.Status.PLANNED;
        journal.persistAndFlush();
        int lineNo = 0;
        for (Accrual accrual : accruals) {
            BigDecimal amount = reverse ? accrual.amount().amount().negate() : accrual.amount().amount();
            BigDecimal measured = reverse ? accrual.measured().negate() : accrual.measured();
            line(journal, ++lineNo, accrual, accrual.debit(), amount, measured);
            line(journal, ++lineNo, accrual, accrual.credit(), amount.negate(), measured.negate());
        }
    }

    private static void line(RevenueJournal journal, int lineNo, Accrual accrual, String account, BigDecimal amount,
            BigDecimal measured) {
        RevenueJournalLine line = new RevenueJournalLine();
        line.journalId = journal.id;
        line.lineNo = lineNo;
        line.category = accrual.category();
        line.projectId = accrual.project().id;
        line.accountCode = account;
        line.amount = amount.setScale(2, RoundingMode.UNNECESSARY);
        line.projectAmount = measured;
        line.description = accrual.description().length() <= 100 ? accrual.description()
                : accrual.description().substring(0, 100);
        line.basis = accrual.basis().length() <= 400 ? accrual.basis() : accrual.basis().substring(0, 400);
        line.persist();
    }

    /** The journals of a close still to post, in order (the accrual before its reversal). */
    public List<Long> pending(Long closeId) {
        return QuarkusTransaction.requiringNew().call(() -> RevenueJournal.ofClose(closeId).stream()
                .filter(j -> j.status == RevenueJournal.Status.PLANNED).map(j -> j.id).toList());
    }

    /**
     * The canonical journal (mappings/schemas/journal.schema.json) of a planned revenue journal; sets its id and its
     * idempotency key.
     */
    public String document(Exchange exchange, Long journalId) {
        Message in = exchange.getMessage();
        return QuarkusTransaction.requiringNew().call(() -> {
            RevenueJournal journal = RevenueJournal.findById(journalId);
            in.setHeader(JOURNAL_ID, journal.id);
            in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, "journal-" + journal.reference);
            ObjectNode document = json.object();
            document.put("reference", journal.reference);
            document.put("date", journal.journalDate.toString());
            document.put("narration", journal.narration);
            document.put("currency", journal.currency);
            ArrayNode lines = document.putArray("lines");
            for (RevenueJournalLine line : RevenueJournalLine.of(journal.id)) {
                lines.addObject().put("accountCode", line.accountCode).put("amount", line.amount.toPlainString())
                        .put("description", line.description);
            }
            return json.write(document);
        });
    }

    /** The ERP posted journal {@code journalId} as {@code erpId}. */
    public void posted(Long journalId, String erpId) {
        QuarkusTransaction.requiringNew().run(() -> {
            RevenueJournal journal = RevenueJournal.findById(journalId);
            journal.status = RevenueJournal.Status.POSTED;
            journal.erpJournalId = erpId;
            journal.postedAt = StoreTime.now();
            PeriodClose close = PeriodClose.findById(journal.periodCloseId);
            for (RevenueJournalLine line : RevenueJournalLine.of(journal.id)) {
                facts.record("journal-line", "journal:" + journal.reference + ":line:" + line.lineNo,
                        Extracts.journalLine(close, journal, line));
            }
        });
    }

    /** Every journal of the close is posted: the period is closed for the entity, audited. */
    public void finish(Long closeId) {
        PeriodClose close = QuarkusTransaction.requiringNew().call(() -> {
            PeriodClose found = PeriodClose.findById(closeId);
            if (found.status == PeriodClose.Status.CLOSED) {
                return null;
            }
            List<RevenueJournal> journals = RevenueJournal.ofClose(closeId);
            if (journals.stream().anyMatch(j -> j.status != RevenueJournal.Status.POSTED)) {
                throw new FlowFailure(ErrorClass.INTERNAL, "period close " + closeId + " has journals not posted");
            }
            found.status = PeriodClose.Status.CLOSED;
            found.closedAt = StoreTime.now();
            return found;
        });
        if (close != null) {
            List<RevenueJournal> journals = QuarkusTransaction.requiringNew().call(() -> RevenueJournal.ofClose(closeId));
            audit.record(close.requestedBy, "period-close", "entity/" + close.entity + "/period/" + close.period,
                    journals.isEmpty() ? "nothing to accrue" : journals.size() + " journals posted: "
                            + String.join(", ", journals.stream().map(j -> j.reference + " " + j.erpJournalId).toList()),
                    "CLOSED");
        }
    }

    /**
     * The closes due (the schedule): for every legal entity, the last period once {@code days} days have passed since
     * it ended (after its billing), unless already closed; as requests for the flow.
     */
    public List<String> due(int days) {
        YearMonth last = YearMonth.from(LocalDate.now(clock).minusDays(days)).minusMonths(1);
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, PeriodClose> closed = new HashMap<>();
            PeriodClose.<PeriodClose>list("period = ?1", last.toString()).forEach(c -> closed.put(c.entity, c));
            List<String> requests = new ArrayList<>();
            for (String entity : entities.all().keySet()) {
                PeriodClose close = closed.get(entity);
                if (close == null || close.status != PeriodClose.Status.CLOSED) {
                    requests.add(json.write(json.object().put("entity", entity).put("period", last.toString())
                            .put("requestedBy", "schedule")));
                }
            }
            return requests;
        });
    }
}
