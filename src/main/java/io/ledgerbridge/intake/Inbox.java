package io.ledgerbridge.intake;

import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowHeaders;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Store-backed intake: a message is committed here before its sender is answered, then taken by exactly one worker
 * at a time (a lease in the row), and a sweep re-takes what a crashed worker left.
 *
 * <p>Each flow's inbox is drained every {@code ledgerbridge.inbox.poll-interval}; once a drain found nothing and this
 * instance has accepted nothing for the flow since, the store is asked again only after
 * {@code ledgerbridge.inbox.idle-poll-interval} (what another instance accepted and left, a lease run out). An idle
 * flow's inbox, or one fed through Kafka, costs no transaction five times a second.
 */
@ApplicationScoped
@Named("inbox")
public class Inbox {

    /** A flow's inbox found empty: when, and how many messages this instance had accepted for the flow by then. */
    private record Idle(long sinceNanos, long accepted) {
    }

    private final LedgerbridgeConfig config;
    private final ProducerTemplate producer;
    private final long idlePollNanos;
    /** Messages this instance has accepted, by flow. */
    private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
    /** Flows whose inbox the last drain found empty. */
    private final Map<String, Idle> idle = new ConcurrentHashMap<>();

    Inbox(LedgerbridgeConfig config, ProducerTemplate producer) {
        this.config = config;
        this.producer = producer;
        this.idlePollNanos = config.inbox().idlePollInterval().toNanos();
    }

    /** Commits every payload of the body (a list of JSON documents) in one transaction; returns their ids. */
    public List<Long> store(List<String> payloads, Exchange exchange) {
        String flow = exchange.getMessage().getHeader(FlowHeaders.FLOW, String.class);
        String system = exchange.getMessage().getHeader(FlowHeaders.SOURCE_SYSTEM, "unknown", String.class);
        Instant now = StoreTime.now();
        List<Long> stored = QuarkusTransaction.requiringNew().call(() -> {
            List<Long> ids = new ArrayList<>(payloads.size());
            for (String payload : payloads) {
                InboxMessage message = new InboxMessage();
                message.flow = flow;
                message.sourceSystem = system;
                message.payload = payload;
                message.status = InboxMessage.PENDING;
                message.createdAt = now;
                message.persist();
                ids.add(message.id);
            }
            return ids;
        });
        accepted(flow).addAndGet(stored.size());
        return stored;
    }

    private AtomicLong accepted(String flow) {
        return accepted.computeIfAbsent(flow, f -> new AtomicLong());
    }

    /**
     * Claims up to a batch of pending messages of the flow for this worker (never taken, or whose worker's lease ran
     * out after a crash) and returns their ids in arrival order.
     */
    public List<Long> claimBatch(String flow) {
        Instant now = StoreTime.now();
        Instant leaseEnd = now.plus(config.inbox().lease());
        // plain SQL: Hibernate translates an HQL query with a projection, and an HQL update, at every execution, and
        // an idle flow asks every idle-poll interval
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Long> candidates = StoreSql.select("select id from inbox_message where flow = ? and status = ? and "
                    + "(claimed_until is null or claimed_until < ?) order by id fetch first "
                    + config.inbox().batchSize() + " rows only", row -> row.getLong(1), flow, InboxMessage.PENDING,
                    now);
            List<Long> claimed = new ArrayList<>(candidates.size());
            for (Long id : candidates) {
                int updated = StoreSql.update("update inbox_message set claimed_until = ?, attempts = attempts + 1 "
                        + "where id = ? and status = ? and (claimed_until is null or claimed_until < ?)",
                        leaseEnd, id, InboxMessage.PENDING, now);
                if (updated == 1) {
                    claimed.add(id);
                }
            }
            return claimed;
        });
    }

    /**
     * Runs each claimed message of the flow through the flow's route, in its own exchange, and marks it done once
     * the flow has completed it (posted, skipped or dead-lettered). A message whose exchange failed stays pending
     * and is claimed again when its lease runs out.
     */
    public int drain(String flow) {
        long acceptedBefore = accepted(flow).get();
        Idle empty = idle.get(flow);
        if (empty != null && empty.accepted() == acceptedBefore
                && System.nanoTime() - empty.sinceNanos() < idlePollNanos) {
            return 0;
        }
        List<Long> claimed = claimBatch(flow);
        if (claimed.isEmpty()) {
            // a message this instance accepts while the store was asked counts past acceptedBefore: never waited for
            idle.put(flow, new Idle(System.nanoTime(), acceptedBefore));
            return 0;
        }
        idle.remove(flow);
        for (Long id : claimed) {
            InboxMessage message = QuarkusTransaction.requiringNew().call(() -> InboxMessage.findById(id));
            Exchange result = producer.send("direct:" + flow, exchange -> {
                exchange.getMessage().setHeader(FlowHeaders.INBOX_ID, id);
                exchange.getMessage().setBody(message.payload);
            });
            if (!result.isFailed()) {
                done(id);
            }
        }
        return claimed.size();
    }

    void done(Long id) {
        Instant now = StoreTime.now();
        QuarkusTransaction.requiringNew().run(() -> InboxMessage.update(
                "status = ?1, processedAt = ?2, claimedUntil = null where id = ?3", InboxMessage.DONE, now, id));
    }

}
