package io.ledgerbridge.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request body over {@code quarkus.http.limits.max-body-size} is refused with a 413 problem+json, on every
 * endpoint: a declared length at once, before anything of the body is read, and a chunked body when the reading of
 * it passes the limit. Nothing past the limit is kept: what the client still sends is dropped, and the connection
 * closed (see {@link #answer}). The HTTP server's own refusals are the same statuses with an empty body; these
 * answer first and say what the limit is.
 */
@ApplicationScoped
public class BodyLimit {

    /** Before the HTTP server's own check of the declared length (route order -2), after its header filters. */
    private static final int ORDER = -3;
    private static final int TOO_LARGE = 413;
    private static final long LINGER_MS = 5_000;

    private final Problems problems;
    private final long limit;
    private final BodyHandler chunkedBody;

    BodyLimit(Problems problems, @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.problems = problems;
        this.limit = limit.asLongValue();
        this.chunkedBody = BodyHandler.create(false).setBodyLimit(this.limit);
    }

    void routes(@Observes Router router) {
        router.route().order(ORDER).handler(this::checkDeclaredLength).failureHandler(this::answerReadPastLimit);
    }

    private void checkDeclaredLength(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null && declaredLength(declared) > limit) {
            answer(ctx, "the request declares a body of " + declared + " bytes");
        } else if (declared == null && ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // read here, up to the limit: not every endpoint's own reading of a chunked body stops at it
            chunkedBody.handle(ctx);
        } else {
            ctx.next();
        }
    }

    private void answerReadPastLimit(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        if (ctx.statusCode() == TOO_LARGE && !response.headWritten()) {
            answer(ctx, "the request's body passed that while it was read");
        } else {
            ctx.next();
        }
    }

    /**
     * Answers, then closes the connection. A body the client is still sending is read and dropped until it ends, for
     * at most {@link #LINGER_MS} (as a web server's lingering close): closing with unread data resets the
     * connection, and the client could lose the answer before it has read it. A client that waits for
     * {@code 100 Continue} has sent no body: its connection is closed at once.
     */
    private void answer(RoutingContext ctx, String what) {
        HttpServerRequest request = ctx.request();
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        if (request.isEnded() || request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
            ctx.response().endHandler(sent -> request.connection().close());
        } else {
            long lingering = ctx.vertx().setTimer(LINGER_MS, late -> request.connection().close());
            request.handler(dropped -> { }).endHandler(ended -> {
                ctx.vertx().cancelTimer(lingering);
                request.connection().close();
            });
            request.resume();
        }
        problems.send(ctx, Problem.ofStatus(TOO_LARGE, "Request body too large", what
                + "; the largest body taken is " + limit + " bytes (LEDGERBRIDGE_MAX_BODY_SIZE); nothing was accepted"));
    }

    /** The declared length; one that is not a number is left for the HTTP server to refuse. */
    private static long declaredLength(String declared) {
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
