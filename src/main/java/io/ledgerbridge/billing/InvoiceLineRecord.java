package io.ledgerbridge.billing;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.List;

/** One line of a billing run's invoice; the billable items behind it point at it. */
@Entity
@Table(name = "invoice_line")
public class InvoiceLineRecord extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "billing_run_id")
    public Long billingRunId;
    @Column(name = "line_no")
    public int lineNo;
    public String kind;
    public String description;
    public BigDecimal quantity;
    @Column(name = "unit_price")
    public BigDecimal unitPrice;
    @Column(name = "line_amount")
    public BigDecimal lineAmount;
    @Column(name = "tax_type")
    public String taxType;

    public static List<InvoiceLineRecord> ofRun(Long runId) {
        return list("billingRunId = ?1 order by lineNo", runId);
    }
}
