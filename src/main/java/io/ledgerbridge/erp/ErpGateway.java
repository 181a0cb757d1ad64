package io.ledgerbridge.erp;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.TargetRejected;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Named;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The ERP capabilities' way to the ERP system (routes/erp-capabilities.camel.yaml): the capability route
 * {@code erp-<capability>} calls {@link #capability}, which sends the exchange to the system's route
 * {@code <system>-<capability>} behind the circuit breaker (SmallRye Fault Tolerance). Failures of the
 * system count against the circuit, except rejections (4xx) and rate limits (429), which say nothing about the
 * ERP's health; while the circuit is open, calls fail at once with CircuitBreakerOpenException and the flow's error
 * policy backs off.
 * <p>
 * A 429 pauses every call to the ERP, not only the rejected one: the ERP's rate limit is per tenant, so no consumer
 * sends anything until the Retry-After it asked for has passed. When the circuit closes again after being open,
 * {@link Recovered} is fired (the outage's dead letters are then replayed, see AutoResolution).
 */
@ApplicationScoped
@Startup
@Named("erp")
public class ErpGateway {

    private static final Logger LOG = Logger.getLogger(ErpGateway.class);

    private final ProducerTemplate producer;
    private final CamelContext camel;
    private final String system;
    private final TypedGuard<Exchange> guard;
    private final long maximumPause;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
    /** When the circuit last opened (null while it has not opened since the last recovery). */
    private volatile Instant openedAt;
    /** System.nanoTime() before which nothing is sent: the ERP's last Retry-After. */
    private volatile long pausedUntil = System.nanoTime();
    private final Counter rateLimits;

    /** The circuit closed again: the ERP answered after being unavailable since {@code openedAt}. */
    public record Recovered(String connector, Instant openedAt, Instant closedAt) {
    }

    ErpGateway(ProducerTemplate producer, CamelContext camel, LedgerbridgeConfig config, Event<Recovered> recovered,
            MeterRegistry registry) {
        this.producer = producer;
        this.camel = camel;
        this.system = system(config.erp().connector());
        Gauge.builder("ledgerbridge.erp.circuit.open", this, gateway -> gateway.state == CircuitBreakerState.OPEN
                ? 1 : 0).description("1 while the ERP connector's circuit is open (calls fail at once)")
                .tag("connector", system).register(registry);
        this.rateLimits = Counter.builder("ledgerbridge.erp.rate.limited")
                .description("429 answers of the ERP: its call budget was spent; every call waits its Retry-After")
                .tag("connector", system).register(registry);
        this.maximumPause = config.retry().maximumRetryAfter();
        this.guard = TypedGuard.create(Exchange.class)
                .withDescription("ERP connector " + system)
                .withCircuitBreaker()
                .name("erp-" + system)
                .requestVolumeThreshold(config.circuit().requestVolumeThreshold())
                .failureRatio(config.circuit().failureRatio() / 100.0)
                .delay(config.circuit().delay(), ChronoUnit.MILLIS)
                .when(ErpGateway::saysTheErpIsDown)
                .onStateChange(changed -> {
                    state = changed;
                    log(changed, system);
                    if (changed == CircuitBreakerState.OPEN && openedAt == null) {
                        openedAt = Instant.now();
                    } else if (changed == CircuitBreakerState.CLOSED && openedAt != null) {
                        Instant since = openedAt;
                        openedAt = null;
                        recovered.fire(new Recovered(system, since, Instant.now()));
                    }
                })
                .done()
                .build();
    }

    /**
     * The ERP system of a connector setting: {@code xero} (also by its former name {@code xero-projects}) or
     * {@code file-outbox}, or another system with its own routes file.
     */
    static String system(String connector) {
        return "xero-projects".equals(connector) ? "xero" : connector;
    }

    /**
     * Performs an ERP capability on the ERP system: sends the exchange to its route {@code <system>-<capability>};
     * a failure is thrown to the calling flow. A system without that route fails the call as INTERNAL, naming it.
     */
    public void capability(Exchange exchange, String capability) throws Exception {
        String route = system + "-" + capability;
        if (!can(capability)) {
            throw new FlowFailure(ErrorClass.INTERNAL, "the ERP system " + system + " cannot " + capability
                    + ": no route " + route + " (routes/system-" + system + ".camel.yaml)");
        }
        call(exchange, "direct:" + route);
    }

    /** Whether the ERP system has a route for the capability (a file outbox cannot read invoices back). */
    public boolean can(String capability) {
        return camel.getRoute(system + "-" + capability) != null;
    }

    private void call(Exchange exchange, String route) throws Exception {
        awaitPause();
        guard.call(() -> {
            producer.send(route, exchange);
            Exception failure = exchange.getException();
            if (failure != null) {
                exchange.setException(null);
                if (failure instanceof FlowFailure rateLimited && rateLimited.errorClass() == ErrorClass.RATE_LIMITED) {
                    rateLimits.increment();
                    pause(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, 0L, Long.class));
                }
                throw failure;
            }
            return exchange;
        });
    }

    /** Nothing goes to the ERP for this long (its Retry-After); a longer pause already asked for stays. */
    void pause(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, maximumPause));
        synchronized (this) {
            if (until - pausedUntil > 0) {
                pausedUntil = until;
            }
        }
    }

    private void awaitPause() throws InterruptedException {
        long wait;
        while ((wait = pausedUntil - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /**
     * Whether a failure counts against the circuit. A rejection of the request (4xx) says nothing about the ERP's
     * health, and neither does a 429: the ERP answers, and asks to slow down; every call already waits its
     * Retry-After ({@link #pause}). Counting 429s would open the circuit in a rate-limit storm, hold back calls the
     * ERP's budget allows, and take the end of it for a recovery from an outage.
     */
    static boolean saysTheErpIsDown(Throwable failure) {
        if (failure instanceof TargetRejected) {
            return false;
        }
        return !(failure instanceof FlowFailure flowFailure && flowFailure.errorClass() == ErrorClass.RATE_LIMITED);
    }

    /** Whether the ERP's circuit is open: calls are refused until it lets a trial call through. */
    public boolean circuitOpen() {
        return state == CircuitBreakerState.OPEN;
    }

    private static void log(CircuitBreakerState state, String connector) {
        if (state == CircuitBreakerState.OPEN) {
            LOG.warnf("ERP connector %s: circuit OPEN, calls refused until the ERP answers again", connector);
        } else {
            LOG.infof("ERP connector %s: circuit %s", connector, state);
        }
    }
}
