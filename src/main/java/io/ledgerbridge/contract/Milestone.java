package io.ledgerbridge.contract;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** A milestone of a fixed fee: billed once, as one invoice line, when it is completed. */
@Entity
@Table(name = "milestone")
public class Milestone extends PanacheEntityBase {

    /** OPEN until completed; CANCELLED when a later version of the deal no longer has it. */
    public enum Status { OPEN, COMPLETED, CANCELLED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id")
    public Long projectId;
    /** The milestone's id in its source (the deal's milestone record), unique per project. */
    public String code;
    public String name;
    public BigDecimal amount;
    public String currency;
    @Column(name = "due_on")
    public LocalDate dueOn;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "completed_on")
    public LocalDate completedOn;
    /** Who completed it: an admin user, or the source system of the completion event. */
    @Column(name = "completed_by")
    public String completedBy;
    /** The billable item (kind MILESTONE) its completion created, and the invoice line through it. */
    @Column(name = "billable_item_id")
    public Long billableItemId;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<Milestone> ofProject(Long projectId) {
        return list("projectId = ?1 order by dueOn, id", projectId);
    }

    public static Optional<Milestone> of(Long projectId, String code) {
        return find("projectId = ?1 and code = ?2", projectId, code).firstResultOptional();
    }
}
