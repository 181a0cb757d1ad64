package io.ledgerbridge.erp.businesscentral;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.TargetUnavailable;
import io.quarkus.oidc.client.runtime.AbstractTokensProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.Optional;

/**
 * Business Central access tokens by OAuth2 client credentials (a Microsoft Entra app registration with the
 * API.ReadWrite.All application permission), through the Quarkus OIDC client named {@code business-central}:
 * cached, and refreshed before they expire.
 */
@ApplicationScoped
@Named("businessCentralTokens")
public class BusinessCentralTokens extends AbstractTokensProducer {

    @Override
    protected Optional<String> clientId() {
        return Optional.of("business-central");
    }

    /** The value of the Authorization header of a Business Central call. */
    public String bearer() {
        try {
            return "Bearer " + awaitTokens().getAccessToken();
        } catch (RuntimeException tokenEndpointFailed) {
            throw new TargetUnavailable(ErrorClass.TARGET_UNAVAILABLE,
                    "no Business Central access token: " + tokenEndpointFailed.getMessage());
        }
    }
}
