package io.ledgerbridge.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.ownership.Ownership;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.reconcile.ReconFinding;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.warehouse.Extracts;
import io.ledgerbridge.warehouse.Facts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Currency;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The contracts of projects: the terms a deal (or an operator) gives, effective-dated, and the milestones of fixed
 * fees. A completed milestone becomes a billable item that the next billing run of its period invoices as one line;
 * approved time on a fixed fee is kept as effort (for progress and cost), never billed hour by hour.
 */
@ApplicationScoped
public class Contracts {

    /** Billable items of milestones name this as their source system; their source id is {@code milestone:<id>}. */
    public static final String MILESTONE_SOURCE = "ledgerbridge";

    /** What a billing run may bill, and the CAP_EXCEEDED finding holding the rest (null when nothing is held). */
    public record Billable(List<BillableItem> items, ReconFinding heldBy) {
    }

    private final Ownership ownership;
    private final Retainers retainers;

    private final Facts facts;

    Contracts(Ownership ownership, Retainers retainers, Facts facts) {
        this.facts = facts;
        this.retainers = retainers;
        this.ownership = ownership;
    }

    /** What completing a milestone did. */
    public record Completion(Milestone milestone, boolean already) {
    }

    /**
     * Keeps a canonical contract (mappings/schemas/contract.schema.json) as the project's terms from its
     * {@code effectiveFrom} (else its start) and its milestones by code. VALIDATION when the terms do not hold
     * together: money in another currency than the project's, a fixed fee without milestones or whose milestones do
     * not add up to it, or a completed milestone whose amount the deal now changes (it is invoiced: a correction is a
     * credit note, not a new amount). Open milestones the contract no longer lists are cancelled.
     */
    @Transactional
    public void keep(ProjectRecord project, JsonNode contract, String version) {
        ContractType type = ContractType.valueOf(contract.path("type").asText());
        String currency = contract.path("currency").asText(project.currency);
        if (!currency.equals(project.currency)) {
            throw invalid("contract currency " + currency + " is not the project's " + project.currency);
        }
        LocalDate from = LocalDate.parse(contract.hasNonNull("effectiveFrom") ? contract.path("effectiveFrom").asText()
                : contract.path("start").asText());
        ContractTerm term = ContractTerm.<ContractTerm>find("projectId = ?1 and effectiveFrom = ?2", project.id, from)
                .firstResultOptional().orElseGet(ContractTerm::new);
        term.projectId = project.id;
        term.effectiveFrom = from;
        term.type = type;
        term.currency = currency;
        term.fixedFee = money(contract.path("fixedFee"), currency, "fixedFee");
        term.budgetHours = hours(contract.path("budgetHours"));
        term.recognition = contract.hasNonNull("recognition") ? contract.path("recognition").asText()
                : type == ContractType.MILESTONE ? "MILESTONE" : type.hasMilestones() ? "PERCENT_COMPLETE" : null;
        term.capAmount = money(contract.path("cap"), currency, "cap");
        JsonNode retainer = contract.path("retainer");
        term.retainerAmount = money(retainer.path("amount"), currency, "retainer.amount");
        term.retainerHours = hours(retainer.path("includedHours"));
        term.unusedHours = retainer.path("unusedHours").asText(null);
        if (type == ContractType.RETAINER) {
            if (term.retainerAmount == null || term.retainerAmount.signum() <= 0) {
                throw invalid("a retainer needs a positive amount per period (retainer.amount)");
            }
            if (term.retainerHours == null) {
                throw invalid("a retainer needs its included hours per period (retainer.includedHours, 0 for none)");
            }
            if (term.unusedHours == null) {
                term.unusedHours = RetainerPeriod.Unused.EXPIRE.name();
            }
        }
        term.sourceVersion = version;
        term.updatedAt = StoreTime.now();
        if (type.hasMilestones()) {
            milestones(project, contract.path("milestones"), term.fixedFee, currency, version);
        }
        term.persist();
    }

