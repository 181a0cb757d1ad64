package io.ledgerbridge.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * Time entries priced at the same moment are priced together (one read of their reference data): each still gets the
 * rate card version of its own work date, and an entry whose rate or project is missing fails alone, with its class.
 */
@QuarkusTest
class ConcurrentPricingTest {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Inject
    Billables billables;

    @Inject
    CamelContext camel;

    @Test
    void entriesPricedTogetherEachGetTheirOwnRateOrTheirOwnFailure() throws Exception {
        long priced = TimeEntryFixtures.nextId();
        long noRates = TimeEntryFixtures.nextId();
        long unknown = TimeEntryFixtures.nextId();
        long user = TimeEntryFixtures.nextId();
        String card = "PRICING-" + priced;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "rateCards", List.of(rate(card, "100.00", "2026-01-01"), rate(card, "110.00", "2026-10-16")),
                "projects", List.of(project(priced, card), project(noRates, "NO-RATES-" + noRates)),
                "assignments", List.of(assignment(priced, user), assignment(noRates, user))))
                .put("/admin/reference-data").then().statusCode(200).body("projects", is(2));

        ExecutorService flows = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> outcomes = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                outcomes.add(price(flows, start, entry(priced, user, "2026-10-10")));
                expected.add("250");
                outcomes.add(price(flows, start, entry(priced, user, "2026-10-20")));
                expected.add("275");
                outcomes.add(price(flows, start, entry(noRates, user, "2026-10-20")));
                expected.add("RATE");
                outcomes.add(price(flows, start, entry(unknown, user, "2026-10-20")));
                expected.add("REFERENCE");
            }
            start.countDown();
            List<String> actual = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                Object result = outcome.get(30, TimeUnit.SECONDS);
                actual.add(result instanceof FlowFailure failure ? failure.errorClass().name()
                        : JSON.readTree((String) result).path("billing").path("amount").decimalValue().stripTrailingZeros().toPlainString());
            }
            assertThat(actual).containsExactlyElementsOf(expected);
        } finally {
            flows.shutdownNow();
        }
    }

    Future<Object> price(ExecutorService flows, CountDownLatch start, String canonical) {
        return flows.submit(() -> {
            start.await();
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(canonical);
            try {
                return billables.priceTime(exchange);
            } catch (FlowFailure failure) {
                return failure;
            }
        });
    }

    static String entry(long project, long user, String workDate) throws Exception {
        JsonNode entry = JSON.valueToTree(Map.of("sourceSystem", "harvest", "sourceId",
                String.valueOf(TimeEntryFixtures.nextId()), "approval", Map.of("state", "APPROVED"), "workDate", workDate,
                "project", Map.of("sourceId", String.valueOf(project)), "resource", Map.of("sourceId", String.valueOf(user)),
                "hours", 2.5, "billable", true));
        return JSON.writeValueAsString(entry);
    }

    static Map<String, String> rate(String card, String bill, String from) {
        return Map.of("card", card, "role", "Consultant", "currency", "EUR", "billRate", bill, "costRate", "60.00",
                "effectiveFrom", from);
    }

    static Map<String, String> project(long psaId, String card) {
        return Map.ofEntries(Map.entry("psaId", String.valueOf(psaId)), Map.entry("erpProjectId",
                UUID.randomUUID().toString()), Map.entry("name", "Pricing " + psaId), Map.entry("clientName", "ABC Corp"),
                Map.entry("region", "EU"), Map.entry("currency", "EUR"), Map.entry("contractType", "TIME_AND_MATERIALS"),
                Map.entry("rateCard", card), Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-01-01"));
    }

    static Map<String, String> assignment(long project, long user) {
        return Map.of("sourceId", "pricing-" + project + "-" + user, "psaProjectId", String.valueOf(project),
                "psaUserId", String.valueOf(user), "role", "Consultant", "startsOn", "2026-01-01",
                "erpTaskId", UUID.randomUUID().toString());
    }
}
