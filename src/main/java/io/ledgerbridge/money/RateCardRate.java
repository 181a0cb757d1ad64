package io.ledgerbridge.money;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/** One version of a rate card's rates for one role, from a date on. */
@Entity
@Table(name = "rate_card_rate")
public class RateCardRate extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The rate card, e.g. a contract's card or a region's standard card. */
    public String card;
    public String role;
    public String currency;
    @Column(name = "bill_rate")
    public BigDecimal billRate;
    @Column(name = "cost_rate")
    public BigDecimal costRate;
    @Column(name = "effective_from")
    public LocalDate effectiveFrom;
    /** 1 for the first rates of the card and role, counting up with each change. */
    public int version;
    @Column(name = "loaded_at")
    public Instant loadedAt;

    public static Optional<RateCardRate> inForce(String card, String role, LocalDate on) {
        return find("card = ?1 and role = ?2 and effectiveFrom <= ?3 order by effectiveFrom desc", card, role, on)
                .firstResultOptional();
    }
}
