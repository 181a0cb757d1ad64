package io.ledgerbridge.close;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A manual journal of a period close: the accrual (the period's last day) or its reversal (the next period's first). */
@Entity
@Table(name = "revenue_journal")
public class RevenueJournal extends PanacheEntityBase {

    /** The accruals of the period, and their reversal on the first day of the next. */
    public enum Kind { ACCRUAL, REVERSAL }

    /** PLANNED until the ERP posted it. */
    public enum Status { PLANNED, POSTED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "period_close_id")
    public Long periodCloseId;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    @Column(name = "journal_date")
    public LocalDate journalDate;
    /** Unique, the ERP's document number: a retry finds the journal already posted. */
    public String reference;
    public String narration;
    public String currency;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "erp_journal_id")
    public String erpJournalId;
    @Column(name = "posted_at")
    public Instant postedAt;

    public static List<RevenueJournal> ofClose(Long closeId) {
        return list("periodCloseId = ?1 order by id", closeId);
    }
}
