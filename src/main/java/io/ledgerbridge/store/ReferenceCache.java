package io.ledgerbridge.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;

/**
 * The reference data that prices and addresses an entry (projects, assignments, contract terms, rate card versions, FX
 * rates, cross-references) as this instance read it, kept while the store's <em>reference generation</em> is the one
 * it was read at.
 *
 * <p>Every row written to those tables counts the generation up in the writing transaction (a trigger: migrations
 * {@code V30} and {@code V31}, whoever writes, this instance, another one, a migration or an operator's SQL). A caller
 * reads the generation in its own transaction ({@link #current()}, one primary-key read) and gets this instance's
 * entries of that generation: a newer one than kept drops them all, so a change committed anywhere is seen by the next
 * read on every instance. What is read after the generation can only be as new or newer than it; a reader that saw an
 * older generation than the one kept is served from the store and keeps nothing.
 *
 * <p>Entries are the store's rows as read (managed entities detached once their transaction ends): callers only read
 * them. An absent row is kept too (as {@code null} to the caller), since its arrival counts the generation up.
 * At most {@code ledgerbridge.store.reference-cache-size} entries; 0 keeps none.
 */
@ApplicationScoped
public class ReferenceCache {

    private final int size;
    private final AtomicReference<Generation> kept = new AtomicReference<>();

    ReferenceCache(LedgerbridgeConfig config) {
        this.size = config.store().referenceCacheSize();
    }

    /**
     * The entries of the store's reference generation as the caller's transaction reads it (needs a transaction; one
     * statement on its connection, which flushes nothing of the caller's).
     */
    public Generation current() {
        long generation = Panache.getEntityManager().unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement read = connection.prepareStatement(
                    "select generation from reference_generation where id = 1"); ResultSet row = read.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
        if (size <= 0) {
            return new Generation(generation, 0);
        }
        Generation now = kept.updateAndGet(
                g -> g == null || g.number < generation ? new Generation(generation, size) : g);
        // a reader that saw an older generation than the one kept (its transaction began before the change committed)
        return now.number == generation ? now : new Generation(generation, 0);
    }

    /**
     * The newest generation this instance has read, without reading the store (no transaction needed): for what a flow
     * reads after it priced the record, as of the same or a newer generation than that pricing read (the record's
     * cross-references, its project beside a fact), not for pricing. Before any generation was read, one that keeps
     * nothing.
     */
    public Generation latest() {
        Generation known = kept.get();
        return known != null ? known : new Generation(-1, 0);
    }

    /** One generation's entries, each under a region (what kind of data) and a key. */
    public static final class Generation {

        private record Key(String region, Object key) {
        }

        private final long number;
        private final Cache<Key, Optional<Object>> entries;

        private Generation(long number, int size) {
            this.number = number;
            this.entries = size > 0 ? Caffeine.newBuilder().maximumSize(size).build() : null;
        }

        /** The store's reference generation these entries were read at. */
        public long number() {
            return number;
        }

        /** The value of {@code key}, read by {@code load} (null: absent) when not kept. */
        @SuppressWarnings("unchecked")
        public <V> V get(String region, Object key, Supplier<V> load) {
            if (entries == null) {
                return load.get();
            }
            Key k = new Key(region, key);
            Optional<Object> found = entries.getIfPresent(k);
            if (found == null) {
                found = Optional.ofNullable(load.get());
                entries.put(k, found);
            }
            return (V) found.orElse(null);
        }

        /**
         * The values of {@code keys} (absent ones left out), reading those not kept in one call of {@code loadMissing},
         * which answers what it found; the keys it leaves out are kept as absent.
         */
        @SuppressWarnings("unchecked")
        public <K, V> Map<K, V> getAll(String region, Collection<K> keys, Function<Set<K>, Map<K, V>> loadMissing) {
            Map<K, V> values = new HashMap<>();
            Set<K> missing = new LinkedHashSet<>();
            for (K key : keys) {
                Optional<Object> found = entries == null ? null : entries.getIfPresent(new Key(region, key));
                if (found == null) {
                    missing.add(key);
                } else {
                    found.ifPresent(value -> values.put(key, (V) value));
                }
            }
            if (!missing.isEmpty()) {
                Map<K, V> loaded = loadMissing.apply(missing);
                for (K key : missing) {
                    V value = loaded.get(key);
                    if (value != null) {
                        values.put(key, value);
                    }
                    if (entries != null) {
                        entries.put(new Key(region, key), Optional.ofNullable(value));
                    }
                }
            }
            return values;
        }
    }
}
