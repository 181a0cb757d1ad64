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
import java.util.Optional;

/** The close of a period for a legal entity: its revenue journals, posted once (see {@link PeriodCloses}). */
@Entity
@Table(name = "period_close")
public class PeriodClose extends PanacheEntityBase {

    /** RUNNING while its journals are being posted (a failure leaves it so, for the replay); CLOSED once all are. */
    public enum Status { RUNNING, CLOSED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** The legal entity's code (mappings/entities.json). */
    public String entity;
    /** YYYY-MM. */
    public String period;
    @Enumerated(EnumType.STRING)
    public Status status;
    /** The entity's currency: the journals' amounts. */
    public String currency;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "closed_at")
    public Instant closedAt;

    public static Optional<PeriodClose> of(String entity, String period) {
        return find("entity = ?1 and period = ?2", entity, period).firstResultOptional();
    }
}
