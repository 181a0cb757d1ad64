package io.ledgerbridge.flow;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.EnumSet;
import java.util.Set;
import org.apache.camel.Exchange;

/** The error policy's one question to Java: is this failure worth another attempt? */
@ApplicationScoped
@Named("errorClasses")
public class ErrorClasses {

    private static final Set<ErrorClass> RETRYABLE = EnumSet.of(ErrorClass.TARGET_UNAVAILABLE, ErrorClass.RATE_LIMITED);

    /** Whether the exchange's failure is TARGET_UNAVAILABLE or RATE_LIMITED. */
    public boolean retryable(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return failure != null && RETRYABLE.contains(FlowFailure.classify(failure));
    }
}
