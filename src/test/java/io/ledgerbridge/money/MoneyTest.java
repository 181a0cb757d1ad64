package io.ledgerbridge.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;

/** Money keeps its currency's minor units and rounds half-even once, at the line. */
class MoneyTest {

    @Test
    void amountsCarryTheirCurrencysMinorUnits() {
        assertThat(Money.of("12.5", "EUR").amount()).isEqualByComparingTo("12.50").hasScaleOf(2);
        assertThat(Money.of("1200", "JPY").amount()).hasScaleOf(0);
        assertThat(Money.of("1.5", "BHD").amount()).hasScaleOf(3);
    }

    @Test
    void moreDigitsThanTheCurrencyHasAreRefusedNotRoundedAway() {
        assertThatThrownBy(() -> Money.of("10.005", "EUR")).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("minor units");
        assertThatThrownBy(() -> Money.of("100.5", "JPY")).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void aLineIsRoundedHalfEvenOnce() {
        // 7.5 h x 123.45 = 925.875 -> 925.88 (the digit before the 5 is odd: half-even rounds up)
        assertThat(Money.of("123.45", "EUR").times(new BigDecimal("7.5"))).isEqualTo(Money.of("925.88", "EUR"));
        // 0.5 x 0.05 = 0.025 -> 0.02 (half to even), 0.5 x 0.07 = 0.035 -> 0.04
        assertThat(Money.of("0.05", "USD").times(new BigDecimal("0.5"))).isEqualTo(Money.of("0.02", "USD"));
        assertThat(Money.of("0.07", "USD").times(new BigDecimal("0.5"))).isEqualTo(Money.of("0.04", "USD"));
    }

    @Test
    void conversionRoundsToTheTargetsMinorUnits() {
        Money eur = Money.of("100.00", "EUR");
        assertThat(eur.convert(new BigDecimal("1.0857"), Currency.getInstance("USD"))).isEqualTo(Money.of("108.57", "USD"));
        assertThat(eur.convert(new BigDecimal("162.3456"), Currency.getInstance("JPY"))).isEqualTo(Money.of("16235", "JPY"));
    }

    @Test
    void differentCurrenciesDoNotAddUp() {
        assertThatThrownBy(() -> Money.of("1", "EUR").plus(Money.of("1", "USD")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("converting");
        assertThat(Money.of("1.10", "EUR").plus(Money.of("2.20", "EUR"))).isEqualTo(Money.of("3.30", "EUR"));
    }
}
