package io.ledgerbridge.kpi;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.billing.BillingRun;
import io.ledgerbridge.billing.CreditNote;
import io.ledgerbridge.close.PeriodClose;
import io.ledgerbridge.close.RevenueJournal;
import io.ledgerbridge.close.RevenueJournalLine;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.money.FxRates;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.money.RateCardRate;
import io.ledgerbridge.money.Regions;
import io.ledgerbridge.people.ResourceRecord;
import io.ledgerbridge.people.ResourceTerm;
import io.ledgerbridge.project.ProjectRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Margin and utilization of a period, from the store.
 * <p>
 * <b>Margin</b> per project (or summed per client or region, per currency): revenue − cost. Revenue is what the
 * project's invoices of the period bill, less the credit notes its billing run of the period planned, plus the change
 * in its accrued revenue between the closes of the period before and of the period (WIP, fixed-fee positions,
 * retainer deferrals of its entity's posted closes, when booked in the project's currency). Cost is every approved
 * hour of the period at the person's cost rate of the work date (the HR feed's terms, converted to the project's
 * currency at that day's rate), else at the cost rate of the rate card version the hour was priced with, plus the
 * approved expenses of the period.
 * <p>
 * <b>Utilization</b> per person (or summed per practice or region): billable approved hours of the period (time on
 * client projects, whether billed by the hour, as effort on a fixed fee or against a retainer) over capacity: the
 * contracted weekly hours of the terms in force each working day (Monday to Friday) the person was employed, a fifth
 * a day, so that joiners and leavers count pro rata.
 */
@ApplicationScoped
public class Profitability {

    /** One row of margin: a project, client or region in one currency. */
    public record Margin(String key, String name, String currency, BigDecimal revenue, BigDecimal cost,
            BigDecimal margin, BigDecimal marginShare, BigDecimal hours) {
    }

    /** One row of utilization: a person, practice or region. */
    public record Utilization(String key, String name, BigDecimal billableHours, BigDecimal capacityHours,
            BigDecimal utilization) {
    }

    private final FxRates fxRates;
    private final Regions regions;
    private final LegalEntities entities;

    Profitability(FxRates fxRates, Regions regions, LegalEntities entities) {
        this.fxRates = fxRates;
        this.regions = regions;
        this.entities = entities;
    }

