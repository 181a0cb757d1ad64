package io.ledgerbridge.reconcile;

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
import java.util.List;

/** A difference a reconciliation found, with the records behind it and whether a replay would fix it. */
@Entity
@Table(name = "recon_finding")
public class ReconFinding extends PanacheEntityBase {

    /** What kind of difference. */
    public enum Type {
        /**
         * Approved, not in the ERP: failed on the way (a dead letter waits) or transferred but gone from the ERP; or a
         * planned invoice line the ERP's invoice does not have.
         */
        MISSING_IN_TARGET,
        /** The ERP holds other hours than the source approved, beyond the tolerance. */
        AMOUNT_DIFFERS,
        /** The ERP holds the same time twice: one entry is ours, the other matches it exactly. */
        DUPLICATED_IN_TARGET,
        /** The ERP holds time no source record is behind. */
        ORPHAN_IN_TARGET,
        /** Approved longer ago than the stale limit and never taken in: nothing is pending for it. */
        STALE,
        /**
         * Approved time and materials beyond the contract's cap (not-to-exceed): held from the invoice until an
         * approver bills it anyway or writes it off (raised by billing, not by a reconciliation run).
         */
        CAP_EXCEEDED,
        /**
         * A project's value approved through the period's end is not what its invoices dated by then, its credit notes
         * issued by then, the period's accrual and what is held or written off add up to, and measuring the close again
         * does not explain the difference.
         */
        REVENUE_UNACCOUNTED,
        /**
         * A project's revenue position at the period's end differs from what its close accrued by what changed after
         * the close (approved late, corrected, invoiced with an earlier date): the close of the open period carries it.
         */
        CHANGED_AFTER_CLOSE
    }

    /** Where the work on a finding stands. */
    public enum Status {
        /** Found by the latest run of its period and project, not yet resolved. */
        OPEN,
        /** An operator closed it, with a reason. */
        RESOLVED,
        /** A later run of the same period and project took its place (what still differs is found again). */
        SUPERSEDED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public Long runId;
    @Column(name = "finding_type")
    public String type;
    @Column(name = "project_id")
    public Long projectId;
    public String currency;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "erp_entry_id")
    public String erpEntryId;
    public String expected;
    public String actual;
    public String detail;
    @Column(name = "sync_record_id")
    public Long syncRecordId;
    @Column(name = "dead_letter_id")
    public Long deadLetterId;
    /** The billing run whose invoice the finding is about (invoice findings). */
    @Column(name = "billing_run_id")
    public Long billingRunId;
    @Column(name = "replay_candidate")
    public boolean replayCandidate;
    @Enumerated(EnumType.STRING)
    public Status status;
    /** The legal entity (region code) of the finding's project. */
    public String entity;
    @Column(name = "owner_team")
    public String ownerTeam;
    public String assignee;
    @Column(name = "due_at")
    public Instant dueAt;
    @Column(name = "escalated_at")
    public Instant escalatedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    /** Who closed it and why. */
    public String resolution;

    /** The project's open finding of a type raised outside reconciliation runs (one at a time, e.g. CAP_EXCEEDED). */
    public static java.util.Optional<ReconFinding> openOf(Long projectId, Type type) {
        return find("projectId = ?1 and type = ?2 and status = ?3", projectId, type.name(), Status.OPEN)
                .firstResultOptional();
    }

    public static List<ReconFinding> ofRun(Long runId) {
        return list("runId = ?1 order by type, projectId, sourceId, erpEntryId", runId);
    }
}
