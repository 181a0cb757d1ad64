package io.ledgerbridge.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ledgerbridge.flow.FlowJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.jsonvalidator.JsonValidatorComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The validator that validates the flow's shared parse of the body accepts and refuses exactly what Camel's own
 * endpoint does, with the same errors, and really validates the shared parse rather than parsing again.
 */
class ParsedJsonValidatorTest {

    static final String SCHEMA = "file:mappings/harvest/time-entry.schema.json";

    final ObjectMapper mapper = new ObjectMapper();
    final FlowJson json = new FlowJson(mapper);
    CamelContext camel;
    ProducerTemplate producer;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        // as in the service: the application's object mapper, which FlowJson reads with, is the registry's only one
        camel.getRegistry().bind("mapper", mapper);
        camel.addComponent("json-validator", new ParsedJsonValidatorComponent(json));
        camel.addComponent("camel-json-validator", new JsonValidatorComponent());
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void refusesWhatCamelsEndpointRefusesWithTheSameErrors() throws Exception {
        assertThat(camel.getEndpoint("json-validator:" + SCHEMA)).isInstanceOf(ParsedJsonValidatorEndpoint.class);
        String example = Files.readString(Path.of("mappings/examples/harvest-time-entry.json"));
        List<String> bodies = new ArrayList<>(List.of(example,
                example.replace("\"hours\": 1.5", "\"hours\": 25"),
                example.replace("\"hours\": 1.5", "\"hours\": \"1.5\""),
                example.replace("636709355", "\"636709355\""),
                "{}", "[]", "42", "\"text\"", "{\"id\":", "not json", ""));
        for (String body : bodies) {
            assertThat(outcome("json-validator:" + SCHEMA, body)).as(body)
                    .isEqualTo(outcome("camel-json-validator:" + SCHEMA, body));
        }
        assertThat(outcome("json-validator:" + SCHEMA, example)).isEqualTo("valid");
        assertThat(outcome("json-validator:" + SCHEMA, bodies.get(1))).contains("maximum");
    }

    @Test
    void validatesTheParseTheStepsShare() throws Exception {
        String valid = Files.readString(Path.of("mappings/examples/harvest-time-entry.json"));
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(valid);
        // a step has parsed this very body; the validator must judge that parse, not read the text again
        ((ObjectNode) json.read(exchange, valid)).put("hours", 99);
        producer.send("json-validator:" + SCHEMA, exchange);
        assertThat(exchange.getException()).as("the shared parse was validated").isNotNull()
                .hasMessageContaining("maximum");
    }

    @Test
    void anObjectMapperOfItsOwnOrAnotherOptionLeavesTheBodyToCamelsEndpoint() {
        assertThat(((ParsedJsonValidatorEndpoint) camel.getEndpoint("json-validator:" + SCHEMA)).takesTheSharedParse())
                .isTrue();
        camel.getRegistry().bind("another", new ObjectMapper());
        assertThat(((ParsedJsonValidatorEndpoint) camel.getEndpoint("json-validator:" + SCHEMA + "?objectMapper=#another"))
                .takesTheSharedParse()).isFalse();
        assertThat(((ParsedJsonValidatorEndpoint) camel.getEndpoint("json-validator:" + SCHEMA
                + "?enabledDeserializationFeatures=USE_BIG_DECIMAL_FOR_FLOATS")).takesTheSharedParse()).isFalse();
        assertThat(((ParsedJsonValidatorEndpoint) camel.getEndpoint("json-validator:" + SCHEMA + "?headerName=entry"))
                .takesTheSharedParse()).isFalse();
    }

    private String outcome(String uri, String body) {
        Exchange exchange = producer.send(uri, e -> e.getIn().setBody(body));
        Exception failure = exchange.getException();
        return failure == null ? "valid" : failure.getClass().getSimpleName() + ": "
                + failure.getMessage().replaceAll("Exchange\\[[^\\]]*\\]", "Exchange[…]");
    }
}
