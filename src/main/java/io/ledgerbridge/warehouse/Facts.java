package io.ledgerbridge.warehouse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The warehouse feed: every canonical fact as a versioned CloudEvent (type {@code io.ledgerbridge.fact.<fact>.v1},
 * {@code dataschema} its JSON Schema under mappings/schemas/facts/), keyed by its subject. A fact is recorded in the
 * transaction that makes it (the outbox, {@link FactEvent}) and published by routes/warehouse-feed.camel.yaml to
 * {@code ledgerbridge.events.facts}; the period extract ({@link Extracts}) holds the same rows.
 */
@ApplicationScoped
@Named("facts")
public class Facts {

    /** Header: the Kafka key of a published fact (its subject); toCloudEvent writes it. */
    public static final String KEY = "kafka.KEY";
    /** Where the facts' schemas are published: the dataschema of each event. */
    public static final String SCHEMAS = "https://ledgerbridge.io/schemas/facts/";

    private final ObjectMapper json;

    Facts(ObjectMapper json) {
        this.json = json;
    }

    /** Records a fact in the caller's transaction, to be published after it commits. */
    public void record(String fact, String subject, Map<String, String> row) {
        FactEvent event = new FactEvent();
        event.fact = fact;
        event.subject = subject.length() <= 200 ? subject : subject.substring(0, 200);
        try {
            event.data = json.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        event.createdAt = StoreTime.now();
        event.persist();
    }

    /** The facts not yet published, oldest first (at most 500). */
    public List<Long> unpublished() {
        return QuarkusTransaction.requiringNew().call(() -> FactEvent.<FactEvent>find("publishedAt is null order by id")
                .page(0, 500).list().stream().map(e -> e.id).toList());
    }

    /** Replaces the body (a fact event id) by its CloudEvent (structured, JSON); the key is its subject. */
    public void toCloudEvent(Exchange exchange) throws JsonProcessingException {
        Long id = exchange.getMessage().getBody(Long.class);
        FactEvent fact = QuarkusTransaction.requiringNew().call(() -> FactEvent.<FactEvent>findById(id));
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
        exchange.getMessage().setHeader(KEY, fact.subject);
        exchange.setProperty(FactEvent.class.getName(), fact.id);
        exchange.getMessage().setBody(json.writeValueAsString(event));
    }

    /** The fact just sent is published. */
    public void published(Exchange exchange) {
        Long id = exchange.getProperty(FactEvent.class.getName(), Long.class);
        QuarkusTransaction.requiringNew().run(() -> FactEvent.update("publishedAt = ?1 where id = ?2",
                StoreTime.now(), id));
    }
}
