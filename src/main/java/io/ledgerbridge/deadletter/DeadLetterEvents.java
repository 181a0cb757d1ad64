package io.ledgerbridge.deadletter;

import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The store is the outbox of the dead-letter topic: dead letters not yet published are turned into CloudEvents
 * (JSON, with the error as extension attributes) and marked published once Kafka has acknowledged them; a dead
 * letter reopened by a failed replay is published again.
 */
@ApplicationScoped
@Named("deadLetterEvents")
public class DeadLetterEvents {

    /** Header with the id of the dead letter an event stands for. */
    public static final String DEAD_LETTER = "ledgerbridgeDeadLetter";

    private final ObjectMapper json;

    DeadLetterEvents(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Ids of dead letters waiting to be published, oldest first (at most 500). Plain SQL: asked every second, and
     * Hibernate translates an HQL query with a projection at every execution.
     */
    public List<Long> unpublished() {
        return QuarkusTransaction.requiringNew().call(() -> StoreSql.select("select id from dead_letter where "
                + "published_at is null order by id fetch first 500 rows only", row -> row.getLong(1)));
    }

    /** Replaces the body (a dead letter id) by its CloudEvent; the Kafka key is its business key. */
    public void toCloudEvent(Exchange exchange) throws JsonProcessingException {
        Long id = exchange.getMessage().getBody(Long.class);
        DeadLetter letter = QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>findById(id));
        ObjectNode event = json.createObjectNode();
        event.put("specversion", "1.0");
        event.put("id", "dead-letter-" + letter.id + "-" + letter.updatedAt.toEpochMilli());
        event.put("source", "/ledgerbridge/flows/" + letter.flow);
        event.put("type", letter.attempts > 1 && letter.createdAt.isBefore(letter.updatedAt)
                ? "io.ledgerbridge.deadletter.reopened" : "io.ledgerbridge.deadletter.opened");
        event.put("subject", letter.businessKey);
        event.put("time", letter.updatedAt.toString());
        event.put("datacontenttype", "application/json");
        event.put("deadletterid", letter.id);
        event.put("errorclass", letter.errorClass.name());
        event.put("errorstep", letter.step);
        event.put("errormessage", letter.errorMessage);
        event.put("attempts", letter.attempts);
        event.put("correlationid", letter.correlationId);
        event.set("data", payloadAsJson(letter.payload));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(DEAD_LETTER, id);
        exchange.getMessage().setHeader("kafka.KEY", letter.businessKey != null ? letter.businessKey : "dead-letter-" + id);
        exchange.getMessage().setHeader("content-type", "application/cloudevents+json");
        exchange.getMessage().setBody(json.writeValueAsString(event));
    }

    /** Marks the event's dead letter as published. */
    public void published(Exchange exchange) {
        Long id = exchange.getMessage().getHeader(DEAD_LETTER, Long.class);
        Instant now = StoreTime.now();
        QuarkusTransaction.requiringNew().run(() -> StoreSql.update("update dead_letter set published_at = ? where "
                + "id = ?", now, id));
    }

    private JsonNode payloadAsJson(String payload) {
        try {
            return json.readTree(payload);
        } catch (JsonProcessingException notJson) {
            return json.getNodeFactory().textNode(payload);
        }
    }
}
