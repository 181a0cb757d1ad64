package io.ledgerbridge.billing;

import io.ledgerbridge.store.InLists;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;

/**
 * Approved time or an approved expense, priced in its project's currency (rate card version of the work date, FX of
 * the business date), waiting for a billing run or traced to the invoice line that billed it.
 */
@Entity
@Table(name = "billable_item")
public class BillableItem extends PanacheEntityBase {

    /**
     * Approved time, an approved expense, a completed milestone of a fixed fee, the fee of a retainer period (billed
     * in advance) or the hours of a retainer period beyond its allowance (overage at the rate card; see
     * io.ledgerbridge.contract).
     */
    public enum Kind { TIME, EXPENSE, MILESTONE, RETAINER, OVERAGE }

    /**
     * UNBILLED until a billing run plans it, then PLANNED and BILLED; EFFORT for approved time on a fixed fee or a
     * retainer: kept for progress and cost, never billed by the hour (on a retainer, hours beyond the allowance are
     * billed as OVERAGE items); HELD for time beyond a time-and-materials cap until an approver decides
     * (back to UNBILLED, billed anyway, or WRITTEN_OFF: never billed); CREDITED once a credit note reversed what an
     * issued invoice billed for it (its source changed afterwards: the source's open item is billed again).
     */
    public enum Status { UNBILLED, PLANNED, BILLED, EFFORT, HELD, WRITTEN_OFF, CREDITED }

    /** What an approver decided for time held beyond a cap. */
    public enum CapDecision { BILL_ANYWAY, WRITE_OFF }

    /** From a sequence that hands out 50 keys at a time: a group commit's inserts go as one JDBC batch (V16). */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "billable_item_seq")
    @SequenceGenerator(name = "billable_item_seq", sequenceName = "billable_item_seq", allocationSize = 50)
    public Long id;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    @Column(name = "source_system")
    public String sourceSystem;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "project_id")
    public Long projectId;
    @Column(name = "psa_user_id")
    public String psaUserId;
    public String role;
    @Column(name = "work_date")
    public LocalDate workDate;
    /** Hours for time, 1 for an expense. */
    public BigDecimal quantity;
    /** Bill rate (time) or the converted expense amount, in {@link #currency}. */
    @Column(name = "unit_price")
    public BigDecimal unitPrice;
    @Column(name = "rate_card")
    public String rateCard;
    @Column(name = "rate_version")
    public Integer rateVersion;
    /** What the source recorded, before conversion (expenses, or a rate card in another currency). */
    @Column(name = "source_currency")
    public String sourceCurrency;
    @Column(name = "source_amount")
    public BigDecimal sourceAmount;
    @Column(name = "fx_rate")
    public BigDecimal fxRate;
    /** The item's value in the project's currency, rounded half-even once. */
    public BigDecimal amount;
    public String currency;
    public String description;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "billing_run_id")
    public Long billingRunId;
    @Column(name = "invoice_line_id")
    public Long invoiceLineId;
    /** The CAP_EXCEEDED finding that holds (or held) it. */
    @Column(name = "finding_id")
    public Long findingId;
    @Enumerated(EnumType.STRING)
    @Column(name = "cap_decision")
    public CapDecision capDecision;
    /** The retainer period whose allowance this approved time was counted against (once, when it was settled). */
    @Column(name = "retainer_period_id")
    public Long retainerPeriodId;
    /** The credit note line that reversed it (status CREDITED). */
    @Column(name = "credit_note_line_id")
    public Long creditNoteLineId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    private static final InLists.Query OF_SOURCES = InLists.query(
            width -> "kind = ?1 and sourceSystem = ?2 and sourceId in (" + InLists.parameters(3, width) + ")");

    /** The items of many sources of one system, in the order they were created (queries of {@link InLists}). */
    public static List<BillableItem> ofSources(Kind kind, String system, Collection<String> sourceIds) {
        List<BillableItem> items = InLists.select(sourceIds, OF_SOURCES,
                (query, parameters) -> list(query, parameters), kind, system);
        items.sort(java.util.Comparator.comparing(item -> item.id));
        return items;
    }

    /**
     * Unbilled items of a project up to the last day of a period (late entries of earlier periods included), locked
     * for the caller's transaction: a billing run of another period or instance waits and then no longer sees them
     * as unbilled, so no item is planned on two invoices.
     */
    public static List<BillableItem> unbilled(Long projectId, LocalDate through) {
        return find("projectId = ?1 and status = ?2 and workDate <= ?3 order by kind, role, unitPrice, workDate, id",
                projectId, Status.UNBILLED, through).withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    /**
     * The items a run billed, by work date: their ids follow the order the entries were posted in, which the Kafka lanes
     * do not keep.
     */
    public static List<BillableItem> ofRun(Long runId) {
        return list("billingRunId = ?1 order by workDate, kind, sourceId, id", runId);
    }
}
