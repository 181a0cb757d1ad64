package io.ledgerbridge.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * When each route last took a message from its consumer (and when it was last started): what tells a consumer that
 * waits for work from one that died with its thread (a timer whose thread an error ended keeps its route "Started"
 * and never fires again). One volatile write per exchange; every route gets it, reloaded ones too.
 */
@ApplicationScoped
public class RouteActivity {

    private final Map<String, Activity> byRoute = new ConcurrentHashMap<>();

    void install(@Observes BeforeConfigure configuring, CamelContext camel) {
        camel.addRoutePolicyFactory(new RoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
                Activity activity = new Activity();
                byRoute.put(routeId, activity);
                return activity;
            }
        });
    }

    /** The last start of the route or of one of its exchanges (System.nanoTime), or null for a route not seen. */
    public Long lastActive(String routeId) {
        Activity activity = byRoute.get(routeId);
        return activity == null ? null : Math.max(activity.started, activity.lastExchange);
    }

    static final class Activity extends RoutePolicySupport {
        volatile long started = System.nanoTime();
        volatile long lastExchange;

        @Override
        public void onStart(Route route) {
            started = System.nanoTime();
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            lastExchange = System.nanoTime();
        }
    }
}
