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
import java.util.List;

/**
 * A credit note that corrects an issued invoice (the invoice of billing run {@link #correctsRunId}): planned by the
 * billing run of {@link #period} when entries that invoice billed changed, allocated to the invoice in the ERP.
 */
@Entity
@Table(name = "credit_note")
public class CreditNote extends PanacheEntityBase {

    /** PLANNED: lines fixed, not yet confirmed by the ERP; ISSUED: the ERP holds it, posted and allocated. */
    public enum Status { PLANNED, ISSUED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "project_id")
    public Long projectId;
    /** The billing period (YYYY-MM) whose run planned it. */
    public String period;
    @Column(name = "corrects_run_id")
    public Long correctsRunId;
    @Enumerated(EnumType.STRING)
    public Status status;
    public String currency;
    /** The sum of its lines, exclusive of tax. */
    public BigDecimal total;
    @Column(name = "issue_date")
    public LocalDate issueDate;
    /** Unique: the ERP finds the credit note by it, so a retry never books a second one. */
    public String reference;
    @Column(name = "erp_credit_note_id")
    public String erpCreditNoteId;
    @Column(name = "erp_number")
    public String erpNumber;
    @Column(name = "erp_total")
    public BigDecimal erpTotal;
    /** How much of it the ERP allocated to the corrected invoice. */
    public BigDecimal allocated;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public static List<CreditNote> ofProject(Long projectId) {
        return list("projectId = ?1 order by id", projectId);
    }
}
