package io.ledgerbridge.contract;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One period (a month) of a retainer: its fee, billed in advance, and, once the billing run of the period settled
 * it, how its included hours were used (see {@link Retainers}).
 */
@Entity
@Table(name = "retainer_period")
public class RetainerPeriod extends PanacheEntityBase {

    /** What happens to the included hours a period leaves unused. */
    public enum Unused {
        /** They are lost at the end of the period. */
        EXPIRE,
        /** They are added to the next period's allowance (for that period only). */
        ROLL_OVER
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id")
    public Long projectId;
    /** YYYY-MM. */
    public String period;
    /** The fee of the period, in the project's currency. */
    public BigDecimal amount;
    public String currency;
    @Column(name = "included_hours")
    public BigDecimal includedHours;
    @Column(name = "unused_policy")
    public String unusedPolicy;
    /** The billable item (kind RETAINER) of the fee, and the invoice line through it. */
    @Column(name = "fee_item_id")
    public Long feeItemId;
    /** Unused hours of the period before, added to this period's allowance (set when settled). */
    @Column(name = "rolled_in_hours")
    public BigDecimal rolledInHours;
    /** Approved hours counted against the allowance (set when settled). */
    @Column(name = "used_hours")
    public BigDecimal usedHours;
    /** Hours beyond the allowance, billed at the rate card as overage (set when settled). */
    @Column(name = "overage_hours")
    public BigDecimal overageHours;
    /** Allowance left unused: rolled over to the next period or expired, as {@link #unusedPolicy} says. */
    @Column(name = "unused_hours")
    public BigDecimal unusedHours;
    @Column(name = "settled_at")
    public Instant settledAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<RetainerPeriod> ofProject(Long projectId) {
        return list("projectId = ?1 order by period", projectId);
    }

    public static Optional<RetainerPeriod> of(Long projectId, String period) {
        return find("projectId = ?1 and period = ?2", projectId, period).firstResultOptional();
    }

    /** The hours this period may use before overage: included hours and those rolled in. */
    public BigDecimal allowance() {
        return includedHours.add(rolledInHours == null ? BigDecimal.ZERO : rolledInHours);
    }
}
