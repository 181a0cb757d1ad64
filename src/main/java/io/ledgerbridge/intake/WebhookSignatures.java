package io.ledgerbridge.intake;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

/**
 * Source webhooks are signed: the sender puts {@code sha256=<hex HMAC-SHA256 of the raw body>} in the signature
 * header (default {@code X-Ledgerbridge-Signature}) with the secret it shares with ledgerbridge —
 * {@code ledgerbridge.webhooks.sources.<source system>.secret}, else {@code ledgerbridge.webhooks.secret}. A call without a
 * signature, or with one that does not match, is refused with 401 before anything is read or kept. Without any
 * secret configured, signatures are not checked (a warning at start says so).
 */
@ApplicationScoped
@Named("webhookSignatures")
public class WebhookSignatures {

    private static final Logger LOG = Logger.getLogger(WebhookSignatures.class);
    private static final String ALGORITHM = "HmacSHA256";

    private final LedgerbridgeConfig.Webhooks config;
    private final String header;
    private final Optional<String> secret;

    WebhookSignatures(LedgerbridgeConfig config) {
        this.config = config.webhooks();
        this.header = this.config.signatureHeader();
        this.secret = this.config.secret().filter(s -> !s.isBlank());
    }

    void warnWhenUnsigned(@Observes StartupEvent start) {
        if (secret.isEmpty()) {
            LOG.warn("ledgerbridge.webhooks.secret is not set: source webhooks are accepted without a signature "
                    + "(set LEDGERBRIDGE_WEBHOOKS_SECRET, or one per source system, for anything but a laptop)");
        }
    }

    /** Refuses the call (401) unless its signature matches the raw body; keeps the body readable for what follows. */
    public void verify(Exchange exchange) {
        Message in = exchange.getMessage();
        String source = in.getHeader(FlowHeaders.SOURCE_SYSTEM, String.class);
        Optional<String> key = Optional.ofNullable(source).map(config.sources()::get)
                .flatMap(LedgerbridgeConfig.Webhooks.Source::secret).filter(s -> !s.isBlank()).or(() -> secret);
        if (key.isEmpty()) {
            return;
        }
        byte[] body = in.getBody(byte[].class);
        in.setBody(body);
        String presented = in.getHeader(header, String.class);
        if (presented == null || presented.isBlank()) {
            throw refused("the call carries no " + header + " header: sign the raw body with HMAC-SHA256 and send "
                    + "sha256=<hex>");
        }
        byte[] expected = sign(key.get(), body == null ? new byte[0] : body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(presented.trim().replaceFirst("^sha256=", "").toLowerCase());
        } catch (IllegalArgumentException notHex) {
            throw refused(header + " is not sha256=<hex>");
        }
        // constant time: how much of a guess matches is not told by how long the answer takes
        if (!MessageDigest.isEqual(expected, given)) {
            throw refused(header + " does not match the body: wrong secret, or the body changed after signing");
        }
    }

    private static ProblemException refused(String detail) {
        return new ProblemException(Problem.of(401, "bad-signature", "Webhook signature not accepted", detail));
    }

    static byte[] sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }
}