    private void milestones(ProjectRecord project, JsonNode given, BigDecimal fee, String currency, String version) {
        if (!given.isArray() || given.isEmpty()) {
            throw invalid("a fixed fee is billed by its milestones: the contract has none");
        }
        Currency unit = Currency.getInstance(currency);
        Money sum = Money.zero(unit);
        Set<String> codes = new HashSet<>();
        List<Milestone> existing = Milestone.ofProject(project.id);
        Instant now = StoreTime.now();
        for (JsonNode m : given) {
            String code = m.hasNonNull("code") ? m.path("code").asText() : m.path("name").asText();
            if (!codes.add(code)) {
                throw invalid("milestone " + code + " is listed twice");
            }
            BigDecimal amount = money(m.path("amount"), currency, "milestone " + code + " amount");
            if (amount == null || amount.signum() <= 0) {
                throw invalid("milestone " + code + " needs a positive amount");
            }
            sum = sum.plus(new Money(amount, unit));
            Milestone milestone = existing.stream().filter(e -> e.code.equals(code)).findFirst().orElseGet(() -> {
                Milestone created = new Milestone();
                created.projectId = project.id;
                created.code = code;
                created.status = Milestone.Status.OPEN;
                return created;
            });
            if (milestone.status == Milestone.Status.COMPLETED && milestone.amount.compareTo(amount) != 0) {
                throw invalid("milestone " + code + " was completed and billed at " + new Money(milestone.amount, unit)
                        + "; the contract now says " + new Money(amount, unit)
                        + ": a billed amount is corrected by a credit note, not by a new amount");
            }
            if (milestone.status == Milestone.Status.CANCELLED) {
                milestone.status = Milestone.Status.OPEN;
            }
            milestone.name = m.path("name").asText(code);
            milestone.amount = amount;
            milestone.currency = currency;
            milestone.dueOn = m.hasNonNull("due") ? LocalDate.parse(m.path("due").asText()) : null;
            milestone.sourceVersion = version;
            milestone.updatedAt = now;
            milestone.persist();
        }
        if (fee != null && sum.amount().compareTo(fee) != 0) {
            throw invalid("the milestones add up to " + sum + ", the fixed fee is " + new Money(fee, unit));
        }
        for (Milestone dropped : existing) {
            if (!codes.contains(dropped.code) && dropped.status == Milestone.Status.OPEN) {
                dropped.status = Milestone.Status.CANCELLED;
                dropped.updatedAt = now;
            }
        }
    }

