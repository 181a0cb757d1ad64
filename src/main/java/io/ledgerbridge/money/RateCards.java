package io.ledgerbridge.money;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.store.StoreTime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/** Versioned, effective-dated rate cards: the version in force on the work date prices the work. */
@ApplicationScoped
@Named("rateCards")
public class RateCards {

    /** The bill and cost rate of a role on a date, and which version of the card they come from. */
    public record Rates(String card, String role, int version, LocalDate effectiveFrom, Money billRate, Money costRate) {
    }

    /** One card's rates for a role from a date on, as loaded by an operator or a file. */
    public record Entry(String card, String role, String currency, BigDecimal billRate, BigDecimal costRate,
            LocalDate effectiveFrom) {
    }

    // a missing rate is an answer, not a failure of the caller's transaction (a group of pricings shares one)
    @Transactional(dontRollbackOn = FlowFailure.class)
    public Rates ratesOn(String card, String role, LocalDate workDate) {
        return findRatesOn(card, role, workDate).orElseThrow(() -> noRate(card, role, workDate));
    }

    /** The rates of the card version in force for the role on the date, if any. */
    @Transactional
    public Optional<Rates> findRatesOn(String card, String role, LocalDate workDate) {
        return RateCardRate.inForce(card, role, workDate).map(rate -> {
            Currency currency = Currency.getInstance(rate.currency);
            return new Rates(rate.card, rate.role, rate.version, rate.effectiveFrom, new Money(rate.billRate, currency),
                    new Money(rate.costRate, currency));
        });
    }

    /** The RATE failure of a card without a rate for the role on the date. */
    public static FlowFailure noRate(String card, String role, LocalDate workDate) {
        return new FlowFailure(ErrorClass.RATE, "rate card " + card + " has no rate for role " + role + " on " + workDate);
    }

    /** Adds rates; a new effective date for a card and role is its next version. Returns how many were added. */
    @Transactional
    public int add(List<Entry> entries) {
        int added = 0;
        for (Entry entry : entries) {
            Currency currency = Currency.getInstance(entry.currency());
            new Money(entry.billRate(), currency);
            new Money(entry.costRate(), currency);
            boolean exists = RateCardRate.count("card = ?1 and role = ?2 and effectiveFrom = ?3", entry.card(),
                    entry.role(), entry.effectiveFrom()) > 0;
            if (exists) {
                continue;
            }
            RateCardRate rate = new RateCardRate();
            rate.card = entry.card();
            rate.role = entry.role();
            rate.currency = entry.currency();
            rate.billRate = entry.billRate();
            rate.costRate = entry.costRate();
            rate.effectiveFrom = entry.effectiveFrom();
            rate.version = (int) RateCardRate.count("card = ?1 and role = ?2", entry.card(), entry.role()) + 1;
            rate.loadedAt = StoreTime.now();
            rate.persist();
            added++;
        }
        return added;
    }
}
