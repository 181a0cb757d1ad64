package io.ledgerbridge.intake;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.Problems;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.RestRegistry;

/**
 * A request to a webhook's path that the webhook does not take is refused with what is wrong: another method
 * {@code 405} (with {@code Allow}), a body that is not JSON {@code 415}, as problem+json. Camel's REST routes match
 * on path, method and media type together; a request that misses on the method or the media type would otherwise
 * fall through to the admin API's router and be answered {@code 404}, as if the path did not exist. The webhooks
 * are read from Camel's REST registry at each such request, so routes reloaded by an operator count at once.
 */
@ApplicationScoped
public class WebhookRefusals {

    /** After Camel's REST routes (registered without an order), before Quarkus REST's own (10,000). */
    static final int ORDER = 9_000;

    private final CamelContext camel;
    private final Problems problems;

    WebhookRefusals(CamelContext camel, Problems problems) {
        this.camel = camel;
        this.problems = problems;
    }

    void routes(@Observes Router router) {
        router.route().order(ORDER).handler(this::refuse);
    }

    private void refuse(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        List<RestRegistry.RestService> webhooks = camel.getRestRegistry().listAllRestServices().stream()
                .filter(service -> path.equals(pathOf(service))).toList();
        if (webhooks.isEmpty()) {
            ctx.next();
            return;
        }
        String method = ctx.request().method().name();
        List<RestRegistry.RestService> sameMethod = webhooks.stream()
                .filter(service -> method.equalsIgnoreCase(service.getMethod())).toList();
        if (sameMethod.isEmpty()) {
            TreeSet<String> allowed = new TreeSet<>();
            webhooks.forEach(service -> allowed.add(service.getMethod().toUpperCase(Locale.ROOT)));
            ctx.response().putHeader(HttpHeaders.ALLOW, String.join(", ", allowed));
            problems.send(ctx, Problem.ofStatus(405, "Method not allowed",
                    path + " takes " + String.join(", ", allowed) + ", not " + method + "; nothing was accepted"));
            return;
        }
        String sent = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        TreeSet<String> taken = new TreeSet<>();
        sameMethod.forEach(service -> taken.add(service.getConsumes()));
        String type = sent == null ? "" : sent.split(";", 2)[0].trim();
        if (taken.contains(type)) {
            ctx.next(); // taken after all: not ours to refuse
            return;
        }
        // a media type is case-insensitive (RFC 9110), the webhook's match is not: said so, rather than "not found"
        String spelling = taken.contains(type.toLowerCase(Locale.ROOT)) ? " (send the type as written here)" : "";
        problems.send(ctx, Problem.ofStatus(415, "Unsupported media type",
                path + " takes " + String.join(", ", taken) + ", not " + (sent == null ? "a body without a Content-Type"
                        : sent) + spelling + "; nothing was accepted"));
    }

    private static String pathOf(RestRegistry.RestService service) {
        String base = service.getBasePath() == null ? "" : service.getBasePath();
        String template = service.getUriTemplate() == null ? "" : service.getUriTemplate();
        return (base + template).replaceAll("/{2,}", "/");
    }
}
