package io.ledgerbridge.xref;

import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves source ids to a target system's ids through the store; a missing one is a REFERENCE failure.
 *
 * <p>Every posting resolves its references, so the ones found are kept in a cache (cache {@code cross-references},
 * {@code quarkus.cache.caffeine."cross-references".*}): a reference changed here is dropped from it once the change
 * commits (a posting that read the old value just before may put it back: then, as for a reference changed by
 * another instance, the new one is read at the latest when the entry expires). A missing reference is never cached:
 * the posting that needs it next reads the store.
 */
@ApplicationScoped
@Named("crossReferences")
public class CrossReferences {

    /** Cross-references just created or updated. */
    public record ReferencesArrived(List<Entry> entries) {
    }

    private final jakarta.enterprise.event.Event<ReferencesArrived> arrived;
    private final CaffeineCache found;

    CrossReferences(jakarta.enterprise.event.Event<ReferencesArrived> arrived,
            @CacheName("cross-references") Cache found) {
        this.arrived = arrived;
        this.found = found.as(CaffeineCache.class);
    }

    /** One cross-reference as loaded by an operator or a seed file. */
    public record Entry(String entityType, String sourceSystem, String sourceId, String targetSystem,
            String targetId) {
    }

    /** A reference a flow asks for: the entity type and its source id. */
    public record Wanted(String entityType, String sourceId) {
    }

    /**
     * The target ids of all wanted references, keyed by entity type; throws one REFERENCE failure naming every
     * missing one, so an operator fixes them all at once.
     */
    public Map<String, String> resolveAll(String sourceSystem, String targetSystem, List<Wanted> wanted) {
        Map<String, String> resolved = new LinkedHashMap<>();
        List<Wanted> unknown = new ArrayList<>();
        for (Wanted want : wanted) {
            String cached = cached(key(want.entityType(), sourceSystem, want.sourceId(), targetSystem));
            if (cached != null) {
                resolved.put(want.entityType(), cached);
            } else {
                unknown.add(want);
            }
        }
        if (unknown.isEmpty()) {
            return resolved;
        }
        List<String> missing = new ArrayList<>();
        QuarkusTransaction.joiningExisting().run(() -> {
            for (Wanted want : unknown) {
                CrossReference.lookup(want.entityType(), sourceSystem, want.sourceId(), targetSystem)
                        .ifPresentOrElse(ref -> {
                            resolved.put(want.entityType(), ref.targetId);
                            found.put(key(want.entityType(), sourceSystem, want.sourceId(), targetSystem),
                                    CompletableFuture.completedFuture(ref.targetId));
                        }, () -> missing.add(token(want.entityType(), sourceSystem, want.sourceId())));
            }
        });
        if (!missing.isEmpty()) {
            throw new ReferenceMissing(targetSystem, missing);
        }
        return resolved;
    }

    /** Changed references are read from the store again once the change is committed. */
    void forgetChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) ReferencesArrived changed) {
        for (Entry entry : changed.entries()) {
            found.invalidate(key(entry.entityType(), entry.sourceSystem(), entry.sourceId(), entry.targetSystem()))
                    .await().indefinitely();
        }
    }

    private String cached(String key) {
        CompletableFuture<Object> value = found.getIfPresent(key);
        return value == null ? null : (String) value.join();
    }

    private static String key(String entityType, String sourceSystem, String sourceId, String targetSystem) {
        return entityType + "|" + sourceSystem + "|" + sourceId + "|" + targetSystem;
    }

    /** How a missing reference is named in a REFERENCE dead letter. */
    public static String token(String entityType, String sourceSystem, String sourceId) {
        return entityType + ":" + sourceSystem + ":" + sourceId;
    }

    /** Creates or updates cross-references; returns how many changed. Observers learn of them after commit. */
    @Transactional
    public int upsert(List<Entry> entries) {
        Instant now = StoreTime.now();
        int changed = 0;
        for (Entry entry : entries) {
            CrossReference ref = CrossReference
                    .lookup(entry.entityType(), entry.sourceSystem(), entry.sourceId(), entry.targetSystem())
                    .orElse(null);
            if (ref == null) {
                ref = new CrossReference();
                ref.entityType = entry.entityType();
                ref.sourceSystem = entry.sourceSystem();
                ref.sourceId = entry.sourceId();
                ref.targetSystem = entry.targetSystem();
                ref.createdAt = now;
            } else if (ref.targetId.equals(entry.targetId())) {
                continue;
            }
            ref.targetId = entry.targetId();
            ref.updatedAt = now;
            ref.persist();
            changed++;
        }
        arrived.fire(new ReferencesArrived(entries));
        return changed;
    }

    /**
     * Tells waiting dead letters that a reference which is not a cross-reference (an assignment, a project) has
     * arrived; fired after the caller's transaction commits.
     */
    public void announce(List<Entry> entries) {
        arrived.fire(new ReferencesArrived(entries));
    }

    public List<Entry> list(String entityType, String sourceSystem) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (entityType != null) {
            query.append(" and entityType = :type");
            params.put("type", entityType);
        }
        if (sourceSystem != null) {
            query.append(" and sourceSystem = :system");
            params.put("system", sourceSystem);
        }
        query.append(" order by id");
        return CrossReference.<CrossReference>list(query.toString(), params).stream()
                .map(r -> new Entry(r.entityType, r.sourceSystem, r.sourceId, r.targetSystem, r.targetId))
                .toList();
    }
}