    /** Margin of the period per project, client or region ({@code groupBy}). */
    @Transactional
    public List<Margin> margins(YearMonth period, String groupBy) {
        LocalDate from = period.atDay(1);
        LocalDate to = period.atEndOfMonth();
        List<ProjectRecord> projects = ProjectRecord.listAll();
        Map<Long, BigDecimal> revenue = new HashMap<>();
        Map<Long, BigDecimal> cost = new HashMap<>();
        Map<Long, BigDecimal> hours = new HashMap<>();
        for (BillingRun run : BillingRun.<BillingRun>list("period = ?1 and status = ?2", period.toString(),
                BillingRun.Status.INVOICED)) {
            revenue.merge(run.projectId, run.total, BigDecimal::add);
        }
        for (CreditNote note : CreditNote.<CreditNote>list("period = ?1", period.toString())) {
            revenue.merge(note.projectId, note.total.negate(), BigDecimal::add);
        }
        Map<Long, ProjectRecord> byId = new HashMap<>();
        projects.forEach(p -> byId.put(p.id, p));
        accrued(period, byId).forEach((project, change) -> revenue.merge(project, change, BigDecimal::add));

        List<BillableItem> work = BillableItem.list("workDate >= ?1 and workDate <= ?2 and kind in ?3 and status <> ?4",
                from, to, List.of(BillableItem.Kind.TIME, BillableItem.Kind.EXPENSE), BillableItem.Status.CREDITED);
        Map<String, ResourceRecord> people = new HashMap<>();
        ResourceRecord.<ResourceRecord>list("psaId is not null").forEach(r -> people.put(r.psaId, r));
        List<ResourceTerm> terms = people.isEmpty() ? List.of()
                : ResourceTerm.ofResources(people.values().stream().map(r -> r.id).toList());
        Map<String, RateCardRate> cards = new HashMap<>();
        for (BillableItem item : work) {
            ProjectRecord project = byId.get(item.projectId);
            if (project == null) {
                continue;
            }
            Currency unit = Currency.getInstance(project.currency);
            if (item.kind == BillableItem.Kind.EXPENSE) {
                cost.merge(project.id, item.amount, BigDecimal::add);
                continue;
            }
            hours.merge(project.id, item.quantity, BigDecimal::add);
            ResourceRecord person = people.get(item.psaUserId);
            ResourceTerm term = person == null ? null
                    : ResourceTerm.on(terms, person.id, item.workDate).filter(t -> t.costRate != null).orElse(null);
            Money rate;
            if (term != null) {
                rate = fxRates.convert(new Money(term.costRate, Currency.getInstance(term.costCurrency)),
                        project.currency, item.workDate);
            } else {
                RateCardRate card = item.rateCard == null ? null : cards.computeIfAbsent(item.rateCard + "|" + item.role
                        + "|" + item.rateVersion, k -> RateCardRate.<RateCardRate>find("card = ?1 and role = ?2 and "
                                + "version = ?3", item.rateCard, item.role, item.rateVersion).firstResult());
                if (card == null) {
                    continue;
                }
                rate = fxRates.convert(new Money(card.costRate, Currency.getInstance(card.currency)), project.currency,
                        item.workDate);
            }
            cost.merge(project.id, new Money(rate.amount(), unit).times(item.quantity).amount(), BigDecimal::add);
        }

        Function<ProjectRecord, String[]> group = switch (groupBy == null ? "project" : groupBy) {
            case "client" -> p -> new String[] {"client:" + p.clientName, p.clientName};
            case "region" -> p -> new String[] {"region:" + p.region, regions.all().containsKey(p.region)
                    ? regions.of(p.region).name() : p.region};
            case "project" -> p -> new String[] {"project:" + p.id, p.name};
            default -> throw new IllegalArgumentException("groupBy is project, client or region, not " + groupBy);
        };
        Map<String, BigDecimal[]> sums = new LinkedHashMap<>();
        Map<String, String[]> names = new LinkedHashMap<>();
        for (ProjectRecord project : projects.stream().sorted(java.util.Comparator.comparing(p -> p.id)).toList()) {
            BigDecimal r = revenue.getOrDefault(project.id, BigDecimal.ZERO);
            BigDecimal c = cost.getOrDefault(project.id, BigDecimal.ZERO);
            BigDecimal h = hours.getOrDefault(project.id, BigDecimal.ZERO);
            if (r.signum() == 0 && c.signum() == 0 && h.signum() == 0) {
                continue;
            }
            String[] key = group.apply(project);
            String id = key[0] + "|" + project.currency;
            names.putIfAbsent(id, new String[] {key[0], key[1], project.currency});
            BigDecimal[] sum = sums.computeIfAbsent(id, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO,
                    BigDecimal.ZERO});
            sum[0] = sum[0].add(r);
            sum[1] = sum[1].add(c);
            sum[2] = sum[2].add(h);
        }
        List<Margin> rows = new ArrayList<>();
        sums.forEach((id, sum) -> {
            String[] name = names.get(id);
            Currency unit = Currency.getInstance(name[2]);
            BigDecimal r = Money.rounded(sum[0], unit).amount();
            BigDecimal c = Money.rounded(sum[1], unit).amount();
            BigDecimal m = r.subtract(c);
            rows.add(new Margin(name[0], name[1], name[2], r, c, m,
                    r.signum() == 0 ? null : m.divide(r, 4, RoundingMode.HALF_EVEN), sum[2].stripTrailingZeros()));
        });
        return rows;
    }

    /**
     * Per project, the accrued revenue at the period's end less that at the end of the period before: the lines on
     * the entity's sales account of the accrual journals of posted closes (a credit is revenue), in the project's
     * currency as each line was measured.
     */
    private Map<Long, BigDecimal> accrued(YearMonth period, Map<Long, ProjectRecord> projects) {
        Map<Long, BigDecimal> change = new HashMap<>();
        addAccruals(change, period, projects, BigDecimal.ONE);
        addAccruals(change, period.minusMonths(1), projects, BigDecimal.ONE.negate());
        return change;
    }

    private void addAccruals(Map<Long, BigDecimal> change, YearMonth period, Map<Long, ProjectRecord> projects,
            BigDecimal sign) {
        for (PeriodClose close : PeriodClose.<PeriodClose>list("period = ?1 and status = ?2", period.toString(),
                PeriodClose.Status.CLOSED)) {
            if (!entities.has(close.entity)) {
                continue;
            }
            String sales = entities.of(close.entity).salesAccount();
            for (RevenueJournal journal : RevenueJournal.ofClose(close.id)) {
                if (journal.kind != RevenueJournal.Kind.ACCRUAL) {
                    continue;
                }
                for (RevenueJournalLine line : RevenueJournalLine.of(journal.id)) {
                    ProjectRecord project = projects.get(line.projectId);
                    if (project == null || !sales.equals(line.accountCode)) {
                        continue;
                    }
                    // in the project's currency as measured (lines booked before V28: only in the entity's own)
                    BigDecimal measured = line.projectAmount != null ? line.projectAmount
                            : Objects.equals(project.currency, close.currency) ? line.amount : null;
                    if (measured != null) {
                        change.merge(project.id, measured.negate().multiply(sign), BigDecimal::add);
                    }
                }
            }
        }
    }

    /** Utilization of the period per person, practice or region ({@code groupBy}). */
    @Transactional
    public List<Utilization> utilization(YearMonth period, String groupBy) {
        LocalDate from = period.atDay(1);
        LocalDate to = period.atEndOfMonth();
        List<ResourceRecord> people = ResourceRecord.<ResourceRecord>listAll().stream()
                .sorted(java.util.Comparator.comparing(r -> r.id)).toList();
        List<ResourceTerm> terms = people.isEmpty() ? List.of()
                : ResourceTerm.ofResources(people.stream().map(r -> r.id).toList());
        Map<String, BigDecimal> billable = new HashMap<>();
        for (BillableItem item : BillableItem.<BillableItem>list("workDate >= ?1 and workDate <= ?2 and kind = ?3 and "
                + "status <> ?4 and quantity > 0", from, to, BillableItem.Kind.TIME, BillableItem.Status.CREDITED)) {
            if (item.psaUserId != null) {
                billable.merge(item.psaUserId, item.quantity, BigDecimal::add);
            }
        }
        Map<String, BigDecimal[]> sums = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        for (ResourceRecord person : people) {
            BigDecimal capacity = BigDecimal.ZERO;
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                boolean employed = (person.joinedOn == null || !day.isBefore(person.joinedOn))
                        && (person.leftOn == null || !day.isAfter(person.leftOn));
                if (!employed || day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
                    continue;
                }
                ResourceTerm term = ResourceTerm.on(terms, person.id, day).orElse(null);
                if (term != null && term.weeklyHours != null) {
                    capacity = capacity.add(term.weeklyHours.divide(BigDecimal.valueOf(5), 4, RoundingMode.HALF_EVEN));
                }
            }
            BigDecimal hours = person.psaId == null ? BigDecimal.ZERO
                    : billable.getOrDefault(person.psaId, BigDecimal.ZERO);
            if (capacity.signum() == 0 && hours.signum() == 0) {
                continue;
            }
            String practice = ResourceTerm.on(terms, person.id, to).map(t -> t.practice).orElse(null);
            String[] key = switch (groupBy == null ? "person" : groupBy) {
                case "practice" -> new String[] {"practice:" + practice, Objects.requireNonNullElse(practice, "none")};
                case "region" -> new String[] {"region:" + person.region, person.region};
                case "person" -> new String[] {"person:" + person.hrId, person.firstName + " " + person.lastName};
                default -> throw new IllegalArgumentException("groupBy is person, practice or region, not " + groupBy);
            };
            names.putIfAbsent(key[0], key[1]);
            BigDecimal[] sum = sums.computeIfAbsent(key[0], k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
            sum[0] = sum[0].add(hours);
            sum[1] = sum[1].add(capacity);
        }
        List<Utilization> rows = new ArrayList<>();
        sums.forEach((key, sum) -> {
            BigDecimal capacity = sum[1].setScale(2, RoundingMode.HALF_EVEN);
            rows.add(new Utilization(key, names.get(key), sum[0].stripTrailingZeros(), capacity,
                    capacity.signum() == 0 ? null : sum[0].divide(capacity, 4, RoundingMode.HALF_EVEN)));
        });
        return rows;
    }
}
