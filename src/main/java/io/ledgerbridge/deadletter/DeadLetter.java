package io.ledgerbridge.deadletter;

import io.ledgerbridge.flow.ErrorClass;
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

/** A message a flow could not deliver, kept with everything a replay needs. */
@Entity
@Table(name = "dead_letter")
public class DeadLetter extends PanacheEntityBase {

    /** Where an operator's work on a dead letter stands. */
    public enum Status { OPEN, REPLAYING, REPLAYED, RESOLVED, DISCARDED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String flow;
    /** Id of the route step that failed. */
    public String step;
    @Column(name = "business_key")
    public String businessKey;
    @Column(name = "source_system")
    public String sourceSystem;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "source_version")
    public String sourceVersion;
    @Enumerated(EnumType.STRING)
    @Column(name = "error_class")
    public ErrorClass errorClass;
    @Column(name = "error_message")
    public String errorMessage;
    /** Deliveries tried, the first included. */
    public int attempts;
    /** The message as it entered the flow. */
    @Column(length = 1_000_000)
    public String payload;
    /** The operator's corrected copy of the payload, kept beside the original. */
    @Column(name = "edited_payload", length = 1_000_000)
    public String editedPayload;
    /** For a REFERENCE dead letter: the cross-references it waits for, as |TYPE:system:id| tokens. */
    @Column(name = "missing_references")
    public String missingReferences;
    /** Why an operator resolved or discarded it. */
    public String resolution;
    /** Filtered headers as a JSON object; never credentials. */
    public String headers;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "correlation_id")
    public String correlationId;
    /** Last publication to the dead-letter topic; null while (re)opened and not yet published. */
    @Column(name = "published_at")
    public Instant publishedAt;
    /** The legal entity (region code) the failed record belongs to, when the flow knew its project. */
    public String entity;
    /** The team that owns it (mappings/ownership.json). */
    @Column(name = "owner_team")
    public String ownerTeam;
    /** The operator who took it, or was given it; null while the team has not picked it up. */
    public String assignee;
    /** When it is overdue: failed at plus its flow's resolution SLA. */
    @Column(name = "due_at")
    public Instant dueAt;
    /** When it was escalated as overdue (once). */
    @Column(name = "escalated_at")
    public Instant escalatedAt;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<DeadLetter> openFor(String flow) {
        return list("flow = ?1 and status = ?2 order by id", flow, Status.OPEN);
    }

    public static List<DeadLetter> byBusinessKey(String businessKey) {
        return list("businessKey = ?1 order by id", businessKey);
    }

    /** The dead letters of this business key an operator or a replay still has to deal with. */
    public static List<DeadLetter> openByBusinessKey(String businessKey) {
        return list("businessKey = ?1 and status in ?2 order by id", businessKey, List.of(Status.OPEN, Status.REPLAYING));
    }
}
