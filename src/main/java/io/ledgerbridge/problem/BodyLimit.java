package io.ledgerbridge.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The refusal of a declared body over {@code quarkus.http.limits.max-body-size} as problem+json (Quarkus' own check
 * answers a bare 413): it comes from the Content-Length alone, before the body is sent (a client that asked
 * {@code Expect: 100-continue} sends none of it), and the connection is closed after the answer. A body sent in chunks
 * without a declared length that passes the limit is still refused by Quarkus while it is read, with a bare 413.
 */
@ApplicationScoped
public class BodyLimit {

    /** Runs just before Quarkus' own check of the declared length (its order is -2). */
    static final int ORDER = -3;

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit, ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void routes(@Observes Router router) {
        if (limit.isEmpty()) {
            return;
        }
        long bytes = limit.get().asLongValue();
        router.route().order(ORDER).handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null && declared.chars().allMatch(Character::isDigit) && declared.length() < 19
                    && Long.parseLong(declared) > bytes) {
                refuse(ctx, "the request declares a body of " + declared + " bytes");
            } else {
                ctx.next();
            }
        });
    }

    private void refuse(RoutingContext ctx, String what) {
        Problem problem = Problem.of(413, "body-too-large", "Request body too large", what
                + "; the largest body taken is " + limit.get().asLongValue() + " bytes (quarkus.http.limits.max-body-size,"
                + " LEDGERBRIDGE_MAX_BODY_SIZE)").at(ctx.request().path());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(closed -> ctx.request().connection().close());
        ctx.response().end(body);
    }
}
