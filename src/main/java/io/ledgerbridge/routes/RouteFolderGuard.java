package io.ledgerbridge.routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.apache.camel.quarkus.main.events.BeforeConfigure;

/**
 * The route policy at start: Camel Main loads the routes folder right after this (and would build whatever its files
 * declare), so a folder with a file the policy refuses stops the start, naming each refusal, before any of it is
 * loaded. A reload and {@code POST /admin/routes/validate} check the same policy.
 */
@ApplicationScoped
public class RouteFolderGuard {

    void beforeRoutesLoad(@Observes BeforeConfigure configuring, RouteValidator validator) {
        List<RoutePolicy.Violation> refused = validator.refusals(validator.currentFiles());
        if (!refused.isEmpty()) {
            throw new IllegalStateException("The routes folder " + validator.location()
                    + " holds what a route file may not use; nothing of it was loaded:\n  "
                    + String.join("\n  ", refused.stream().map(RoutePolicy.Violation::toString).toList()));
        }
    }
}
