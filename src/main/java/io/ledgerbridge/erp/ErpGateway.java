package io.ledgerbridge.erp;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.erp.budget.CallBudgets;
import io.ledgerbridge.legalentity.LegalEntities;
import io.ledgerbridge.legalentity.LegalEntities.ErpLedger;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The ERP capabilities' way to the ERP (routes/erp-capabilities.camel.yaml): the capability route
 * {@code erp-<capability>} calls {@link #capability}, which finds the ERP ledger of the record's legal entity
 * (header {@link ErpCall#LEGAL_ENTITY}, mappings/entities.json; none: the default ERP), tells the system route the
 * account (headers {@link ErpCall#ERP_ACCOUNT}, {@link ErpCall#ERP_ENVIRONMENT}) and sends the exchange to the
 * system's route {@code <system>-<capability>} behind that ledger's circuit breaker (SmallRye Fault Tolerance).
 * Each ledger has its own circuit and its own pause: one ERP account down or out of calls holds back no other. The
 * account's call budget ({@link CallBudgets}) lets at most its {@code concurrent} calls through at once, and the
 * system's API routes take a token of it before each call, in the turn of header {@link ErpCall#CALL_PRIORITY}.
 * Failures of the ledger count against its circuit, except rejections (4xx) and rate limits (429), which say nothing
 * about the ERP's health; while the circuit is open, calls fail at once with CircuitBreakerOpenException and the
 * flow's error policy backs off.
 * <p>
 * A 429 pauses every call to the ledger, not only the rejected one: the ERP's rate limit is per account, so no
 * consumer sends anything to it until the Retry-After it asked for has passed. When a circuit closes again after
 * being open, {@link Recovered} is fired (the outage's dead letters are then replayed, see AutoResolution).
 */
@ApplicationScoped
@Startup
@Named("erp")
public class ErpGateway {

    private static final Logger LOG = Logger.getLogger(ErpGateway.class);

    private final ProducerTemplate producer;
    private final CamelContext camel;
    private final LegalEntities entities;
    private final CallBudgets budgets;
    private final LedgerbridgeConfig config;
    private final Event<Recovered> recovered;
    private final MeterRegistry registry;
    private final long maximumPause;
    private final Map<String, Ledger> ledgers = new ConcurrentHashMap<>();

    /** The circuit of a ledger closed again: its ERP answered after being unavailable since {@code openedAt}. */
    public record Recovered(String connector, Instant openedAt, Instant closedAt) {
    }

    ErpGateway(ProducerTemplate producer, CamelContext camel, LedgerbridgeConfig config, LegalEntities entities,
            CallBudgets budgets, Event<Recovered> recovered, MeterRegistry registry) {
        this.budgets = budgets;
        this.producer = producer;
        this.camel = camel;
        this.config = config;
        this.entities = entities;
        this.recovered = recovered;
        this.registry = registry;
        this.maximumPause = config.retry().maximumRetryAfter();
        entities.ledgers().forEach(this::ledger);
    }

    /** One ledger's circuit and pause. */
    private final class Ledger {
        final ErpLedger ledger;
        final String label;
        final TypedGuard<Exchange> guard;
        final Counter rateLimits;
        volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
        /** When the circuit last opened (null while it has not opened since the last recovery). */
        volatile Instant openedAt;
        /** System.nanoTime() before which nothing is sent: the ledger's last Retry-After. */
        volatile long pausedUntil = System.nanoTime();

        Ledger(ErpLedger ledger) {
            this.ledger = ledger;
            this.label = "default".equals(ledger.name()) ? ledger.system() : ledger.system() + " of " + ledger.name();
            Gauge.builder("ledgerbridge.erp.circuit.open", this, l -> l.state == CircuitBreakerState.OPEN ? 1 : 0)
                    .description("1 while the ERP ledger's circuit is open (calls fail at once)")
                    .tag("connector", ledger.system()).tag("ledger", ledger.name()).register(registry);
            this.rateLimits = Counter.builder("ledgerbridge.erp.rate.limited")
                    .description("429 answers of the ERP: its call budget was spent; every call waits its Retry-After")
                    .tag("connector", ledger.system()).tag("ledger", ledger.name()).register(registry);
            this.guard = TypedGuard.create(Exchange.class)
                    .withDescription("ERP " + label)
                    .withCircuitBreaker()
                    .name("default".equals(ledger.name()) ? "erp-" + ledger.system()
                            : "erp-" + ledger.system() + "-" + ledger.name())
                    .requestVolumeThreshold(config.circuit().requestVolumeThreshold())
                    .failureRatio(config.circuit().failureRatio() / 100.0)
                    .delay(config.circuit().delay(), ChronoUnit.MILLIS)
                    .when(ErpGateway::saysTheErpIsDown)
                    .onStateChange(changed -> {
                        state = changed;
                        log(changed, label);
                        if (changed == CircuitBreakerState.OPEN && openedAt == null) {
                            openedAt = Instant.now();
                        } else if (changed == CircuitBreakerState.CLOSED && openedAt != null) {
                            Instant since = openedAt;
                            openedAt = null;
                            recovered.fire(new Recovered(label, since, Instant.now()));
                        }
                    })
                    .done()
                    .build();
        }

        /** Nothing goes to the ledger for this long (its Retry-After); a longer pause already asked for stays. */
        void pause(long millis) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, maximumPause));
            synchronized (this) {
                if (until - pausedUntil > 0) {
                    pausedUntil = until;
                }
            }
        }

        void awaitPause() throws InterruptedException {
            long wait;
            while ((wait = pausedUntil - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    private Ledger ledger(ErpLedger ledger) {
        return ledgers.computeIfAbsent(ledger.name(), name -> new Ledger(ledger));
    }

    /**
     * Performs an ERP capability in the ledger of the exchange's legal entity: sends the exchange to the system's
     * route {@code <system>-<capability>}; a failure is thrown to the calling flow. A system without that route fails
     * the call as INTERNAL, naming it.
     */
    public void capability(Exchange exchange, String capability) throws Exception {
        ErpLedger erp = entities.ledger(exchange.getMessage().getHeader(ErpCall.LEGAL_ENTITY, String.class));
        String route = erp.system() + "-" + capability;
        // the route's status, not getRoute: that copies the list of all routes (about 140) on every call
        if (camel.getRouteController().getRouteStatus(route) == null) {
            throw new FlowFailure(ErrorClass.INTERNAL, "the ERP system " + erp.system() + " cannot " + capability
                    + ": no route " + route + " (routes/system-" + erp.system() + ".camel.yaml)");
        }
        Message in = exchange.getMessage();
        in.setHeader(ErpCall.ERP_ACCOUNT, erp.account());
        in.setHeader(ErpCall.ERP_ENVIRONMENT, erp.environment());
        in.setHeader(ErpCall.CALL_PRIORITY, config.erp().priorities().getOrDefault(capability, 50)
                + (in.getHeader(FlowHeaders.REPLAY_OF) != null ? config.erp().replayPriorityOffset() : 0));
        boolean entered = budgets.enter(erp.system(), erp.account());
        try {
            call(ledger(erp), exchange, "direct:" + route);
        } finally {
            if (entered) {
                budgets.release(erp.system(), erp.account());
            }
        }
    }

    /** Whether the ERP of the legal entity (null: the default ERP) has a route for the capability. */
    public boolean can(String entity, String capability) {
        return camel.getRouteController().getRouteStatus(entities.ledger(entity).system() + "-" + capability) != null;
    }

    private void call(Ledger ledger, Exchange exchange, String route) throws Exception {
        ledger.awaitPause();
        ledger.guard.call(() -> {
            producer.send(route, exchange);
            Exception failure = classified(exchange.getException());
            if (failure != null) {
                exchange.setException(null);
                if (failure instanceof FlowFailure rateLimited && rateLimited.errorClass() == ErrorClass.RATE_LIMITED) {
                    ledger.rateLimits.increment();
                    ledger.pause(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY, 0L, Long.class));
                }
                throw failure;
            }
            return exchange;
        });
    }

    /**
     * The classified failure inside a failure a system route's EIP wrapped (a split of batches or lines answers a
     * CamelExchangeException caused by it), so that the circuit, the rate-limit pause and the flow see its class.
     */
    static Exception classified(Exception failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FlowFailure flowFailure) {
                return flowFailure;
            }
        }
        return failure;
    }

    /**
     * Whether a failure counts against the circuit. A rejection of the request (4xx) says nothing about the ERP's
     * health, and neither does a 429: the ERP answers, and asks to slow down; every call already waits its
     * Retry-After ({@link Ledger#pause}). Counting 429s would open the circuit in a rate-limit storm, hold back calls
     * the ERP's budget allows, and take the end of it for a recovery from an outage.
     */
    static boolean saysTheErpIsDown(Throwable failure) {
        if (failure instanceof TargetRejected) {
            return false;
        }
        return !(failure instanceof FlowFailure flowFailure && flowFailure.errorClass() == ErrorClass.RATE_LIMITED);
    }

    /**
     * Whether every ledger's circuit is open: nothing can reach any ERP until one lets a trial call through. (With
     * one ledger open and another not, a call to the open one fails at once and its flow's error policy backs off.)
     */
    public boolean circuitOpen() {
        return !ledgers.isEmpty() && ledgers.values().stream().allMatch(l -> l.state == CircuitBreakerState.OPEN);
    }

    private static void log(CircuitBreakerState state, String ledger) {
        if (state == CircuitBreakerState.OPEN) {
            LOG.warnf("ERP %s: circuit OPEN, calls refused until the ERP answers again", ledger);
        } else {
            LOG.infof("ERP %s: circuit %s", ledger, state);
        }
    }
}
