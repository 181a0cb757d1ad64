package io.ledgerbridge.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.Exchange;

/** JSON of the flows' steps: a body that is not JSON is a VALIDATION failure of the record that carried it. */
@ApplicationScoped
public class FlowJson {

    private final ObjectMapper json;

    public FlowJson(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The JSON of a text the exchange carries (its body, or a property holding the canonical record), parsed once:
     * the steps of a flow read the same body one after another, and each parse (with its check of the text) is a
     * twentieth of a posting's CPU. The parse is reused only for the very same text object on the very same exchange
     * (a copy of the exchange, or any new body, is parsed again), and only by readers: the node must not be changed.
     */
    public JsonNode read(Exchange exchange, String text) {
        if (exchange.getProperty(PARSED) instanceof Parsed parsed && parsed.of(exchange, text)) {
            return parsed.node;
        }
        JsonNode node = read(text);
        exchange.setProperty(PARSED, new Parsed(exchange, text, node));
        return node;
    }

    /**
     * Like {@link #read(Exchange, String)} for a step that changes the record: the caller owns the node it gets
     * (the exchange forgets it, so no other step sees it half changed) and hands it back with
     * {@link #write(Exchange, JsonNode)}.
     */
    public JsonNode take(Exchange exchange, String text) {
        if (exchange.getProperty(PARSED) instanceof Parsed parsed && parsed.of(exchange, text)) {
            exchange.removeProperty(PARSED);
            return parsed.node;
        }
        return read(text);
    }

    /** The changed record as the text of the next body, remembered as the parse of that text. */
    public String write(Exchange exchange, JsonNode node) {
        String text = write(node);
        exchange.setProperty(PARSED, new Parsed(exchange, text, node));
        return text;
    }

    /** Exchange property: the body's one parse, shared by the steps that read it (FlowJson writes and reads it). */
    private static final String PARSED = "ledgerbridgeParsedJson";

    /** A text and its parse, valid only for the exchange that made it and that identical text object. */
    private record Parsed(Exchange exchange, String text, JsonNode node) {
        boolean of(Exchange candidate, String candidateText) {
            return exchange == candidate && text == candidateText;
        }

        @Override
        public String toString() {
            return "parsed JSON of the body";
        }
    }

    public JsonNode read(String body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new FlowFailure(ErrorClass.VALIDATION, "not JSON: " + e.getOriginalMessage());
        }
        String unfit = unfitText(node);
        if (unfit != null) {
            throw new FlowFailure(ErrorClass.VALIDATION, unfit);
        }
        return node;
    }

    /**
     * Text no ledger can keep as it was sent: a NUL character (U+0000; PostgreSQL refuses it in text) or an unpaired
     * surrogate (not Unicode; UTF-8 would turn it into '?'). Answers where and what, or null when all text is fit.
     */
    public static String unfitText(JsonNode node) {
        return unfitText(node, "");
    }

    private static String unfitText(JsonNode node, String pointer) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return unfit(node.textValue(), pointer.isEmpty() ? "/" : pointer);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unfitText(node.get(i), pointer + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                String found = unfit(field.getKey(), pointer + " (a field name)");
                if (found == null) {
                    found = unfitText(field.getValue(), pointer + "/" + field.getKey());
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String unfit(String text, String where) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "text at " + where + " contains a NUL character (U+0000), which no ledger keeps";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "text at " + where + " is not valid Unicode (an unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + ")";
            }
        }
        return null;
    }

    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether this is the object mapper the flows' JSON is read with. */
    public boolean readsWith(ObjectMapper mapper) {
        return json == mapper;
    }

    public ObjectNode object() {
        return json.createObjectNode();
    }
}
