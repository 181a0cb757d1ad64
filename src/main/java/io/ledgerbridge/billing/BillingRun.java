package io.ledgerbridge.billing;

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
import java.util.Optional;

/** The billing of one project for one period: planned lines, then the ERP's draft invoice. */
@Entity
@Table(name = "billing_run")
public class BillingRun extends PanacheEntityBase {

    /** PLANNED: lines fixed, invoice not yet confirmed by the ERP; INVOICED: the ERP holds the invoice. */
    public enum Status { PLANNED, INVOICED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id")
    public Long projectId;
    /** YYYY-MM. */
    public String period;
    @Enumerated(EnumType.STRING)
    public Status status;
    public String currency;
    public BigDecimal total;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    /**
     * How the run's invoice is sent, claimed once: the key of the billing batch it is in (see {@link BillingBatch}),
     * the run's own idempotency key when it is sent alone, null while not yet sent (or after the ERP refused it).
     */
    @Column(name = "batch_key")
    public String batchKey;
    @Column(name = "erp_invoice_id")
    public String erpInvoiceId;
    @Column(name = "erp_invoice_number")
    public String erpInvoiceNumber;
    /** The invoice's status in the ERP as last seen (DRAFT, AUTHORISED, PAID, ...). */
    @Column(name = "erp_status")
    public String erpStatus;
    @Column(name = "erp_total")
    public BigDecimal erpTotal;
    /** Whether the invoice was sent posted (issued as it was created: the entity's invoices are POSTED). */
    public boolean posted;
    @Column(name = "issue_date")
    public LocalDate issueDate;
    @Column(name = "due_date")
    public LocalDate dueDate;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<BillingRun> of(Long projectId, String period) {
        return find("projectId = ?1 and period = ?2", projectId, period).firstResultOptional();
    }
}
