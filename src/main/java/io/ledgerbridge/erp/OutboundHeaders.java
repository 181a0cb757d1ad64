package io.ledgerbridge.erp;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/** Lets only the headers a vendor API needs leave ledgerbridge; internal headers never reach a vendor. */
@ApplicationScoped
@Named("outboundHeaders")
public class OutboundHeaders implements HeaderFilterStrategy {

    private static final Set<String> ALLOWED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        ALLOWED.addAll(Set.of("Authorization", "Xero-Tenant-Id", "Idempotency-Key", "Content-Type", "Accept",
                "Harvest-Account-Id", "User-Agent", "If-Match",
                // a Business Central $batch runs as one transaction
                "Isolation"));
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ALLOWED.contains(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return "Set-Cookie".equalsIgnoreCase(headerName);
    }
}
