package io.ledgerbridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.billing.BillableItem;
import io.ledgerbridge.testing.ContractFixtures;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Reference data is kept in memory while the store's reference generation stands, and any write to the reference
 * tables moves it: the service's own, and one it is never told about (plain SQL, as another instance's or an
 * operator's), so the next pricing reads the new data.
 */
@QuarkusTest
class ReferenceCacheTest {

    @Inject
    ReferenceCache cache;

    @Test
    void keptWhileTheGenerationStandsAndReadAgainOnceAWriteMovesIt() {
        AtomicInteger loads = new AtomicInteger();
        ReferenceCache.Generation first = QuarkusTransaction.requiringNew().call(() -> {
            ReferenceCache.Generation generation = cache.current();
            Supplier<String> read = () -> "read " + loads.incrementAndGet();
            assertThat(generation.<String>get("test", "key", read)).isEqualTo("read 1");
            assertThat(generation.<String>get("test", "key", read)).isEqualTo("read 1");
            // an absent row is kept as absent
            assertThat(generation.<String>get("test", "absent", () -> {
                loads.incrementAndGet();
                return null;
            })).isNull();
            assertThat(generation.<String>get("test", "absent", read)).isNull();
            return generation;
        });
        assertThat(loads).hasValue(2);

        // a row written as an operator's SQL would, under a card no flow uses
        QuarkusTransaction.requiringNew().run(() -> Panache.getEntityManager().createNativeQuery(
                "insert into rate_card_rate (card, role, currency, bill_rate, cost_rate, effective_from, version, "
                        + "loaded_at) values (?1, 'Consultant', 'EUR', 100.00, 50.00, current_date, 1, "
                        + "current_timestamp)")
                .setParameter(1, "CACHE-TEST-" + java.util.UUID.randomUUID()).executeUpdate());
        ReferenceCache.Generation next = QuarkusTransaction.requiringNew().call(() -> cache.current());
        assertThat(next.number()).isGreaterThan(first.number());
        assertThat(next.<String>get("test", "key", () -> "read " + loads.incrementAndGet())).isEqualTo("read 3");
    }

    @Test
    void aRateChangedInTheStoreBehindTheServicesBackPricesTheNextEntry() {
        ContractFixtures.Contracted project = ContractFixtures.project("TIME_AND_MATERIALS", "200.00");
        long first = project.time("2026-10-05", "2");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(first));
        assertThat(unitPrice(first)).isEqualByComparingTo("200.00");

        // the same card, role and work date: what the first pricing kept, were the change not seen
        QuarkusTransaction.requiringNew().run(() -> assertThat(Panache.getEntityManager().createNativeQuery(
                "update rate_card_rate set bill_rate = 250.00 where card = ?1").setParameter(1,
                        "CONTRACT-" + project.psaProject()).executeUpdate()).isEqualTo(1));
        long second = project.time("2026-10-05", "3");
        await().atMost(Duration.ofSeconds(60)).until(() -> ContractFixtures.posted(second));
        assertThat(unitPrice(second)).isEqualByComparingTo("250.00");
    }

    private static BigDecimal unitPrice(long entry) {
        return QuarkusTransaction.requiringNew().call(() -> BillableItem.ofSources(BillableItem.Kind.TIME, "harvest",
                List.of(String.valueOf(entry))).get(0).unitPrice);
    }
}
