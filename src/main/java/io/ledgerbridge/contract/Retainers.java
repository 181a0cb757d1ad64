package io.ledgerbridge.contract;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Retainers, period (month) by period. A period is a retainer period when a RETAINER term is in force on its last day;
 * its fee (not pro-rated) is billed in advance (none for a period that begins after the project ends), by the billing run of the period before (or by the first run that
 * sees it, for the first period). The billing run of a period settles it: the approved hours of work dates under the
 * retainer are counted against its allowance (the included hours, and the hours the period before left unused when
 * its terms roll them over, for one period) in work-date order; hours beyond it are billed at their rate card as
 * overage, one line per role and rate; what is left unused rolls over or expires. Approved time on a retainer is
 * otherwise effort, never billed by the hour. Hours are counted once: an entry approved after its period was settled
 * counts against the next period settled.
 */
@ApplicationScoped
public class Retainers {

    /** The fee and overage items name this as their source system. */
    public static final String SOURCE = "ledgerbridge";

    /**
     * Inside a billing run's transaction for the period ending {@code through}: brings the project's retainer
     * periods up to date (fees through the next period, every period through this one settled) and answers the
     * items to bill: {@code items} with the fees and overage not yet billed.
     */
    public List<BillableItem> billable(ProjectRecord project, List<ContractTerm> terms, LocalDate through,
            List<BillableItem> items) {
        YearMonth first = terms.stream().filter(t -> t.type == ContractType.RETAINER)
                .map(t -> YearMonth.from(t.effectiveFrom)).min(YearMonth::compareTo).orElse(null);
        if (first == null) {
            return items;
        }
        YearMonth month = YearMonth.from(through);
        List<BillableItem> billable = new ArrayList<>(items);
        Set<Long> listed = new HashSet<>();
        items.forEach(i -> listed.add(i.id));
        RetainerPeriod previous = null;
        for (YearMonth p = first; !p.isAfter(month.plusMonths(1)); p = p.plusMonths(1)) {
            ContractTerm term = ContractTerm.on(terms, project.id, p.atEndOfMonth()).orElse(null);
            if (term == null || term.type != ContractType.RETAINER
                    || project.endsOn != null && p.atDay(1).isAfter(project.endsOn)) {
                previous = null;
                continue;
            }
            RetainerPeriod period = period(project, term, p);
            if (period.feeItemId == null) {
                BillableItem fee = fee(project, period, p);
                period.feeItemId = fee.id;
                period.updatedAt = fee.createdAt;
                billable.add(fee);
                listed.add(fee.id);
            }
            if (!p.isAfter(month) && period.settledAt == null) {
                for (BillableItem overage : settle(project, terms, period, previous, p)) {
                    billable.add(overage);
                    listed.add(overage.id);
                }
            }
            previous = period;
        }
        // a fee of a period ahead that an earlier plan created and no run billed yet
        BillableItem.<BillableItem>list("projectId = ?1 and kind = ?2 and status = ?3 and workDate <= ?4 order by id",
                project.id, BillableItem.Kind.RETAINER, BillableItem.Status.UNBILLED, month.plusMonths(1).atDay(1))
                .stream().filter(i -> !listed.contains(i.id)).forEach(billable::add);
        return billable;
    }

    private static RetainerPeriod period(ProjectRecord project, ContractTerm term, YearMonth p) {
        return RetainerPeriod.of(project.id, p.toString()).orElseGet(() -> {
            RetainerPeriod created = new RetainerPeriod();
            created.projectId = project.id;
            created.period = p.toString();
            created.amount = term.retainerAmount;
            created.currency = term.currency;
            created.includedHours = Objects.requireNonNullElse(term.retainerHours, BigDecimal.ZERO);
            created.unusedPolicy = Objects.requireNonNullElse(term.unusedHours, RetainerPeriod.Unused.EXPIRE.name());
            created.updatedAt = StoreTime.now();
            created.persist();
            return created;
        });
    }

    private static BillableItem fee(ProjectRecord project, RetainerPeriod period, YearMonth p) {
        BillableItem fee = item(project, BillableItem.Kind.RETAINER, "retainer:" + period.id);
        fee.role = period.period;
        fee.workDate = p.atDay(1);
        fee.quantity = BigDecimal.ONE;
        fee.unitPrice = period.amount;
        fee.amount = period.amount;
        fee.currency = period.currency;
        fee.description = "Retainer " + period.period + ", billed in advance: "
                + period.includedHours.stripTrailingZeros().toPlainString() + " h included";
        fee.persist();
        return fee;
    }

