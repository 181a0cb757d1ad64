package io.ledgerbridge.erp;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.TargetRejected;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.temporal.ChronoUnit;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The circuit breaker in front of the configured ERP connector route (SmallRye Fault Tolerance). Failures of the
 * connector count against the circuit, except rejections (4xx) which say nothing about the ERP's health; while the
 * circuit is open, calls fail at once with CircuitBreakerOpenException and the flow's error policy backs off.
 */
@ApplicationScoped
@Named("erp")
public class ErpGateway {

    private static final Logger LOG = Logger.getLogger(ErpGateway.class);

    private final ProducerTemplate producer;
    private final String connectorUri;
    private final TypedGuard<Exchange> guard;
    private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;

    ErpGateway(ProducerTemplate producer, LedgerbridgeConfig config) {
        this.producer = producer;
        this.connectorUri = "direct:erp-" + config.erp().connector();
        this.guard = TypedGuard.create(Exchange.class)
                .withDescription("ERP connector " + config.erp().connector())
                .withCircuitBreaker()
                .name("erp-" + config.erp().connector())
                .requestVolumeThreshold(config.circuit().requestVolumeThreshold())
                .failureRatio(config.circuit().failureRatio() / 100.0)
                .delay(config.circuit().delay(), ChronoUnit.MILLIS)
                .skipOn(TargetRejected.class)
                .onStateChange(changed -> {
                    state = changed;
                    log(changed, config.erp().connector());
                })
                .done()
                .build();
    }

    /** Sends the exchange through the connector route; its failure is thrown to the calling flow. */
    public void post(Exchange exchange) throws Exception {
        call(exchange, connectorUri);
    }

    /** Sends the exchange to another route of the same ERP (its accounting API), behind the same circuit. */
    public void call(Exchange exchange, String route) throws Exception {
        guard.call(() -> {
            producer.send(route, exchange);
            Exception failure = exchange.getException();
            if (failure != null) {
                exchange.setException(null);
                throw failure;
            }
            return exchange;
        });
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
