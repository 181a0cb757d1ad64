package io.ledgerbridge.security;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.Problems;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Set;

/**
 * No other web site can make a browser change anything through the admin API (cross-site request forgery).
 *
 * <p>A browser sends the credentials it holds for this service (Basic credentials typed into its prompt, a client
 * certificate) with a form or a {@code fetch} from any other site, but only as a "simple" request: a POST of a form,
 * of text/plain, or of nothing. So a state-changing admin call (POST, PUT, PATCH, DELETE under {@code /admin}) must
 * show that it is not one: a Content-Type other than the three a form can send (application/json, application/yaml
 * for route files; an empty JSON body is fine), or an {@code X-Requested-With} header, as the console sends. A
 * browser asks this service before sending either cross-site, and the service never agrees (no CORS). A request
 * the browser itself labels cross-site ({@code Sec-Fetch-Site: cross-site}) is refused whatever it carries.
 *
 * <p>And a browser is never asked for Basic credentials: an answer 401 to a request a browser sent (it carries
 * {@code Sec-Fetch-Mode} or {@code X-Requested-With}) has no {@code WWW-Authenticate: Basic}, so no browser opens its
 * password dialog and keeps what was typed into it; API clients (curl, scripts) still get the challenge.
 */
@ApplicationScoped
public class CrossSiteGuard {

    /** Before the admin API's resources and before authentication (which is lazy: proactive auth is off). */
    private static final int ORDER = -1000;
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    /** The media types an HTML form (or a fetch without a preflight) can send. */
    private static final Set<String> SIMPLE_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data",
            "text/plain");
    static final String REQUESTED_WITH = "X-Requested-With";

    private final Problems problems;

    CrossSiteGuard(Problems problems) {
        this.problems = problems;
    }

    void routes(@Observes Router router) {
        router.route("/admin/*").order(ORDER).handler(this::guard);
    }

    private void guard(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.getHeader(REQUESTED_WITH) != null || request.getHeader("Sec-Fetch-Mode") != null) {
            ctx.addHeadersEndHandler(done -> ctx.response().headers().remove("WWW-Authenticate"));
        }
        if (READS.contains(request.method())) {
            ctx.next();
            return;
        }
        if ("cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"))) {
            problems.send(ctx, Problem.of(403, "cross-site-request", "Cross-site request refused",
                    "the browser says this request comes from another site; the admin API changes nothing for "
                            + "another site's pages"));
            return;
        }
        if (request.getHeader(REQUESTED_WITH) == null && !sentByScript(request.getHeader("Content-Type"))) {
            problems.send(ctx, Problem.of(415, "json-required", "Send JSON",
                    "a call that changes something needs Content-Type: application/json (an empty body is fine; "
                            + "application/yaml for route files) or an X-Requested-With header; a form, text/plain "
                            + "or no Content-Type is refused, since another site's page could send those with your "
                            + "browser's credentials"));
            return;
        }
        ctx.next();
    }

    /** A Content-Type no HTML form can send, so the request came from a script or a client the service allowed. */
    private static boolean sentByScript(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return !mediaType.isEmpty() && !SIMPLE_TYPES.contains(mediaType);
    }
}