    /** Counts the approved hours against the period's allowance; answers the overage items, one per role and rate. */
    private static List<BillableItem> settle(ProjectRecord project, List<ContractTerm> terms, RetainerPeriod period,
            RetainerPeriod previous, YearMonth p) {
        BigDecimal rolledIn = previous != null && previous.settledAt != null
                && RetainerPeriod.Unused.ROLL_OVER.name().equals(previous.unusedPolicy)
                ? previous.unusedHours : BigDecimal.ZERO;
        period.rolledInHours = rolledIn;
        BigDecimal allowance = period.allowance();
        BigDecimal used = BigDecimal.ZERO;
        Map<String, Beyond> excess = new LinkedHashMap<>();
        List<BillableItem> time = BillableItem.list("projectId = ?1 and kind = ?2 and status = ?3 and "
                + "retainerPeriodId is null and workDate <= ?4 order by workDate, id", project.id,
                BillableItem.Kind.TIME, BillableItem.Status.EFFORT, p.atEndOfMonth());
        for (BillableItem entry : time) {
            if (ContractTerm.on(terms, project.id, entry.workDate).map(t -> t.type != ContractType.RETAINER)
                    .orElse(true)) {
                continue; // effort of a fixed fee before the retainer
            }
            BigDecimal left = allowance.subtract(used).max(BigDecimal.ZERO);
            BigDecimal beyond = entry.quantity.subtract(left).max(BigDecimal.ZERO);
            used = used.add(entry.quantity);
            entry.retainerPeriodId = period.id;
            if (beyond.signum() > 0) {
                String key = entry.role + "|" + entry.unitPrice.stripTrailingZeros().toPlainString() + "|"
                        + entry.rateCard + "|" + entry.rateVersion;
                excess.computeIfAbsent(key, k -> new Beyond(entry)).add(beyond);
            }
        }
        Currency unit = Currency.getInstance(period.currency);
        List<BillableItem> overage = new ArrayList<>();
        BigDecimal overageHours = BigDecimal.ZERO;
        int n = 0;
        for (Beyond group : excess.values()) {
            BillableItem at = group.priced;
            BigDecimal hours = group.hours;
            overageHours = overageHours.add(hours);
            BillableItem item = item(project, BillableItem.Kind.OVERAGE, "retainer:" + period.id + ":overage:" + ++n);
            item.role = at.role;
            item.workDate = p.atEndOfMonth();
            item.quantity = hours;
            item.unitPrice = at.unitPrice;
            item.rateCard = at.rateCard;
            item.rateVersion = at.rateVersion;
            Money rate = new Money(at.unitPrice, unit);
            item.amount = rate.times(hours).amount();
            item.currency = period.currency;
            item.description = "Overage " + at.role + ", " + period.period + ": "
                    + hours.stripTrailingZeros().toPlainString() + " h beyond the "
                    + allowance.stripTrailingZeros().toPlainString() + " h included, at " + rate;
            item.persist();
            overage.add(item);
        }
        period.usedHours = used;
        period.overageHours = overageHours;
        period.unusedHours = allowance.subtract(used).max(BigDecimal.ZERO);
        period.settledAt = StoreTime.now();
        period.updatedAt = period.settledAt;
        return overage;
    }

    /** Hours beyond the allowance at one role and rate, priced as the first entry that went beyond. */
    private static final class Beyond {
        final BillableItem priced;
        BigDecimal hours = BigDecimal.ZERO;

        Beyond(BillableItem priced) {
            this.priced = priced;
        }

        void add(BigDecimal more) {
            hours = hours.add(more);
        }
    }

    private static BillableItem item(ProjectRecord project, BillableItem.Kind kind, String sourceId) {
        Instant now = StoreTime.now();
        BillableItem item = new BillableItem();
        item.kind = kind;
        item.sourceSystem = SOURCE;
        item.sourceId = sourceId;
        item.sourceVersion = "1";
        item.projectId = project.id;
        item.status = BillableItem.Status.UNBILLED;
        item.createdAt = now;
        item.updatedAt = now;
        return item;
    }
}
