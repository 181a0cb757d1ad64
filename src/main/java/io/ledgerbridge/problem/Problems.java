package io.ledgerbridge.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

/** Renders the failure of a Camel REST request, or of a request refused before any endpoint, as problem+json. */
@ApplicationScoped
@Named("problems")
public class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);
    private final ObjectMapper json;

    Problems(ObjectMapper json) {
        this.json = json;
    }

    public void render(Exchange exchange) throws JsonProcessingException {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Problem problem;
        if (failure instanceof ProblemException known) {
            problem = known.problem();
        } else {
            LOG.error("request failed", failure);
            problem = Problem.of(500, "internal", "Internal error",
                    "the request could not be processed; nothing was accepted");
        }
        String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        exchange.getMessage().setBody(json.writeValueAsString(path == null ? problem : problem.at(path)));
    }

    /** Answers a request refused by an HTTP handler (before any endpoint saw it) with the problem, at its path. */
    public void send(RoutingContext ctx, Problem problem) {
        try {
            ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem.at(ctx.request().path())));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
