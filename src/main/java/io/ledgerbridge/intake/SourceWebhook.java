package io.ledgerbridge.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.Problem.FieldError;
import io.ledgerbridge.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Screens a source webhook call before anything is accepted: malformed JSON is a 400, a schema violation in any
 * record a 422 naming every failing field, and records not in the state the flow takes (not approved, not won) are
 * answered as ignored. The route names the source system (header {@code ledgerbridgeSourceSystem}) and the record
 * type ({@link #RECORD}); that system's descriptor ({@link Sources}) gives the schema, the field that must be true
 * for the flow to take a record, and the id field ({@link #KEY_FIELD}, also the record's Kafka key).
 */
@ApplicationScoped
@Named("sourceWebhook")
public class SourceWebhook {

    /** Exchange property with the records answered as ignored. */
    public static final String IGNORED = "ledgerbridgeIgnored";
    /** Largest record taken in (it travels as one Kafka record, whose broker limit is 1 MiB by default). */
    public static final int MAX_RECORD_BYTES = 512 * 1024;
    /** Exchange property: the record type the webhook takes (time-entry, expense, ...; source-webhook writes it). */
    public static final String RECORD = "ledgerbridgeSourceRecord";
    /** Exchange property: the record's id field, its Kafka key (screen writes it from the source's descriptor). */
    public static final String KEY_FIELD = "ledgerbridgeKeyField";
    /** Why a record that fails {@link #ACCEPT_WHEN} is ignored, in the words of the flow. */
    public static final String IGNORED_BECAUSE = "ledgerbridgeIgnoredBecause";

    private final ObjectMapper json;
    private final ProducerTemplate producer;
    private final Sources sources;
    private final String mappings;

    private final int maxRecords;

    SourceWebhook(ObjectMapper json, ProducerTemplate producer, Sources sources,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings,
            @ConfigProperty(name = "ledgerbridge.webhooks.max-records") int maxRecords) {
        this.json = json;
        this.producer = producer;
        this.sources = sources;
        this.mappings = mappings;
        this.maxRecords = maxRecords;
    }

    /** Returns the records the flow takes, each as its own JSON document; sets {@link #IGNORED}. */
    public List<String> screen(String body, Exchange exchange) throws JsonProcessingException {
        Sources.SourceRecord source = sources.of(exchange.getMessage().getHeader(FlowHeaders.SOURCE_SYSTEM,
                String.class), exchange.getProperty(RECORD, String.class));
        String sourceSchema = "json-validator:" + mappings + "/" + source.schema();
        String acceptWhen = source.acceptWhen();
        String keyField = source.idField();
        exchange.setProperty(KEY_FIELD, keyField);
        refuseTooManyRecords(body);
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body is not valid JSON: " + e.getOriginalMessage() + (e.getLocation() == null ? ""
                            : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())));
        }
        if (root == null || root.isMissingNode() || !(root.isObject() || root.isArray())) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid records",
                    "the body must be one record (a JSON object) or an array of them"));
        }
        List<JsonNode> entries = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(entries::add);
        } else {
            entries.add(root);
        }
        List<FieldError> errors = new ArrayList<>();
        List<String> approved = new ArrayList<>();
        ArrayNode ignored = json.createArrayNode();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String prefix = root.isArray() ? "/" + i : "";
            List<FieldError> entryErrors = validate(sourceSchema, entry, prefix);
            String unfit = io.ledgerbridge.flow.FlowJson.unfitText(entry);
            if (unfit != null) {
                entryErrors.add(new FieldError(prefix.isEmpty() ? "/" : prefix, unfit));
            }
            int size = json.writeValueAsBytes(entry).length;
            if (size > MAX_RECORD_BYTES) {
                entryErrors.add(new FieldError(prefix.isEmpty() ? "/" : prefix, "the record is " + size
                        + " bytes of JSON; one record may have at most " + MAX_RECORD_BYTES));
            }
            if (!entryErrors.isEmpty()) {
                errors.addAll(entryErrors);
            } else if (acceptWhen != null && !entry.path(acceptWhen).asBoolean(false)) {
                ObjectNode skipped = ignored.addObject();
                skipped.set("id", entry.get(keyField));
                skipped.put("reason", exchange.getProperty(IGNORED_BECAUSE, "not taken by this flow", String.class)
                        + " (" + acceptWhen + " is " + entry.path(acceptWhen).asText("absent") + ")");
            } else {
                approved.add(json.writeValueAsString(entry));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.of(422, "validation", "Invalid records",
                    errors.size() + " field(s) fail the schema " + source.schema()
                            + "; nothing was accepted").withErrors(errors));
        }
        exchange.setProperty(IGNORED, ignored);
        return approved;
    }

    /**
     * Counts the records of an array body as a stream, without building them, and refuses more than
     * {@code ledgerbridge.webhooks.max-records} with a 413 (a body that is not JSON is left to the parse that names
     * where it breaks).
     */
    private void refuseTooManyRecords(String body) {
        if (body == null) {
            return;
        }
        try (com.fasterxml.jackson.core.JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
                return;
            }
            int records = 0;
            while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                parser.skipChildren();
                if (++records > maxRecords) {
                    throw new ProblemException(Problem.of(413, "too-many-records", "Too many records",
                            "the body holds more than " + maxRecords + " records; send at most " + maxRecords
                                    + " per request (ledgerbridge.webhooks.max-records); nothing was accepted"));
                }
            }
        } catch (java.io.IOException notJson) {
            // the parse below answers it, naming the line and column
        }
    }

    /** The answer to the sender: what was accepted and what was ignored, with the reason. */
    public String receipt(Exchange exchange) throws JsonProcessingException {
        ObjectNode receipt = json.createObjectNode();
        List<?> accepted = exchange.getProperty(FlowHeaders.ACCEPTED, List.class);
        ArrayNode acceptedIds = receipt.putArray("accepted");
        if (accepted != null) {
            for (Object entry : accepted) {
                acceptedIds.add(json.readTree(entry.toString()).get(exchange.getProperty(KEY_FIELD, "id", String.class)));
            }
        }
        receipt.set("ignored", exchange.getProperty(IGNORED, ArrayNode.class));
        receipt.put("status", "accepted for delivery");
        return json.writeValueAsString(receipt);
    }

    /** The Kafka key of a record: its source id, so that its versions stay in order. */
    public String keyOf(String entry, Exchange exchange) throws JsonProcessingException {
        return json.readTree(entry).path(exchange.getProperty(KEY_FIELD, "id", String.class)).asText();
    }

    private List<FieldError> validate(String sourceSchema, JsonNode entry, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        try {
            producer.requestBody(sourceSchema, entry);
        } catch (org.apache.camel.CamelExecutionException failed) {
            if (failed.getCause() instanceof JsonValidationException invalid) {
                for (ValidationMessage message : invalid.getErrors()) {
                    String pointer = prefix + pointerOf(message);
                    errors.add(new FieldError(pointer.isEmpty() ? "/" : pointer, message.getMessage()));
                }
            } else {
                throw failed;
            }
        }
        return errors;
    }

    private static String pointerOf(ValidationMessage message) {
        String location = message.getInstanceLocation() == null ? "" : message.getInstanceLocation().toString();
        // networknt reports "$.user.id"; a missing property is reported on its parent with the property name
        String pointer = location.replaceFirst("^\\$", "").replace('.', '/').replaceAll("\\[(\\d+)]", "/$1");
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            pointer = pointer + "/" + message.getProperty();
        }
        return pointer;
    }
}
