package io.ledgerbridge.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

/** JSON of the flows' steps: a body that is not JSON is a VALIDATION failure of the record that carried it. */
@ApplicationScoped
public class FlowJson {

    private final ObjectMapper json;

    FlowJson(ObjectMapper json) {
        this.json = json;
    }

    public JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new FlowFailure(ErrorClass.VALIDATION, "not JSON: " + e.getOriginalMessage());
        }
    }

    public String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public ObjectNode object() {
        return json.createObjectNode();
    }
}
