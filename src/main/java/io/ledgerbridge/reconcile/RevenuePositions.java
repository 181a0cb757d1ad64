package io.ledgerbridge.reconcile;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.billing.InvoiceLineRecord;
import io.ledgerbridge.close.PeriodClose;
import io.ledgerbridge.close.PeriodCloses;
import io.ledgerbridge.close.RevenueJournal;
import io.ledgerbridge.close.RevenueJournalLine;
import io.ledgerbridge.contract.ContractTerm;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.project.ProjectRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The revenue side of a reconciliation: for every project in a run's scope whose legal entity closed the run's
 * period, the value approved through the period's end must be accounted for by the documents, to the cent, in the
 * project's currency:
 *
 * <pre>
 * approved = invoiced by the end - credited by the end + accrued by the period's close + held beyond a cap + written off
 * </pre>
 *
 * <ul>
 * <li>approved: approved time, expenses, retainer fees and overage with a date through the period's end, at their
 * current value (a corrected entry at its new value); on a fixed fee, the revenue it earned by then instead of its
 * milestones;</li>
 * <li>invoiced: the lines of the project's invoices dated by the end; credited: its credit notes issued by then;</li>
 * <li>accrued: the revenue the close's accrual journal booked for the project (unbilled work added, fees and
 * milestones billed ahead deducted), in the project's currency as measured.</li>
 * </ul>
 * When the identity fails, the close is measured again as the store stands now: if the identity holds with that,
 * the difference changed after the close (approved late, corrected, invoiced with an earlier date) and the close of
 * the open period carries it ({@link ReconFinding.Type#CHANGED_AFTER_CLOSE}); if not, value is unaccounted for
 * ({@link ReconFinding.Type#REVENUE_UNACCOUNTED}).
 */
@ApplicationScoped
public class RevenuePositions {

    /** The statuses whose value is still the project's (EFFORT is never billed, CREDITED was reversed). */
    private static final Set<BillableItem.Status> VALUED = Set.of(BillableItem.Status.UNBILLED,
            BillableItem.Status.PLANNED, BillableItem.Status.BILLED, BillableItem.Status.HELD,
            BillableItem.Status.WRITTEN_OFF);

    private final PeriodCloses closes;
    private final Regions regions;
    private final LegalEntities entities;

    RevenuePositions(PeriodCloses closes, Regions regions, LegalEntities entities) {
        this.closes = closes;
        this.regions = regions;
        this.entities = entities;
    }

    /** The position of one project at a period's end, every figure in the project's currency. */
    record Position(BigDecimal approved, BigDecimal invoiced, BigDecimal credited, BigDecimal accrued,
            BigDecimal held, BigDecimal writtenOff) {

        BigDecimal accounted() {
            return invoiced.subtract(credited).add(accrued).add(held).add(writtenOff);
        }

        Position accruing(BigDecimal other) {
            return new Position(approved, invoiced, credited, other, held, writtenOff);
        }
    }

    /**
     * Finds the revenue differences of a run's period for its projects and records them as findings of the run;
     * answers how many. Projects of an entity that has not closed the period are not compared (nothing was accrued
     * yet).
     */
    public int match(Long runId, String period, List<Long> projects) {
        YearMonth month = YearMonth.parse(period);
        LocalDate end = month.atEndOfMonth();
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Optional<PeriodClose>> closed = new HashMap<>();
            Map<String, Map<Long, BigDecimal>> remeasured = new HashMap<>();
            List<ContractTerm> terms = projects.isEmpty() ? List.of() : ContractTerm.ofProjects(projects);
            int findings = 0;
            for (Long id : projects) {
                ProjectRecord project = ProjectRecord.findById(id);
                if (project == null || project.region == null || !regions.all().containsKey(project.region)) {
                    continue;
                }
                String entity = regions.of(project.region).entity();
                PeriodClose close = closed.computeIfAbsent(entity, e -> PeriodClose.of(e, period)
                        .filter(c -> c.status == PeriodClose.Status.CLOSED)).orElse(null);
                if (close == null) {
                    continue;
                }
                Position position = position(project, ContractTerm.on(terms, id, end).orElse(null), close, end);
                if (position.approved().compareTo(position.accounted()) == 0) {
                    continue;
                }
                BigDecimal now = remeasured.computeIfAbsent(entity, e -> closes.accruedRevenueNow(e, month))
                        .getOrDefault(id, BigDecimal.ZERO);
                Position measuredNow = position.accruing(now);
                boolean changedSince = measuredNow.approved().compareTo(measuredNow.accounted()) == 0;
                ReconFinding finding = new ReconFinding();
                finding.runId = runId;
                finding.type = (changedSince ? ReconFinding.Type.CHANGED_AFTER_CLOSE
                        : ReconFinding.Type.REVENUE_UNACCOUNTED).name();
                finding.projectId = id;
                finding.currency = project.currency;
                finding.expected = plain(position.approved(), project.currency);
                finding.actual = plain(position.accounted(), project.currency);
                finding.detail = detail(project, position, close, end, changedSince ? now : null);
                finding.replayCandidate = false;
                finding.status = ReconFinding.Status.OPEN;
                finding.persist();
                findings++;
            }
            return findings;
        });
    }

    private Position position(ProjectRecord project, ContractTerm term, PeriodClose close, LocalDate end) {
        boolean fixedFee = term != null && term.type.hasMilestones() && term.fixedFee != null;
        List<BillableItem> items = BillableItem.list("projectId = ?1 and workDate <= ?2", project.id, end);
        BigDecimal approved = BigDecimal.ZERO;
        BigDecimal held = BigDecimal.ZERO;
        BigDecimal writtenOff = BigDecimal.ZERO;
        for (BillableItem item : items) {
            if (!VALUED.contains(item.status) || fixedFee && item.kind == BillableItem.Kind.MILESTONE) {
                continue;
            }
            approved = approved.add(item.amount);
            if (item.status == BillableItem.Status.HELD) {
                held = held.add(item.amount);
            } else if (item.status == BillableItem.Status.WRITTEN_OFF) {
                writtenOff = writtenOff.add(item.amount);
            }
        }
        if (fixedFee) {
            approved = approved.add(closes.recognised(project, term, items, end).amount());
        }
        List<Long> runs = BillingRun.<BillingRun>list("projectId = ?1 and status = ?2 and issueDate <= ?3",
                project.id, BillingRun.Status.INVOICED, end).stream().map(r -> r.id).toList();
        BigDecimal invoiced = runs.isEmpty() ? BigDecimal.ZERO : sum(InvoiceLineRecord.<InvoiceLineRecord>list(
                "billingRunId in ?1", runs).stream().map(l -> l.lineAmount).toList());
        BigDecimal credited = sum(CreditNote.ofProject(project.id).stream().filter(n -> n.status
                == CreditNote.Status.ISSUED && !n.issueDate.isAfter(end)).map(n -> n.total).toList());
        String sales = entities.of(close.entity).salesAccount();
        BigDecimal accrued = BigDecimal.ZERO;
        for (RevenueJournal journal : RevenueJournal.ofClose(close.id)) {
            if (journal.kind != RevenueJournal.Kind.ACCRUAL) {
                continue;
            }
            for (RevenueJournalLine line : RevenueJournalLine.of(journal.id)) {
                if (project.id.equals(line.projectId) && sales.equals(line.accountCode)) {
                    // the sales side of the accrual: a credit (negative) adds revenue
                    accrued = accrued.subtract(line.projectAmount != null ? line.projectAmount : line.amount);
                }
            }
        }
        return new Position(approved, invoiced, credited, accrued, held, writtenOff);
    }

    private static String detail(ProjectRecord project, Position position, PeriodClose close, LocalDate end,
            BigDecimal accruedNow) {
        Currency unit = Currency.getInstance(project.currency);
        BigDecimal difference = position.approved().subtract(position.accounted());
        List<String> parts = new ArrayList<>();
        parts.add("approved through " + end + " " + money(position.approved(), unit));
        parts.add("invoiced by then " + money(position.invoiced(), unit));
        parts.add("credited " + money(position.credited(), unit));
        parts.add("accrued by the close of " + close.period + " " + money(position.accrued(), unit));
        if (position.held().signum() != 0) {
            parts.add("held beyond the cap " + money(position.held(), unit));
        }
        if (position.writtenOff().signum() != 0) {
            parts.add("written off " + money(position.writtenOff(), unit));
        }
        String name = project.code != null ? project.code : project.name;
        String figures = name + ": " + String.join(", ", parts) + ": " + money(difference, unit) + " ";
        if (accruedNow != null) {
            return figures + "changed after the close of " + close.entity + " " + close.period + " (" + close.closedAt
                    + "; measured now it would accrue " + money(accruedNow, unit) + "): approved or corrected since, "
                    + "carried by the close of " + YearMonth.parse(close.period).plusMonths(1);
        }
        return figures + "is accounted for by no invoice, credit note or accrual, and measuring the close again does "
                + "not explain it: check the project's invoices and credit notes of the period against its entries";
    }

    private static String money(BigDecimal amount, Currency unit) {
        return Money.rounded(amount, unit).toString();
    }

    private static String plain(BigDecimal amount, String currency) {
        return Money.rounded(amount, Currency.getInstance(currency)).amount().toPlainString();
    }

    private static BigDecimal sum(List<BigDecimal> amounts) {
        return amounts.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
