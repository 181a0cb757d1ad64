package io.ledgerbridge.xref;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** The id one system gives to a project, person or task that another system knows under its own id. */
@Entity
@Table(name = "cross_reference")
public class CrossReference extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** PROJECT, PERSON or TASK. */
    @Column(name = "entity_type")
    public String entityType;
    @Column(name = "source_system")
    public String sourceSystem;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "target_system")
    public String targetSystem;
    @Column(name = "target_id")
    public String targetId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<CrossReference> lookup(String entityType, String sourceSystem, String sourceId,
            String targetSystem) {
        return find("entityType = ?1 and sourceSystem = ?2 and sourceId = ?3 and targetSystem = ?4",
                entityType, sourceSystem, sourceId, targetSystem).firstResultOptional();
    }
}
