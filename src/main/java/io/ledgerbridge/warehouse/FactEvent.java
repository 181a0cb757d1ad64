package io.ledgerbridge.warehouse;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A fact for the warehouse feed, written with what made it and published once (see {@link Facts}). */
@Entity
@Table(name = "fact_event")
public class FactEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "fact_event_seq")
    @SequenceGenerator(name = "fact_event_seq", sequenceName = "fact_event_seq", allocationSize = 50)
    public Long id;
    /** The fact's name: time-entry, expense, invoice-line, credit-note-line, journal-line, milestone. */
    public String fact;
    /** What the fact is about, the Kafka key: e.g. the source entry, the billing run and line. */
    public String subject;
    /** The fact's row as JSON (an object of mappings/schemas/facts/&lt;fact&gt;.schema.json). */
    public String data;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "published_at")
    public Instant publishedAt;
}
