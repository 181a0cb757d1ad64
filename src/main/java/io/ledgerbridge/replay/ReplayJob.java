package io.ledgerbridge.replay;

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

/** A bulk replay of the dead letters a filter selected when it was asked for. */
@Entity
@Table(name = "replay_job")
public class ReplayJob extends PanacheEntityBase {

    /** Where a bulk replay stands. */
    public enum Status { AWAITING_APPROVAL, QUEUED, RUNNING, COMPLETED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The filter as the operator gave it. */
    public String filter;
    @Column(name = "dry_run")
    public boolean dryRun;
    /** Replays per second at most; 0 for no limit. */
    @Column(name = "rate_per_second")
    public int ratePerSecond;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "approved_by")
    public String approvedBy;
    /** Why the job waits (or waited) for a second pair of eyes: its size, or its requester's replays in the window. */
    @Column(name = "approval_reason")
    public String approvalReason;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** The instance running it (RUNNING); another instance takes the job over when this one stops beating. */
    @Column(name = "claimed_by")
    public String claimedBy;
}
