package io.ledgerbridge.canonical;

import io.ledgerbridge.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The canonical model every flow maps into and out of (schemas in {@code mappings/schemas/}): one record per
 * business object, ids as the source system gave them ({@link Ref}), money as {@link Money}, dates as java.time.
 */
public final class Canonical {

    private Canonical() {
    }

    /** An object as one system knows it: the system and its id there, and a display name. */
    public record Ref(String system, String id, String name) {
    }

    /** A customer of the firm. */
    public record Client(Ref ref, String name, String region, String currency, String taxNumber) {
    }

    /** How an engagement is billed. */
    public enum ContractType { TIME_AND_MATERIALS, FIXED_FEE, MILESTONE, RETAINER }

    /** A milestone of a milestone contract: billed when reached. */
    public record Milestone(String name, LocalDate due, Money amount) {
    }

    /** The commercial terms of an engagement. */
    public record Contract(Ref ref, Ref client, ContractType type, String currency, String rateCard, Money fixedFee,
            Money retainerPerPeriod, List<Milestone> milestones, LocalDate start, LocalDate end) {
    }

    /** Where a project stands. */
    public enum ProjectStatus { ACTIVE, ON_HOLD, CLOSED }

    /** A delivery project under a contract, active between two dates. */
    public record Project(Ref ref, Ref client, Ref contract, String name, String code, String region, String currency,
            ProjectStatus status, LocalDate start, LocalDate end) {

        /** Whether time on the date may be booked to it. */
        public boolean activeOn(LocalDate date) {
            return status == ProjectStatus.ACTIVE && !date.isBefore(start) && (end == null || !date.isAfter(end));
        }
    }

    /** A consultant (employee or contractor). */
    public record Resource(Ref ref, String name, String email, String region, String defaultRole, LocalDate joined,
            LocalDate left) {
    }

    /** A resource staffed on a project in a role, between two dates. */
    public record Assignment(Ref ref, Ref project, Ref resource, String role, LocalDate start, LocalDate end) {

        public boolean coversDay(LocalDate date) {
            return !date.isBefore(start) && (end == null || !date.isAfter(end));
        }
    }

    /** One version of a rate card's rates for a role. */
    public record RateCard(String card, String role, int version, LocalDate effectiveFrom, Money billRate,
            Money costRate) {
    }

    /** Where an entry stands in approval. */
    public enum ApprovalState { SUBMITTED, APPROVED, REJECTED }

    /** One version of a time entry. */
    public record TimeEntry(Ref ref, String version, Ref project, Ref resource, Ref task, String role,
            LocalDate workDate, BigDecimal hours, boolean billable, ApprovalState approval, String approver,
            String notes) {
    }

    /** One version of an expense, in the currency it was paid in. */
    public record Expense(Ref ref, String version, Ref project, Ref resource, String category, LocalDate spentDate,
            Money amount, boolean billable, ApprovalState approval, String receiptUrl, String notes) {
    }

    /** One line of an invoice, with the source entries behind it. */
    public record InvoiceLine(String description, BigDecimal quantity, Money unitPrice, Money lineAmount,
            String taxType, List<Ref> sourceEntries) {
    }

    /** Where an invoice stands in the ERP. */
    public enum InvoiceStatus { DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED }

    /** An invoice for one project and billing period. */
    public record Invoice(Ref ref, Ref project, Ref client, String period, String currency, LocalDate issueDate,
            LocalDate dueDate, InvoiceStatus status, List<InvoiceLine> lines, Money total, Instant updatedAt) {
    }
}
