package io.ledgerbridge.money;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.store.StoreTime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/**
 * Effective-dated FX rates. The rate of a record's business date applies, also when it is replayed months later;
 * a pair loaded only the other way round is inverted; a missing rate is an FX failure, never a guess.
 */
@ApplicationScoped
@Named("fxRates")
public class FxRates {

    /** Precision of an inverted rate (more than any rate is quoted in). */
    private static final MathContext INVERSE = new MathContext(20, Money.ROUNDING);

    /** One rate as loaded by an operator or a rates file. */
    public record Entry(String base, String quote, BigDecimal rate, LocalDate effectiveFrom, String source) {
    }

    /** Units of {@code quote} per unit of {@code base} in force on the date. */
    // a missing rate is an answer, not a failure of the caller's transaction (a group of pricings shares one)
    @Transactional(dontRollbackOn = FlowFailure.class)
    public BigDecimal rateOn(String base, String quote, LocalDate on) {
        return findRateOn(base, quote, on).orElseThrow(() -> noRate(base, quote, on));
    }

    /** {@link #rateOn}, empty when no rate either way is in force on the date. */
    @Transactional
    public Optional<BigDecimal> findRateOn(String base, String quote, LocalDate on) {
        if (base.equals(quote)) {
            return Optional.of(BigDecimal.ONE);
        }
        return FxRate.inForce(base, quote, on).map(r -> r.rate)
                .or(() -> FxRate.inForce(quote, base, on).map(r -> BigDecimal.ONE.divide(r.rate, INVERSE)));
    }

    /** The FX failure of a pair without a rate in force on the date. */
    public static FlowFailure noRate(String base, String quote, LocalDate on) {
        return new FlowFailure(ErrorClass.FX,
                "no FX rate " + base + "/" + quote + " in force on " + on + "; load one effective on or before it");
    }

    /** The amount in the target currency at the rate of the date, rounded half-even once. */
    public Money convert(Money amount, String target, LocalDate on) {
        if (amount.currency().getCurrencyCode().equals(target)) {
            return amount;
        }
        return amount.convert(rateOn(amount.currency().getCurrencyCode(), target, on), Currency.getInstance(target));
    }

    /** Creates or corrects rates (one per pair and effective date); returns how many changed. */
    @Transactional
    public int upsert(List<Entry> entries) {
        int changed = 0;
        for (Entry entry : entries) {
            Currency.getInstance(entry.base());
            Currency.getInstance(entry.quote());
            if (entry.rate().signum() <= 0) {
                throw new IllegalArgumentException("rate " + entry.base() + "/" + entry.quote() + " must be positive");
            }
            FxRate rate = FxRate.exact(entry.base(), entry.quote(), entry.effectiveFrom()).orElseGet(FxRate::new);
            if (rate.id != null && rate.rate.compareTo(entry.rate()) == 0) {
                continue;
            }
            rate.baseCurrency = entry.base();
            rate.quoteCurrency = entry.quote();
            rate.rate = entry.rate();
            rate.effectiveFrom = entry.effectiveFrom();
            rate.source = entry.source();
            rate.loadedAt = StoreTime.now();
            rate.persist();
            changed++;
        }
        return changed;
    }
}
