package io.ledgerbridge.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

/**
 * An amount in one currency, always at the currency's ISO 4217 minor units (2 for EUR, 0 for JPY, 3 for BHD).
 * Arithmetic that can produce more digits (a quantity times a rate, a conversion) rounds half-even once, at the
 * line; amounts are never doubles.
 */
public record Money(BigDecimal amount, Currency currency) implements Comparable<Money> {

    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;

    public Money {
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(currency, "currency");
        int scale = minorUnits(currency);
        if (amount.stripTrailingZeros().scale() > scale) {
            throw new ArithmeticException(amount.toPlainString() + " has more digits than " + currency
                    + " has minor units (" + scale + "); round it explicitly at the line");
        }
        amount = amount.setScale(scale, RoundingMode.UNNECESSARY);
    }

    /** An exact amount, e.g. {@code Money.of("12.50", "EUR")}; more digits than the currency has is an error. */
    public static Money of(String amount, String currencyCode) {
        return new Money(new BigDecimal(amount), Currency.getInstance(currencyCode));
    }

    /** An amount rounded half-even to the currency's minor units: the one rounding of a line. */
    public static Money rounded(BigDecimal amount, Currency currency) {
        return new Money(amount.setScale(minorUnits(currency), ROUNDING), currency);
    }

    public static Money zero(Currency currency) {
        return new Money(BigDecimal.ZERO, currency);
    }

    /** Quantity times this unit price (hours x rate), rounded half-even once. */
    public Money times(BigDecimal quantity) {
        return rounded(amount.multiply(quantity), currency);
    }

    /** This amount in another currency at the given rate (units of target per unit of this), rounded once. */
    public Money convert(BigDecimal rate, Currency target) {
        return rounded(amount.multiply(rate), target);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.add(other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(amount.subtract(other.amount), currency);
    }

    public boolean isNegative() {
        return amount.signum() < 0;
    }

    @Override
    public int compareTo(Money other) {
        requireSameCurrency(other);
        return amount.compareTo(other.amount);
    }

    /** Minor units of the currency; currencies without any (XAU, XXX) are refused. */
    public static int minorUnits(Currency currency) {
        int digits = currency.getDefaultFractionDigits();
        if (digits < 0) {
            throw new IllegalArgumentException(currency + " has no minor units: not a currency money is kept in");
        }
        return digits;
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " and " + other.currency
                    + " without converting one of them");
        }
    }

    /**
     * A stored amount as documents and the admin API show it: at its currency's minor units (3354.50 EUR, not the
     * store's 3354.5000); null stays null. The store's amounts are exact to the minor unit, so nothing is rounded
     * away.
     */
    public static BigDecimal shown(BigDecimal amount, String currencyCode) {
        return amount == null || currencyCode == null ? amount
                : amount.setScale(minorUnits(Currency.getInstance(currencyCode)), ROUNDING);
    }

    @Override
    public String toString() {
        return amount.toPlainString() + " " + currency.getCurrencyCode();
    }
}
