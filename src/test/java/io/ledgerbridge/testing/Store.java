package io.ledgerbridge.testing;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.sync.SyncRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.List;

/** Reads of the real store for assertions. */
public final class Store {

    private Store() {
    }

    public static List<SyncRecord> syncRecords(long entryId) {
        return QuarkusTransaction.requiringNew().call(() -> SyncRecord.versionsOf("approved-time-to-erp", "harvest",
                String.valueOf(entryId)));
    }

    public static List<DeadLetter> deadLetters(long entryId) {
        return QuarkusTransaction.requiringNew().call(() -> DeadLetter.byBusinessKey("harvest:time-entry:" + entryId));
    }

    public static boolean posted(long entryId, String version) {
        return syncRecords(entryId).stream()
                .anyMatch(r -> r.sourceVersion.equals(version) && r.status == SyncRecord.Status.POSTED);
    }

    /** Records that {@code instance} (another service instance, as tests play it) was last seen beating at {@code seen}. */
    public static void beat(String instance, java.time.Instant seen) {
        QuarkusTransaction.requiringNew().run(() -> {
            jakarta.persistence.EntityManager store = io.quarkus.arc.Arc.container()
                    .instance(jakarta.persistence.EntityManager.class).get();
            io.ledgerbridge.store.ServiceInstance row = store.find(io.ledgerbridge.store.ServiceInstance.class, instance);
            if (row == null) {
                row = new io.ledgerbridge.store.ServiceInstance();
                row.id = instance;
                row.startedAt = seen;
                row.seenAt = seen;
                store.persist(row);
            } else {
                row.seenAt = seen;
            }
        });
    }
}
