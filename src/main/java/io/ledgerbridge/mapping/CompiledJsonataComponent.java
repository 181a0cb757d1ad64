package io.ledgerbridge.mapping;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.jsonata.JsonataComponent;
import org.apache.camel.component.jsonata.JsonataEndpoint;

/**
 * Camel's {@code jsonata:} component, registered under its own name so the routes keep their URIs and options, with
 * one difference: a mapping is compiled once per worker thread and kept while the endpoint's content is cached
 * (contentCache, the default), instead of being parsed again for every message. Camel 4.17 parses the mapping
 * on each exchange, which the bulk-replay profile showed as a tenth of a replay's CPU.
 */
@ApplicationScoped
@Named("jsonata")
public class CompiledJsonataComponent extends JsonataComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        // Camel's own endpoint takes the component-level options (contentCache, frameBinding, allowTemplateFromHeader)
        JsonataEndpoint configured = (JsonataEndpoint) super.createEndpoint(uri, remaining, parameters);
        CompiledJsonataEndpoint endpoint = new CompiledJsonataEndpoint(uri, this, remaining, configured.getFrameBinding());
        endpoint.setContentCache(configured.isContentCache());
        endpoint.setAllowTemplateFromHeader(configured.isAllowTemplateFromHeader());
        endpoint.setResourceUri(configured.getResourceUri());
        return endpoint;
    }
}
