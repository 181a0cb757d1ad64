package io.ledgerbridge.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /console} opens the console's page. (The admin API's answers to the console leave out the Basic challenge,
 * as they do to any browser: see {@link io.ledgerbridge.security.CrossSiteGuard}.)
 */
@ApplicationScoped
public class ConsoleRoutes {

    void routes(@Observes Router router) {
        router.get("/console").handler(ctx -> {
            // Vert.x matches "/console/" here too: only the bare path is sent on to the page
            if ("/console".equals(ctx.normalizedPath())) {
                ctx.redirect("/console/");
            } else {
                ctx.next();
            }
        });
    }
}
