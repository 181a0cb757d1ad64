package io.ledgerbridge.erp.xero;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.TargetUnavailable;
import io.quarkus.oidc.client.runtime.AbstractTokensProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Optional;

/**
 * Xero access tokens by OAuth2 client credentials (a Xero custom connection), through the Quarkus OIDC client
 * named {@code xero}: cached, and refreshed before they expire ({@code refresh-token-time-skew}).
 */
@ApplicationScoped
@Named("xeroTokens")
public class XeroTokens extends AbstractTokensProducer {

    @Override
    protected Optional<String> clientId() {
        return Optional.of("xero");
    }

    /** The value of the Authorization header of a Xero call. */
    public String bearer() {
        try {
            return "Bearer " + awaitTokens().getAccessToken();
        } catch (RuntimeException tokenEndpointFailed) {
            throw new TargetUnavailable(ErrorClass.TARGET_UNAVAILABLE,
                    "no Xero access token: " + tokenEndpointFailed.getMessage());
        }
    }
}
