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

/** Units of the quote currency for one unit of the base currency, from a date on. */
@Entity
@Table(name = "fx_rate")
public class FxRate extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "base_currency")
    public String baseCurrency;
    @Column(name = "quote_currency")
    public String quoteCurrency;
    public BigDecimal rate;
    @Column(name = "effective_from")
    public LocalDate effectiveFrom;
    /** Where the rate came from (ECB, treasury, ...). */
    public String source;
    @Column(name = "loaded_at")
    public Instant loadedAt;

    /** The rate in force on the date: the latest effective on or before it. */
    public static Optional<FxRate> inForce(String base, String quote, LocalDate on) {
        return find("baseCurrency = ?1 and quoteCurrency = ?2 and effectiveFrom <= ?3 order by effectiveFrom desc",
                base, quote, on).firstResultOptional();
    }

    public static Optional<FxRate> exact(String base, String quote, LocalDate from) {
        return find("baseCurrency = ?1 and quoteCurrency = ?2 and effectiveFrom = ?3", base, quote, from)
                .firstResultOptional();
    }
}