    /**
     * Completes a milestone on a day: it becomes a billable item of that day (one invoice line, the milestone's
     * amount), which the billing run of the day's period invoices. Completing it again changes nothing
     * ({@link Completion#already()}). {@link IllegalStateException} for a cancelled milestone.
     */
    @Transactional
    public Completion complete(Long projectId, String code, LocalDate on, String by) {
        Milestone milestone = Milestone.<Milestone>find("projectId = ?1 and code = ?2", projectId, code)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new java.util.NoSuchElementException("project " + projectId
                        + " has no milestone " + code));
        if (milestone.status == Milestone.Status.COMPLETED) {
            return new Completion(milestone, true);
        }
        if (milestone.status == Milestone.Status.CANCELLED) {
            throw new IllegalStateException("milestone " + code + " of project " + projectId
                    + " is cancelled: the contract no longer has it");
        }
        Instant now = StoreTime.now();
        BillableItem item = new BillableItem();
        item.kind = BillableItem.Kind.MILESTONE;
        item.sourceSystem = MILESTONE_SOURCE;
        item.sourceId = "milestone:" + milestone.id;
        item.sourceVersion = "1";
        item.projectId = projectId;
        item.role = milestone.code;
        item.workDate = on;
        item.quantity = BigDecimal.ONE;
        item.unitPrice = milestone.amount;
        item.amount = milestone.amount;
        item.currency = milestone.currency;
        item.description = milestone.name;
        item.status = BillableItem.Status.UNBILLED;
        item.createdAt = now;
        item.updatedAt = now;
        item.persist();
        milestone.status = Milestone.Status.COMPLETED;
        milestone.completedOn = on;
        milestone.completedBy = by;
        milestone.billableItemId = item.id;
        milestone.updatedAt = now;
        facts.record("milestone", "milestone:" + projectId + ":" + milestone.code, Extracts.milestone(milestone));
        return new Completion(milestone, false);
    }

    /**
     * The unbilled items a billing run through {@code through} may invoice (inside its transaction, the items locked).
     * On a retainer, the fees through the next period and the overage of the periods it settles are added
     * ({@link Retainers}). On time and materials with a cap (the terms in force on {@code through}), approved time is billed in work-date
     * order while what is billed or planned of the project's time stays within the cap; the entry that would cross
     * it and every later one are HELD under the project's open CAP_EXCEEDED finding (created or brought up to date)
     * until an approver decides. Time an approver released (BILL_ANYWAY) is billed; expenses and milestones are
     * outside the cap.
     */
    public Billable billable(ProjectRecord project, LocalDate through, List<BillableItem> unbilled) {
        List<ContractTerm> terms = ContractTerm.ofProject(project.id);
        List<BillableItem> items = retainers.billable(project, terms, through, unbilled);
        ContractTerm term = ContractTerm.on(terms, project.id, through).orElse(null);
        if (term == null || term.type != ContractType.TIME_AND_MATERIALS || term.capAmount == null) {
            return new Billable(items, null);
        }
        Currency unit = Currency.getInstance(project.currency);
        BigDecimal billed = BillableItem.find("select coalesce(sum(amount), 0) from BillableItem where projectId = ?1 "
                + "and kind = ?2 and status in ?3", project.id, BillableItem.Kind.TIME,
                List.of(BillableItem.Status.PLANNED, BillableItem.Status.BILLED)).project(BigDecimal.class)
                .singleResult();
        List<BillableItem> time = items.stream().filter(i -> i.kind == BillableItem.Kind.TIME)
                .sorted(java.util.Comparator.comparing((BillableItem i) -> i.workDate).thenComparing(i -> i.id))
                .toList();
        List<BillableItem> billable = new java.util.ArrayList<>(items.stream()
                .filter(i -> i.kind != BillableItem.Kind.TIME).toList());
        List<BillableItem> held = new java.util.ArrayList<>();
        BigDecimal running = billed;
        for (BillableItem item : time) {
            if (item.capDecision == BillableItem.CapDecision.BILL_ANYWAY) {
                billable.add(item);
                running = running.add(item.amount);
            } else if (held.isEmpty() && running.add(item.amount).compareTo(term.capAmount) <= 0) {
                billable.add(item);
                running = running.add(item.amount);
            } else {
                held.add(item);
            }
        }
        if (held.isEmpty()) {
            return new Billable(items, null);
        }
        Instant now = StoreTime.now();
        ReconFinding finding = ReconFinding.openOf(project.id, ReconFinding.Type.CAP_EXCEEDED).orElseGet(() -> {
            ReconFinding created = new ReconFinding();
            created.type = ReconFinding.Type.CAP_EXCEEDED.name();
            created.projectId = project.id;
            created.currency = project.currency;
            created.status = ReconFinding.Status.OPEN;
            created.createdAt = now;
            created.detail = "";
            ownership.own(created);
            created.persistAndFlush();
            return created;
        });
        for (BillableItem item : held) {
            item.status = BillableItem.Status.HELD;
            item.findingId = finding.id;
            item.updatedAt = now;
        }
        List<BillableItem> all = BillableItem.list("findingId = ?1 and status = ?2 order by workDate, id", finding.id,
                BillableItem.Status.HELD);
        Money heldValue = all.stream().map(i -> new Money(i.amount, unit)).reduce(Money.zero(unit), Money::plus);
        finding.expected = new Money(term.capAmount, unit).amount().toPlainString();
        finding.actual = new Money(running, unit).plus(heldValue).amount().toPlainString();
        finding.detail = "time and materials capped at " + new Money(term.capAmount, unit) + ": "
                + new Money(running, unit) + " billed or being billed; " + all.size() + " approved time entr"
                + (all.size() == 1 ? "y" : "ies") + " worth " + heldValue + " (" + all.get(0).workDate + " to "
                + all.get(all.size() - 1).workDate + ") held beyond the cap: an approver bills "
                + (all.size() == 1 ? "it" : "them") + " anyway or writes " + (all.size() == 1 ? "it" : "them")
                + " off (POST /admin/findings/" + finding.id + "/decision)";
        return new Billable(billable, finding);
    }

    /**
     * An approver's decision on time held beyond a cap (the items of an open CAP_EXCEEDED finding): BILL_ANYWAY makes
     * them unbilled again, for the next billing run, past the cap; WRITE_OFF makes them WRITTEN_OFF, never billed.
     * The finding is resolved with the decision and its reason. Answers how many entries the decision moved.
     * {@link IllegalArgumentException} for another kind of finding, {@link IllegalStateException} when not open.
     */
    @Transactional
    public int decide(long findingId, BillableItem.CapDecision decision, String actor, String reason) {
        ReconFinding finding = ReconFinding.<ReconFinding>find("id", findingId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new java.util.NoSuchElementException("no finding " + findingId));
        if (!ReconFinding.Type.CAP_EXCEEDED.name().equals(finding.type)) {
            throw new IllegalArgumentException("finding " + findingId + " is " + finding.type
                    + "; only CAP_EXCEEDED findings take a billing decision");
        }
        if (finding.status != ReconFinding.Status.OPEN) {
            throw new IllegalStateException("finding " + findingId + " is " + finding.status);
        }
        List<BillableItem> held = BillableItem.list("findingId = ?1 and status = ?2", findingId,
                BillableItem.Status.HELD);
        Instant now = StoreTime.now();
        for (BillableItem item : held) {
            item.status = decision == BillableItem.CapDecision.BILL_ANYWAY ? BillableItem.Status.UNBILLED
                    : BillableItem.Status.WRITTEN_OFF;
            item.capDecision = decision;
            item.updatedAt = now;
        }
        finding.status = ReconFinding.Status.RESOLVED;
        finding.resolution = actor + ": " + decision + ": " + reason;
        return held.size();
    }

    private static BigDecimal money(JsonNode money, String currency, String what) {
        if (money == null || money.isMissingNode() || money.isNull()) {
            return null;
        }
        if (!currency.equals(money.path("currency").asText(currency))) {
            throw invalid(what + " is in " + money.path("currency").asText() + ", the contract in " + currency);
        }
        BigDecimal amount = new BigDecimal(money.path("amount").asText());
        Currency unit = Currency.getInstance(currency);
        if (amount.scale() > Money.minorUnits(unit)) {
            throw invalid(what + " " + amount.toPlainString() + " has more decimals than " + currency + " has");
        }
        return amount;
    }

    /** Hours as the canonical contract writes them: a decimal string ("240", "37.5"). */
    private static BigDecimal hours(JsonNode hours) {
        return hours.isMissingNode() || hours.isNull() ? null : new BigDecimal(hours.asText());
    }

    private static FlowFailure invalid(String message) {
        return new FlowFailure(ErrorClass.VALIDATION, "contract: " + message);
    }

    /**
     * The contract type of a project on a day, from terms the caller read (of many projects at once): before its first
     * terms, the project's own type.
     */
    public static ContractType typeOn(List<ContractTerm> terms, ProjectRecord project, LocalDate day) {
        return ContractTerm.on(terms, project.id, day).map(t -> t.type)
                .orElseGet(() -> ContractType.valueOf(project.contractType));
    }
}
