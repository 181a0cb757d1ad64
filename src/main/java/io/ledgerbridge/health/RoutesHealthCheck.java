package io.ledgerbridge.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while every route that should run (auto-started) is started: a stopped flow takes no traffic. */
@Readiness
@ApplicationScoped
public class RoutesHealthCheck implements HealthCheck {

    private final CamelContext camel;

    RoutesHealthCheck(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public HealthCheckResponse call() {
        List<Route> routes = camel.getRoutes();
        List<String> notStarted = notStarted(camel);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("camel routes")
                .withData("routes", routes.size())
                .withData("started", routes.stream().filter(r -> camel.getRouteController()
                        .getRouteStatus(r.getRouteId()) == ServiceStatus.Started).count());
        if (!notStarted.isEmpty()) {
            response.withData("notStarted", String.join(", ", notStarted));
        }
        return response.status(camel.getStatus() == ServiceStatus.Started && notStarted.isEmpty()).build();
    }

    /** The routes that should run (auto-started) and do not, as {@code id=status}. */
    static List<String> notStarted(CamelContext camel) {
        return camel.getRoutes().stream()
                .filter(route -> route.isAutoStartup()
                        && camel.getRouteController().getRouteStatus(route.getRouteId()) != ServiceStatus.Started)
                .map(route -> route.getRouteId() + "=" + camel.getRouteController().getRouteStatus(route.getRouteId()))
                .toList();
    }
}
