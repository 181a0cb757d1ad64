package io.ledgerbridge.mapping;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonata.JsonataComponent;
import org.apache.camel.component.jsonata.JsonataConstants;
import org.apache.camel.component.jsonata.JsonataEndpoint;
import org.apache.camel.component.jsonata.JsonataFrameBinding;
import org.apache.camel.component.jsonata.JsonataInputOutputType;
import org.apache.camel.support.ExchangeHelper;

/**
 * A {@link JsonataEndpoint} that evaluates compiled mappings. A compiled JSONata expression keeps state while it
 * evaluates, so it is used by one exchange at a time: idle ones wait in a queue, a busy endpoint compiles another.
 * Input and output are read and written exactly as Camel's endpoint does. Without content caching, or with a
 * mapping given in a header, Camel's own evaluation runs. Registered for reflection: Camel's generated option
 * configurer names Camel's class, so a route's options reach this subclass through its setters.
 */
@RegisterForReflection(fields = false)
public class CompiledJsonataEndpoint extends JsonataEndpoint {

    private final ObjectMapper mapper = new ObjectMapper();
    private final Queue<Jsonata> idle = new ConcurrentLinkedQueue<>();

    public CompiledJsonataEndpoint(String uri, JsonataComponent component, String resourceUri,
            JsonataFrameBinding frameBinding) {
        super(uri, component, resourceUri, frameBinding);
    }

    @Override
    protected void onExchange(Exchange exchange) throws Exception {
        if (!isContentCache() || isAllowTemplateFromHeader()
                && exchange.getIn().getHeader(JsonataConstants.JSONATA_RESOURCE_URI) != null) {
            super.onExchange(exchange);
            return;
        }
        Object input = getInputType() == JsonataInputOutputType.JsonString
                ? mapper.readValue(exchange.getIn().getBody(InputStream.class), Object.class)
                : mapper.convertValue(exchange.getIn().getBody(), Object.class);
        Jsonata expression = idle.poll();
        if (expression == null) {
            expression = compile();
        }
        Object result;
        if (getFrameBinding() == null) {
            // no frame of our own: jsonata 0.9.9 evaluating a reused expression with a new frame each time made every
            // later evaluation walk a longer chain of frames (slower and slower, then a StackOverflowError after some
            // ten thousand messages of one compiled mapping); without one it binds the input in the expression's own
            // environment, which is this exchange's alone while it holds the expression
            result = expression.evaluate(input);
        } else {
            Jsonata.Frame frame = expression.createFrame();
            getFrameBinding().bindToFrame(frame);
            result = expression.evaluate(input, frame);
        }
        idle.offer(expression); // only an expression that evaluated to the end is used again
        String json = isPrettyPrint() ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result)
                : mapper.writeValueAsString(result);
        ExchangeHelper.setInOutBodyPatternAware(exchange,
                getOutputType() == JsonataInputOutputType.JsonString ? json : mapper.readTree(json));
    }

    private Jsonata compile() throws Exception {
        try (InputStream mapping = getResourceAsInputStream()) {
            return Jsonata.jsonata(new String(mapping.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Also forgets the compiled mappings: the next message reads and compiles the mapping file again. */
    @Override
    public void clearContentCache() {
        super.clearContentCache();
        idle.clear();
    }
}
