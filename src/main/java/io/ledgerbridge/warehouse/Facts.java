package io.ledgerbridge.warehouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * The warehouse feed: every canonical fact as a versioned CloudEvent (type {@code io.ledgerbridge.fact.<fact>.v1},
 * {@code dataschema} its JSON Schema under mappings/schemas/facts/), keyed by its subject. A fact is recorded in the
 * transaction that makes it (the outbox, {@link FactEvent}) and published by routes/warehouse-feed.camel.yaml to
 * {@code ledgerbridge.events.facts}; the period extract ({@link Extracts}) holds the same rows.
 */
@ApplicationScoped
@Named("facts")
public class Facts {

    /** Header: the Kafka key of a published fact (its subject), on each message unpublished() answers. */
    public static final String KEY = "kafka.KEY";
    /** Exchange property: the ids of the facts being sent by the feed, marked published once all are acknowledged. */
    public static final String PUBLISHING = "ledgerbridgeFactsPublishing";
    /** Exchange property: whether the feed's last batch was full, so another may be waiting. */
    public static final String MORE = "ledgerbridgeFactsMore";
    /** Facts sent in one batch by the feed. */
    static final int BATCH = 500;
    /** Where the facts' schemas are published: the dataschema of each event. */
    public static final String SCHEMAS = "https://ledgerbridge.io/schemas/facts/";

    private final ObjectMapper json;

    Facts(ObjectMapper json) {
        this.json = json;
    }

    /** Records a fact in the caller's transaction, to be published after it commits. */
    public void record(String fact, String subject, Map<String, String> row) {
        event(fact, subject, row).persist();
    }

    /**
     * Records facts in the caller's transaction as one JDBC batch (each made by {@link #event}), to be published after
     * it commits: the completions of a group commit record one per posted entry.
     */
    public void recordAll(List<FactEvent> events) {
        StoreSql.insertAll("fact_event", "fact, subject, data, created_at", events,
                e -> new Object[] {e.fact, e.subject, e.data, e.createdAt});
    }

    /** A new fact of {@code row} about {@code subject}, not yet recorded. */
    public FactEvent event(String fact, String subject, Map<String, String> row) {
        FactEvent event = new FactEvent();
        event.fact = fact;
        event.subject = subject.length() <= 200 ? subject : subject.substring(0, 200);
        try {
            event.data = json.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        event.createdAt = StoreTime.now();
        return event;
    }

    /**
     * The facts not yet published, oldest first (at most {@value #BATCH}), as one message each: its CloudEvent
     * (structured, JSON), keyed by its subject. The Kafka producer sends the list as one batch and waits for every
     * acknowledgement; {@link #published} then marks them all. Their ids are kept in {@link #PUBLISHING}, and
     * {@link #MORE} says whether the batch was full. No body (null) when every fact is published.
     */
    public List<Message> unpublished(Exchange exchange) {
        // plain SQL: the feed runs after every group of completions, and Hibernate's query and binding of 500
        // entities cost several times the driver's read of them (JFR of OutboxFlowBench)
        List<FactEvent> facts = QuarkusTransaction.requiringNew().call(() -> StoreSql.select(
                "select id, fact, subject, data, created_at from fact_event where published_at is null order by id "
                        + "fetch first " + BATCH + " rows only", row -> {
                            FactEvent fact = new FactEvent();
                            fact.id = row.getLong("id");
                            fact.fact = row.getString("fact");
                            fact.subject = row.getString("subject");
                            fact.data = row.getString("data");
                            fact.createdAt = StoreSql.instant(row, "created_at");
                            return fact;
                        }));
        exchange.setProperty(PUBLISHING, facts.stream().map(fact -> fact.id).toList());
        exchange.setProperty(MORE, facts.size() == BATCH);
        List<Message> events = new ArrayList<>(facts.size());
        for (FactEvent fact : facts) {
            Message event = new DefaultMessage(exchange);
            event.setHeader(KEY, fact.subject);
            event.setBody(cloudEvent(fact));
            events.add(event);
        }
        return events.isEmpty() ? null : events;
    }

    private String cloudEvent(FactEvent fact) {
        try {
            ObjectNode event = json.createObjectNode();
            event.put("specversion", "1.0");
            event.put("id", "fact-" + fact.id);
            event.put("source", "/ledgerbridge/facts");
            event.put("type", "io.ledgerbridge.fact." + fact.fact + ".v" + Extracts.VERSION);
            event.put("subject", fact.subject);
            event.put("time", fact.createdAt.toString());
            event.put("datacontenttype", "application/json");
            event.put("dataschema", SCHEMAS + fact.fact + ".schema.json");
            event.set("data", json.readTree(fact.data));
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The facts just sent (every one acknowledged) are published: one update for the batch. */
    public void published(Exchange exchange) {
        List<?> ids = exchange.getProperty(PUBLISHING, List.class);
        if (ids == null || ids.isEmpty()) {
            return;
        }
        Instant now = StoreTime.now();
        // as SQL: Hibernate translates an update with a list of 500 ids again at every execution
        QuarkusTransaction.requiringNew().run(() -> StoreSql.update(
                "update fact_event set published_at = ? where id = any (?)", now, ids));
    }
}
