package io.ledgerbridge.xref;

import io.ledgerbridge.flow.ReferenceMissing;
import io.ledgerbridge.store.ReferenceCache;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves source ids to a target system's ids through the store; a missing one is a REFERENCE failure.
 *
 * <p>Every posting resolves its references, so they are kept in memory with the reference data that priced the record
 * ({@link ReferenceCache}, as of the generation its pricing read or a newer one): a cross-reference written through
 * any instance, or by an operator's SQL, counts the store's reference generation up (migration {@code V31}), and the
 * next posting on every instance reads it again. A missing one is kept as missing until then: its arrival moves the
 * generation too.
 */
@ApplicationScoped
@Named("crossReferences")
public class CrossReferences {

    /** Cross-references just created or updated. */
    public record ReferencesArrived(List<Entry> entries) {
    }

    private static final String REGION = "cross-references";

    private final jakarta.enterprise.event.Event<ReferencesArrived> arrived;
    private final ReferenceCache references;

    CrossReferences(jakarta.enterprise.event.Event<ReferencesArrived> arrived, ReferenceCache references) {
        this.arrived = arrived;
        this.references = references;
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
        List<Ref> refs = wanted.stream()
                .map(want -> new Ref(want.entityType(), sourceSystem, want.sourceId(), targetSystem)).toList();
        Map<Ref, String> found = references.latest().getAll(REGION, refs, unknown ->
                QuarkusTransaction.joiningExisting().call(() -> {
                    Map<Ref, String> read = new HashMap<>();
                    for (Ref ref : unknown) {
                        CrossReference.lookup(ref.entityType(), ref.sourceSystem(), ref.sourceId(), ref.targetSystem())
                                .ifPresent(row -> read.put(ref, row.targetId));
                    }
                    return read;
                }));
        Map<String, String> resolved = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Ref ref : refs) {
            String target = found.get(ref);
            if (target != null) {
                resolved.put(ref.entityType(), target);
            } else {
                missing.add(token(ref.entityType(), sourceSystem, ref.sourceId()));
            }
        }
        if (!missing.isEmpty()) {
            throw new ReferenceMissing(targetSystem, missing);
        }
        return resolved;
    }

    /** A cross-reference's key, as kept in memory. */
    private record Ref(String entityType, String sourceSystem, String sourceId, String targetSystem) {
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
