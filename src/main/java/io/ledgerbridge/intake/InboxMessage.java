package io.ledgerbridge.intake;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A message accepted at an ingress and not yet through its flow (embedded profile's durable intake). */
@Entity
@Table(name = "inbox_message")
public class InboxMessage extends PanacheEntityBase {

    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String flow;
    @Column(name = "source_system")
    public String sourceSystem;
    @Column(name = "source_id")
    public String sourceId;
    @Column(length = 1_000_000)
    public String payload;
    public String status;
    public int attempts;
    @Column(name = "claimed_until")
    public Instant claimedUntil;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "processed_at")
    public Instant processedAt;
}
