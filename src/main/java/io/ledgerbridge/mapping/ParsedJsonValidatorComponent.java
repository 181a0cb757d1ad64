package io.ledgerbridge.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.FlowJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.jsonvalidator.JsonValidatorComponent;
import org.apache.camel.support.CamelContextHelper;

/**
 * Camel's {@code json-validator:} component, registered under its own name so the routes keep their URIs and
 * options, whose endpoints validate the parse of the body that the flow's steps share instead of parsing the body
 * again ({@link ParsedJsonValidatorEndpoint}). The endpoint is made as Camel's component makes it.
 */
@ApplicationScoped
@Named("json-validator")
public class ParsedJsonValidatorComponent extends JsonValidatorComponent {

    private final FlowJson json;

    ParsedJsonValidatorComponent(FlowJson json) {
        this.json = json;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ParsedJsonValidatorEndpoint endpoint = new ParsedJsonValidatorEndpoint(uri, this, remaining, json);
        if (getObjectMapper() != null) {
            endpoint.setObjectMapper(CamelContextHelper.lookup(getCamelContext(), getObjectMapper(), ObjectMapper.class));
        } else if (isUseDefaultObjectMapper()) {
            endpoint.setObjectMapper(CamelContextHelper.findSingleByType(getCamelContext(), ObjectMapper.class));
        }
        endpoint.setContentCache(isContentCache());
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
