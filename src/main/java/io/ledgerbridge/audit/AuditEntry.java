package io.ledgerbridge.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One action an operator took through the admin API. */
@Entity
@Table(name = "audit_log")
public class AuditEntry extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String actor;
    public String action;
    /** What the action was on, e.g. {@code dead-letter/42}, or the filter of a bulk action. */
    public String target;
    public String detail;
    public String outcome;
    public Instant at;
}
