package io.ledgerbridge.replay;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One dead letter of a bulk replay and what its replay did. */
@Entity
@Table(name = "replay_job_item")
public class ReplayJobItem extends PanacheEntityBase {

    /** Not replayed yet. */
    public static final String PENDING = "PENDING";
    /** A dry run's item: it would be replayed. */
    public static final String WOULD_REPLAY = "WOULD_REPLAY";
    /** The replay was refused (the dead letter was no longer open, or the ERP's circuit was open). */
    public static final String REFUSED = "REFUSED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "job_id")
    public Long jobId;
    @Column(name = "dead_letter_id")
    public Long deadLetterId;
    /** PENDING, WOULD_REPLAY, REFUSED, or a replay outcome (POSTED, ALREADY_POSTED, FAILED). */
    public String outcome;
    public String detail;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
