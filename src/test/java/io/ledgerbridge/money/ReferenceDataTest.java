package io.ledgerbridge.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.testing.Admin;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Effective-dated FX rates and versioned rate cards in the real store, and the regions file. */
@QuarkusTest
class ReferenceDataTest {

    @Inject
    FxRates fxRates;
    @Inject
    RateCards rateCards;

    @Test
    void theRateOfTheBusinessDateAppliesAndAMissingOneIsAnFxFailure() {
        Admin.as(Admin.OPERATOR).contentType("application/json").body("""
                [{"base":"EUR","quote":"GBP","rate":0.8500,"effectiveFrom":"2026-10-01","source":"test"},
                 {"base":"EUR","quote":"GBP","rate":0.8600,"effectiveFrom":"2026-11-01","source":"test"}]""")
                .put("/admin/fx-rates").then().statusCode(200);

        assertThat(fxRates.rateOn("EUR", "GBP", LocalDate.parse("2026-10-31"))).isEqualByComparingTo("0.85");
        assertThat(fxRates.rateOn("EUR", "GBP", LocalDate.parse("2026-11-01"))).isEqualByComparingTo("0.86");
        assertThat(fxRates.rateOn("GBP", "EUR", LocalDate.parse("2026-11-15"))).isEqualByComparingTo("1.1627906976744186047");
        assertThat(fxRates.convert(Money.of("1000.00", "EUR"), "GBP", LocalDate.parse("2026-10-15")))
                .isEqualTo(Money.of("850.00", "GBP"));
        assertThatThrownBy(() -> fxRates.rateOn("EUR", "GBP", LocalDate.parse("2026-09-30")))
                .isInstanceOfSatisfying(FlowFailure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.FX));
        Admin.as(Admin.VIEWER).queryParam("on", "2026-11-02").get("/admin/fx-rates/EUR/GBP").then()
                .statusCode(200).body("rate", is(0.86f));
        Admin.as(Admin.VIEWER).queryParam("on", "2026-09-02").get("/admin/fx-rates/EUR/GBP").then()
                .statusCode(404).contentType("application/problem+json");
        Admin.as(Admin.OPERATOR).contentType("application/json")
                .body("[{\"base\":\"EUR\",\"quote\":\"GBP\",\"rate\":-1,\"effectiveFrom\":\"2026-11-01\"}]")
                .put("/admin/fx-rates").then().statusCode(422);
    }

    @Test
    void theRateCardVersionInForceOnTheWorkDatePricesTheWork() {
        String card = "card-" + UUID.randomUUID();
        Admin.as(Admin.OPERATOR).contentType("application/json").body("""
                [{"card":"%1$s","role":"consultant","currency":"EUR","billRate":150.00,"costRate":90.00,"effectiveFrom":"2026-01-01"},
                 {"card":"%1$s","role":"consultant","currency":"EUR","billRate":165.00,"costRate":95.00,"effectiveFrom":"2026-11-16"}]"""
                .formatted(card)).put("/admin/rate-cards").then().statusCode(200).body("added", is(2));

        RateCards.Rates before = rateCards.ratesOn(card, "consultant", LocalDate.parse("2026-11-15"));
        RateCards.Rates after = rateCards.ratesOn(card, "consultant", LocalDate.parse("2026-11-16"));
        assertThat(before.version()).isEqualTo(1);
        assertThat(before.billRate()).isEqualTo(Money.of("150.00", "EUR"));
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.billRate().times(new BigDecimal("7.5"))).isEqualTo(Money.of("1237.50", "EUR"));
        assertThatThrownBy(() -> rateCards.ratesOn(card, "partner", LocalDate.parse("2026-11-16")))
                .isInstanceOfSatisfying(FlowFailure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.RATE));
        Admin.as(Admin.OPERATOR).contentType("application/json").body("""
                [{"card":"%s","role":"consultant","currency":"EUR","billRate":150.005,"costRate":90,"effectiveFrom":"2026-12-01"}]"""
                .formatted(card)).put("/admin/rate-cards").then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void regionsAndEntitiesComeFromTheMappingsFiles() {
        Admin.as(Admin.VIEWER).get("/admin/regions").then().statusCode(200)
                .body("EU.entity", is("NL-BV")).body("NA.entity", is("US-INC")).body("APAC.entity", is("AU-PTY"));
        // no entity names its own ERP in the shipped file: all book in the default one (the test profile's Xero)
        Admin.as(Admin.VIEWER).get("/admin/entities").then().statusCode(200)
                .body("NL-BV.currency", is("EUR")).body("US-INC.currency", is("USD")).body("AU-PTY.currency", is("AUD"))
                .body("NL-BV.salesTaxType", is("OUTPUT2")).body("NL-BV.name", is("Ledgerbridge Consulting B.V."))
                .body("US-INC.ledger.system", is("xero")).body("US-INC.ledger.name", is("default"));
    }
}
