package io.ledgerbridge.deadletter;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Remembers how many redeliveries the error policy made, for the dead letter (Camel drops its own counter). */
@ApplicationScoped
@Named("redeliveries")
public class RedeliveryCounter implements Processor {

    /** Exchange property with the number of redeliveries made so far. */
    public static final String REDELIVERIES = "ledgerbridgeRedeliveries";

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(REDELIVERIES, exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
    }
}
