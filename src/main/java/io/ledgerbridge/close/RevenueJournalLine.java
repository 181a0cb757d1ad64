package io.ledgerbridge.close;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;

/**
 * A line of a revenue journal: an amount on an account of the entity (a debit positive), for one project, with what
 * it was measured from ({@link #basis}: the entries, hours, milestones or fees behind it).
 */
@Entity
@Table(name = "revenue_journal_line")
public class RevenueJournalLine extends PanacheEntityBase {

    /** What the line accrues. */
    public enum Category { WIP, FIXED_FEE, RETAINER }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "journal_id")
    public Long journalId;
    @Column(name = "line_no")
    public int lineNo;
    @jakarta.persistence.Enumerated(jakarta.persistence.EnumType.STRING)
    public Category category;
    @Column(name = "project_id")
    public Long projectId;
    @Column(name = "account_code")
    public String accountCode;
    public BigDecimal amount;
    /**
     * The amount the line was measured from, in its project's currency, with the line's sign (the same as
     * {@link #amount} when the project bills in the entity's currency; null on lines booked before V28).
     */
    @Column(name = "project_amount")
    public BigDecimal projectAmount;
    public String description;
    public String basis;

    public static List<RevenueJournalLine> of(Long journalId) {
        return list("journalId = ?1 order by lineNo", journalId);
    }
}
