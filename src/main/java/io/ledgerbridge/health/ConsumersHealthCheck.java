package io.ledgerbridge.health;

import io.ledgerbridge.store.BackgroundWorker;
import io.ledgerbridge.store.Instances;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Live and ready only while the workers the flows run on work: every started timer route fired within three periods
 * (plus its delay and a grace), every in-memory queue (seda) is being taken from, the instance heartbeat runs, and the
 * store has not refused the heartbeat for longer than {@code ledgerbridge.health.store-outage}. A dead consumer's
 * route is restarted, a stopped heartbeat started again; the check says DOWN for what it found, so a worker that
 * cannot be brought back gets the pod restarted by its liveness probe.
 */
@Liveness
@Readiness
@ApplicationScoped
public class ConsumersHealthCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ConsumersHealthCheck.class);

    private final CamelContext camel;
    private final RouteActivity activity;
    private final Instances instances;
    private final Duration grace;
    private final Duration storeOutage;
    private final Set<String> restarting = ConcurrentHashMap.newKeySet();
    private final ExecutorService restarts = BackgroundWorker.named("ledgerbridge-consumer-restarts");

    ConsumersHealthCheck(CamelContext camel, RouteActivity activity, Instances instances,
            @ConfigProperty(name = "ledgerbridge.health.consumer-grace") Duration grace,
            @ConfigProperty(name = "ledgerbridge.health.store-outage") Duration storeOutage) {
        this.camel = camel;
        this.activity = activity;
        this.instances = instances;
        this.grace = grace;
        this.storeOutage = storeOutage;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> dead = new ArrayList<>();
        long now = System.nanoTime();
        for (Route route : camel.getRoutes()) {
            String id = route.getRouteId();
            if (camel.getRouteController().getRouteStatus(id) != ServiceStatus.Started
                    || camel.getInflightRepository().size(id) > 0 || restarting.contains(id)) {
                continue; // stopped (readiness says so), busy, or being restarted
            }
            Long last = activity.lastActive(id);
            String why = last == null ? null : stalled(route.getEndpoint(), Duration.ofNanos(now - last));
            if (why != null) {
                dead.add(id + ": " + why);
                restart(id, why);
            }
        }
        String heartbeat = instances.heartbeatStopped();
        if (heartbeat != null) {
            dead.add("instance heartbeat: " + heartbeat);
        }
        Duration refusing = instances.storeRefusingFor();
        if (refusing != null && refusing.compareTo(storeOutage) > 0) {
            dead.add("store: has refused the heartbeat for " + refusing.toSeconds() + " s");
        }
        HealthCheckResponseBuilder response = HealthCheckResponse.named("flow consumers").status(dead.isEmpty());
        if (!dead.isEmpty()) {
            response.withData("stalled", String.join("; ", dead));
        }
        return response.build();
    }

    /** Why a consumer that is idle for {@code idle} has stopped working, or null while it works or waits for work. */
    private String stalled(Endpoint endpoint, Duration idle) {
        if (endpoint instanceof TimerEndpoint timer && timer.getPeriod() > 0 && timer.getRepeatCount() <= 0) {
            Duration allowed = Duration.ofMillis(timer.getDelay() + 3 * timer.getPeriod()).plus(grace);
            return idle.compareTo(allowed) > 0 ? "the timer has not fired for " + idle.toMillis() + " ms (period "
                    + timer.getPeriod() + " ms)" : null;
        }
        if (endpoint instanceof SedaEndpoint seda && seda.getCurrentQueueSize() > 0 && idle.compareTo(grace) > 0) {
            return seda.getCurrentQueueSize() + " message(s) wait in the queue and none was taken for "
                    + idle.toMillis() + " ms";
        }
        return null;
    }

    private void restart(String routeId, String why) {
        if (!restarting.add(routeId)) {
            return;
        }
        LOG.errorf("Route %s: %s; restarting it", routeId, why);
        restarts.execute(() -> {
            try {
                camel.getRouteController().stopRoute(routeId);
                camel.getRouteController().startRoute(routeId);
            } catch (Exception failed) {
                LOG.errorf(failed, "Route %s could not be restarted; the liveness probe reports it", routeId);
            } finally {
                restarting.remove(routeId);
            }
        });
    }
}
