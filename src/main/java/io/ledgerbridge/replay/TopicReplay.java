package io.ledgerbridge.replay;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A replay of a flow's Kafka source topic from a point in time. */
@Entity
@Table(name = "topic_replay")
public class TopicReplay extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String flow;
    public String topic;
    @Column(name = "from_time")
    public Instant fromTime;
    /** RUNNING, COMPLETED or FAILED. */
    public String status;
    @Column(name = "requested_by")
    public String requestedBy;
    /** Records read from the topic. */
    public long records;
    /** Records the flow posted (not posted before). */
    public long posted;
    /** Records the flow skipped as already posted or superseded. */
    public long skipped;
    /** Records that ended in a dead letter. */
    @Column(name = "dead_lettered")
    public long deadLettered;
    public String detail;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
}
