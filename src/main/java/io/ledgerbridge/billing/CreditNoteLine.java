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

/** One line of a credit note: what the corrected invoice's line billed for one entry; the entry's item points at it. */
@Entity
@Table(name = "credit_note_line")
public class CreditNoteLine extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "credit_note_id")
    public Long creditNoteId;
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
    /** The invoice line whose amount it reverses (in part: that line's share for the entry). */
    @Column(name = "corrects_line_id")
    public Long correctsLineId;

    public static List<CreditNoteLine> of(Long creditNoteId) {
        return list("creditNoteId = ?1 order by lineNo", creditNoteId);
    }
}
