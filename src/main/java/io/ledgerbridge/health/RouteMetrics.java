package io.ledgerbridge.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;

/**
 * {@code ledgerbridge_routes_stopped}: how many routes that should run (auto-started) are not started, read at each
 * scrape; which ones, the readiness check at /q/health/ready names.
 */
@ApplicationScoped
@Startup
public class RouteMetrics {

    RouteMetrics(CamelContext camel, MeterRegistry registry) {
        Gauge.builder("ledgerbridge.routes.stopped", camel, context -> RoutesHealthCheck.notStarted(context).size())
                .description("Routes that should run and are not started (a stopped flow takes no traffic)")
                .register(registry);
    }
}
