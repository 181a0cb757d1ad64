package io.ledgerbridge.poll;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** How far the incremental poll of one source has read. */
@Entity
@Table(name = "poll_watermark")
public class PollWatermark extends PanacheEntityBase {

    @Id
    public String source;
    public Instant watermark;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
