package io.ledgerbridge.erp.xero;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.FlowJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Which Xero document an expense becomes, before and after Xero retires receipts (2027-02-01). */
class XeroExpensesTest {

    private static final FlowJson JSON = new FlowJson(new ObjectMapper());

    @Test
    void aCardPaymentIsSpendMoneyAndAnythingElseABill() {
        XeroExpenses expenses = new XeroExpenses(JSON, false, at("2026-12-05T10:00:00Z"));
        assertThat(expenses.documentFor("COMPANY_CARD")).isEqualTo("spend-money");
        assertThat(expenses.documentFor("REIMBURSABLE")).isEqualTo("bill");
        assertThat(expenses.documentFor("")).isEqualTo("bill");
    }

    @Test
    void receiptsOnlyWhileXeroTakesThem() {
        assertThat(new XeroExpenses(JSON, true, at("2027-01-31T23:59:59Z")).documentFor("COMPANY_CARD"))
                .isEqualTo("receipt");
        XeroExpenses retired = new XeroExpenses(JSON, true, at("2027-02-01T00:00:00Z"));
        assertThat(retired.documentFor("COMPANY_CARD")).isEqualTo("spend-money");
        assertThat(retired.documentFor("REIMBURSABLE")).isEqualTo("bill");
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }
}
