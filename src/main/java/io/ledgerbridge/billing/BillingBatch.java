package io.ledgerbridge.billing;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The invoices of several billing runs as they were sent to the ERP in one call, under one idempotency key (its
 * key): sent again identically, the ERP answers what it created the first time.
 */
@Entity
@Table(name = "billing_batch")
public class BillingBatch extends PanacheEntityBase {

    /** The batch's idempotency key. */
    @Id
    @Column(name = "batch_key")
    public String key;
    /** The legal entity whose ERP ledger the invoices go to (null: the default ERP). */
    @Column(name = "legal_entity")
    public String legalEntity;
    /** The runs' ids, comma-separated, in the order of the invoices. */
    @Column(name = "run_ids")
    public String runIds;
    /** The canonical invoices as sent (a JSON array). */
    public String invoices;
    @Column(name = "created_at")
    public Instant createdAt;
}
