package io.ledgerbridge.erp;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The ERP's call budget, kept in the store: a Xero organisation that takes 4 calls a second and 10 a day. The flow
 * paces its calls so that no second holds more than 4 (the stub records when each call arrived) and none is refused
 * with 429; once the day's 10 are spent, the next entries wait, visibly (the budget says so, the gauge is 1) and
 * without a dead letter, and are posted when a new day's budget is there. Calls waiting for a spent budget go in
 * priority order; calls waiting together take their tokens together, never more than the day has left.
 */
@QuarkusTest
@TestProfile(CallBudgetTest.TightXeroBudget.class)
class CallBudgetTest {

    /** An organisation of its own (a fresh budget) with Xero's limits shrunk: 4 calls a second, 10 a day. */
    public static class TightXeroBudget implements QuarkusTestProfile {
        static final String TENANT = UUID.randomUUID().toString();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.erp.xero.tenant-id", TENANT,
                    "ledgerbridge.erp.budgets.xero.calls", "4",
                    "ledgerbridge.erp.budgets.xero.window", "1s",
                    "ledgerbridge.erp.budgets.xero.burst", "1",
                    "ledgerbridge.erp.budgets.xero.per-day", "10",
                    "ledgerbridge.erp.budgets.xero.concurrent", "5",
                    "ledgerbridge.erp.budgets.business-central.per-day", "20");
        }
    }

    private static final String V1 = "2026-11-20T10:15:00Z";

    @Inject
    EntityManager store;

    @Test
    void callsArePacedWithinTheLimitAndTheDayLimitIsAWaitNotADeadLetter() {
        Project project = TimeEntryFixtures.knownProject();
        String key = "xero:" + TightXeroBudget.TENANT;
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        VendorStubs.server().addMockServiceRequestListener((request, response) -> {
            if (TightXeroBudget.TENANT.equals(request.getHeader("Xero-Tenant-Id"))) {
                arrivals.add(System.nanoTime());
                if (response.getStatus() == 429) {
                    refused.add(429);
                }
            }
        });

        // 10 entries: the day's budget, paced at 3 a second after the first
        List<Long> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long id = TimeEntryFixtures.nextId();
            first.add(id);
            given().contentType("application/json").body(project.approvedEntry(id, "1", V1))
                    .post("/api/v1/time-entries").then().statusCode(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> first.stream().allMatch(id -> Store.posted(id, V1)));
        assertThat(arrivals).hasSize(10);
        assertThat(mostInOneSecond(arrivals)).as("calls in any one second").isLessThanOrEqualTo(4);
        assertThat(refused).isEmpty();

        // 3 more: the day limit is spent, they wait (no dead letter, nothing sent)
        List<Long> more = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long id = TimeEntryFixtures.nextId();
            more.add(id);
            given().contentType("application/json").body(project.approvedEntry(id, "1", V1))
                    .post("/api/v1/time-entries").then().statusCode(202);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonPath budget = Admin.as(Admin.VIEWER).get("/admin/erp/budgets").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(budget.getInt("'" + key + "'.dayUsed")).isEqualTo(10);
            assertThat(budget.getBoolean("'" + key + "'.dayExhausted")).isTrue();
            assertThat(budget.getInt("'" + key + "'.waiting")).isGreaterThanOrEqualTo(1);
        });
        assertThat(metric("ledgerbridge_erp_budget_day_exhausted", key)).isEqualTo(1.0);
        assertThat(arrivals).hasSize(10);
        assertThat(more).allSatisfy(id -> {
            assertThat(Store.posted(id, V1)).isFalse();
            assertThat(Store.deadLetters(id)).isEmpty();
        });

        // a new day (its budget as the store holds it): the waiting entries go, paced, none refused
        QuarkusTransaction.requiringNew().run(() -> store.createNativeQuery(
                "update erp_call_budget set day_used = 0 where account_key = ?1").setParameter(1, key).executeUpdate());
        await().atMost(Duration.ofSeconds(30)).until(() -> more.stream().allMatch(id -> Store.posted(id, V1)));
        assertThat(more).allSatisfy(id -> assertThat(Store.deadLetters(id)).isEmpty());
        assertThat(arrivals).hasSize(13);
        assertThat(mostInOneSecond(arrivals)).isLessThanOrEqualTo(4);
        assertThat(refused).isEmpty();
    }

    @Test
    void waitingCallsGoInPriorityOrder() throws Exception {
        // an organisation whose day limit is spent: three calls wait, the replay first, then time, then an invoice
        String account = "prio-" + UUID.randomUUID();
        String key = "xero:" + account;
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        spendTheDay(key);
        for (int priority : new int[] {130, 30, 10}) {
            Thread caller = new Thread(() -> {
                var exchange = new org.apache.camel.support.DefaultExchange(camel);
                exchange.getMessage().setHeader(ErpCall.ERP_ACCOUNT, account);
                exchange.getMessage().setHeader(ErpCall.CALL_PRIORITY, priority);
                try {
                    budgets.acquire(exchange, "xero");
                    order.add(priority);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            caller.start();
            callers.add(caller);
            await().atMost(Duration.ofSeconds(10)).until(() -> budgets.views().containsKey(key)
                    && budgets.views().get(key).waiting() == callers.size());
        }
        // the new day: one token at a time (4 a second, burst 1), each to the first in line
        QuarkusTransaction.requiringNew().run(() -> store.createNativeQuery(
                "update erp_call_budget set day_used = 0 where account_key = ?1").setParameter(1, key).executeUpdate());
        for (Thread caller : callers) {
            caller.join(10_000);
        }
        assertThat(order).containsExactly(10, 30, 130);
    }

    @Test
    void callsWaitingTogetherTakeTheirTokensTogetherWithinTheDayLimit() throws Exception {
        // a Business Central company (burst 1,000, 20 calls a day here) whose day is spent: twelve calls wait
        String account = "together-" + UUID.randomUUID();
        String key = "business-central:" + account;
        budgetRow(key, 1000, 20);
        java.util.concurrent.atomic.AtomicInteger through = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Thread caller = new Thread(() -> {
                var exchange = new org.apache.camel.support.DefaultExchange(camel);
                exchange.getMessage().setHeader(ErpCall.ERP_ACCOUNT, account);
                try {
                    budgets.acquire(exchange, "business-central");
                    through.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            caller.start();
            callers.add(caller);
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> budgets.views().containsKey(key)
                    && budgets.views().get(key).waiting() == 12);
            // five calls left today: five go, the other seven keep waiting
            dayUsed(key, 15);
            await().atMost(Duration.ofSeconds(10)).until(() -> through.get() == 5);
            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> through.get() == 5);
            assertThat(budgets.views().get(key).dayUsed()).isEqualTo(20);
            // a new day: the seven go, each counted once
            dayUsed(key, 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> through.get() == 12);
            assertThat(budgets.views().get(key).dayUsed()).isEqualTo(7);
        } finally {
            callers.forEach(Thread::interrupt);
        }
    }

    private void dayUsed(String key, int calls) {
        QuarkusTransaction.requiringNew().run(() -> store.createNativeQuery(
                "update erp_call_budget set day_used = ?2 where account_key = ?1").setParameter(1, key)
                .setParameter(2, calls).executeUpdate());
    }

    @Inject
    io.ledgerbridge.erp.budget.CallBudgets budgets;

    @Inject
    org.apache.camel.CamelContext camel;

    private void spendTheDay(String key) {
        budgetRow(key, 0, 10);
    }

    /** The account's bucket row as of now: {@code tokens} in it, {@code dayUsed} calls made today. */
    private void budgetRow(String key, int tokens, int dayUsed) {
        QuarkusTransaction.requiringNew().run(() -> store.createNativeQuery("insert into erp_call_budget (account_key, "
                + "tokens, refilled_at, budget_day, day_used, updated_at) values (?1, ?3, current_timestamp, ?2, ?4, "
                + "current_timestamp)").setParameter(1, key).setParameter(2, java.time.LocalDate.now(java.time.ZoneOffset.UTC))
                .setParameter(3, tokens).setParameter(4, dayUsed).executeUpdate());
    }

    /** The most calls that arrived within any one second. */
    private static int mostInOneSecond(List<Long> arrivals) {
        List<Long> sorted = arrivals.stream().sorted().toList();
        int most = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= 1_000_000_000L) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    private static double metric(String name, String account) {
        String text = given().get(io.ledgerbridge.testing.Management.url("/q/metrics")).then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + "{") && l.contains("account=\"" + account + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }
}
