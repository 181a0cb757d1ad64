package io.ledgerbridge.deadletter;

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

/** One replay of a dead letter: who asked, with which payload, and what came of it. */
@Entity
@Table(name = "dead_letter_replay")
public class DeadLetterReplay extends PanacheEntityBase {

    /** What a replay did. */
    public enum Outcome {
        /** Still running. */
        RUNNING,
        /** The flow posted the message. */
        POSTED,
        /** The flow found it already posted (or superseded) and sent nothing. */
        ALREADY_POSTED,
        /** The flow failed again; the dead letter is open with the new error. */
        FAILED,
        /** Not started: the target's circuit was open. */
        REFUSED
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "dead_letter_id")
    public Long deadLetterId;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "requested_at")
    public Instant requestedAt;
    public boolean edited;
    @Enumerated(EnumType.STRING)
    public Outcome outcome;
    public String detail;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** The instance running it; a RUNNING replay of an instance that stopped beating is ended and its letter reopened. */
    @Column(name = "instance_id")
    public String instanceId;

    public static List<DeadLetterReplay> of(Long deadLetterId) {
        return list("deadLetterId = ?1 order by id", deadLetterId);
    }
}
