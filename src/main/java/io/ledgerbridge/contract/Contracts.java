package io.ledgerbridge.contract;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.money.Money;
import io.ledgerbridge.project.ProjectRecord;
import io.ledgerbridge.store.StoreTime;
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
                : type == ContractType.MILESTONE ? "MILESTONE" : type.billsTime() ? null : "PERCENT_COMPLETE";
        term.capAmount = money(contract.path("cap"), currency, "cap");
        JsonNode retainer = contract.path("retainer");
        term.retainerAmount = money(retainer.path("amount"), currency, "retainer.amount");
        term.retainerHours = hours(retainer.path("includedHours"));
        term.unusedHours = retainer.path("unusedHours").asText(null);
        term.sourceVersion = version;
        term.updatedAt = StoreTime.now();
        if (!type.billsTime()) {
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
        return new Completion(milestone, false);
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
