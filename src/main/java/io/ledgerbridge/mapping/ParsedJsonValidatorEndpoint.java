package io.ledgerbridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowJson;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Set;
import org.apache.camel.Component;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidatorEndpoint;

/**
 * A {@link JsonValidatorEndpoint} that validates the parse of the body the flow's steps share ({@link FlowJson})
 * instead of parsing the body again: Camel's endpoint copies a text body into a stream cache and parses that, for
 * each of a flow's two validations. Only a text body with the endpoint's defaults takes this path (no header to
 * validate, no deserialization features, no object mapper of its own, the schema cached); anything else, and a body
 * that is not JSON (so that Camel says what is wrong with it, as before), is validated by Camel's endpoint.
 * Registered for reflection: Camel's generated option configurer names Camel's class, so a route's options reach
 * this subclass through its setters.
 */
@RegisterForReflection(fields = false)
public class ParsedJsonValidatorEndpoint extends JsonValidatorEndpoint {

    private final FlowJson json;
    private volatile JsonSchema schema;
    private boolean objectMapperGiven;

    public ParsedJsonValidatorEndpoint(String uri, Component component, String resourceUri, FlowJson json) {
        super(uri, component, resourceUri);
        this.json = json;
    }

    @Override
    protected void onExchange(Exchange exchange) throws Exception {
        if (!(exchange.getIn().getBody() instanceof String text) || text.isBlank() || !takesTheSharedParse()) {
            super.onExchange(exchange);
            return;
        }
        JsonNode node;
        try {
            node = json.read(exchange, text);
        } catch (FlowFailure notJson) {
            super.onExchange(exchange);
            return;
        }
        JsonSchema validator = schema();
        Set<ValidationMessage> errors = validator.validate(node);
        if (!errors.isEmpty()) {
            getErrorHandler().handleErrors(exchange, validator, errors);
        }
    }

    /** Whether a text body is validated as the flow's shared parse (else as Camel's endpoint reads it). */
    public boolean takesTheSharedParse() {
        return isContentCache() && getHeaderName() == null && !objectMapperGiven
                && getEnabledDeserializationFeatures() == null && getDisabledDeserializationFeatures() == null;
    }

    /**
     * Camel gives the endpoint the application's object mapper (the one {@link FlowJson} reads with); one of the
     * route's or the component's own reads the body its own way, and Camel's endpoint does that.
     */
    @Override
    public void setObjectMapper(com.fasterxml.jackson.databind.ObjectMapper objectMapper) {
        super.setObjectMapper(objectMapper);
        objectMapperGiven = objectMapper != null && !json.readsWith(objectMapper);
    }

    private JsonSchema schema() throws Exception {
        JsonSchema loaded = schema;
        if (loaded == null) {
            synchronized (this) {
                loaded = schema;
                if (loaded == null) {
                    loaded = getUriSchemaLoader().createSchema(getCamelContext(), getResourceUri());
                    schema = loaded;
                }
            }
        }
        return loaded;
    }

    /** Also forgets the loaded schema: the next message reads the schema file again. */
    @Override
    public void clearContentCache() {
        super.clearContentCache();
        schema = null;
    }
}
