package io.ledgerbridge.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A running instance of the service and its last heartbeat (see {@link Instances}). */
@Entity
@Table(name = "service_instance")
public class ServiceInstance {

    @Id
    @Column(length = 128)
    public String id;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "seen_at", nullable = false)
    public Instant seenAt;
}
