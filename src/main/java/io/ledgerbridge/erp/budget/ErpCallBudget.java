package io.ledgerbridge.erp.budget;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** The shared call budget of one ERP account: the tokens of its paced bucket and the calls of the current day. */
@Entity
@Table(name = "erp_call_budget")
public class ErpCallBudget extends PanacheEntityBase {

    /** {@code <system>:<account>}, e.g. {@code xero:<tenant id>}. */
    @Id
    @Column(name = "account_key")
    public String accountKey;

    public BigDecimal tokens;

    @Column(name = "refilled_at")
    public Instant refilledAt;

    @Column(name = "budget_day")
    public LocalDate budgetDay;

    @Column(name = "day_used")
    public int dayUsed;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
