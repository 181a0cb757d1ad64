package io.ledgerbridge.problem;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * A request whose body has not fully arrived within {@code ledgerbridge.http.body-timeout} (30 s) of its headers is
 * answered 408 problem+json and its connection closed. The HTTP server's idle timeout only ends a connection that
 * sends nothing: a client trickling a byte every few seconds kept its connection, and the request's buffers, for as
 * long as it liked, and a few hundred such clients held the service. Nothing of such a request is taken. With
 * {@code quarkus.http.limits.max-connections}, which closes connections past the cap at once, this bounds what slow
 * clients can hold.
 */
@ApplicationScoped
public class BodyDeadline {

    private static final Logger LOG = Logger.getLogger(BodyDeadline.class);
    /** First of the routes: the clock runs from the request's headers, before any handler reads its body. */
    private static final int ORDER = -4;
    private static final int TIMEOUT = 408;

    private final Problems problems;
    private final long deadlineMillis;

    BodyDeadline(Problems problems, LedgerbridgeConfig config) {
        this.problems = problems;
        this.deadlineMillis = config.http().bodyTimeout().toMillis();
    }

    void routes(@Observes Router router) {
        router.route().order(ORDER).handler(this::watch);
    }

    private void watch(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // only a request that sends a body: one without is answered whenever its endpoint is done (a reload waits
        // for messages in flight), and an endpoint that reads no body leaves such a request "not ended" for good
        if (declaresBody(request) && !request.isEnded()) {
            long timer = ctx.vertx().setTimer(deadlineMillis, late -> refuseUnfinished(ctx));
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
        }
        ctx.next();
    }

    /**
     * Whether the whole body has come. {@code isEnded()} alone does not say: an endpoint that has read the declared
     * length may leave the end of the request unread (the request stays "not ended" while its endpoint runs).
     */
    private static boolean arrived(HttpServerRequest request) {
        if (request.isEnded()) {
            return true;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length != null && request.bytesRead() >= Long.parseLong(length.trim());
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    private static boolean declaresBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !"0".equals(length.trim());
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private void refuseUnfinished(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (arrived(request) || ctx.response().headWritten() || ctx.response().closed()) {
            return;
        }
        LOG.debugf("%s %s from %s: the body did not arrive within %d ms, refused", request.method(), request.path(),
                request.remoteAddress(), deadlineMillis);
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(sent -> request.connection().close());
        problems.send(ctx, Problem.ofStatus(TIMEOUT, "Request body too slow", "the request's body did not arrive "
                + "within " + deadlineMillis / 1000.0 + " s of its headers (ledgerbridge.http.body-timeout); nothing "
                + "was accepted and the connection is closed"));
    }
}
