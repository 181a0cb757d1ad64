package io.ledgerbridge.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The operator console's two HTTP details: {@code /console} opens the console's page, and the admin API's answers
 * to the console leave out the Basic challenge (a 401 there would make the browser open its own password dialog
 * over the console's sign-in form; the console signs in and out itself).
 */
@ApplicationScoped
public class ConsoleRoutes {

    /** Header the console's requests carry. */
    static final String CONSOLE_REQUEST = "ledgerbridge-console";

    void routes(@Observes Router router) {
        router.get("/console").handler(ctx -> {
            // Vert.x matches "/console/" here too: only the bare path is sent on to the page
            if ("/console".equals(ctx.normalizedPath())) {
                ctx.redirect("/console/");
            } else {
                ctx.next();
            }
        });
        router.route("/admin/*").order(-1000).handler(ctx -> {
            if (CONSOLE_REQUEST.equals(ctx.request().getHeader("X-Requested-With"))) {
                ctx.addHeadersEndHandler(done -> ctx.response().headers().remove("WWW-Authenticate"));
            }
            ctx.next();
        });
    }
}
