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
 * Source webhooks are signed, with the time of signing: the sender puts {@code t=<unix seconds>,sha256=<hex>} in the
 * signature header (default {@code X-Ledgerbridge-Signature}), the hex being the HMAC-SHA256 of
 * {@code <t>.<raw body>} with the secret it shares with ledgerbridge — {@code ledgerbridge.webhooks.sources.<source
 * system>.secret}, else {@code ledgerbridge.webhooks.secret}. A call without a signature, with one that does not
 * match, or signed further from now than {@code ledgerbridge.webhooks.tolerance} (5 minutes, either way) is refused
 * with 401 before anything is read or kept: a captured call cannot be sent again later (within the window, the
 * record's idempotency key makes a repeat a no-op). A secret may list several, comma-separated, while senders move
 * to a new one (rotation): any of them signs. Without any secret configured, signatures are not checked (a warning at
 * start says so).
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
            throw refused("the call carries no " + header + " header: send t=<unix seconds>,sha256=<hex HMAC-SHA256 "
                    + "of <t>.<raw body>>");
        }
        Signature signature = Signature.parse(presented, header);
        long skew = Math.abs(java.time.Instant.now().getEpochSecond() - signature.signedAt());
        if (skew > config.tolerance().toSeconds()) {
            throw refused(header + " was signed " + skew + " s from now, more than ledgerbridge.webhooks.tolerance ("
                    + config.tolerance().toSeconds() + " s): sign each call when it is sent, with a clock in time");
        }
        byte[] signed = signed(signature.signedAt(), body == null ? new byte[0] : body);
        // constant time: how much of a guess matches is not told by how long the answer takes
        boolean matches = false;
        for (String each : key.get().split(",")) {
            if (!each.isBlank()) {
                matches |= MessageDigest.isEqual(sign(each.trim(), signed), signature.mac());
            }
        }
        if (!matches) {
            throw refused(header + " does not match: wrong secret, or the body or time changed after signing");
        }
    }

    /** What a sender signs: the time it gives, a dot, the raw body. */
    static byte[] signed(long signedAt, byte[] body) {
        byte[] prefix = (signedAt + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = java.util.Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return signed;
    }

    /** The signature header's parts: {@code t=<unix seconds>,sha256=<hex>}, in either order. */
    record Signature(long signedAt, byte[] mac) {

        static Signature parse(String value, String header) {
            Long signedAt = null;
            byte[] mac = null;
            for (String part : value.split(",")) {
                String[] pair = part.trim().split("=", 2);
                if (pair.length != 2) {
                    continue;
                }
                try {
                    switch (pair[0].trim()) {
                        case "t" -> signedAt = Long.parseLong(pair[1].trim());
                        case "sha256" -> mac = HexFormat.of().parseHex(pair[1].trim().toLowerCase());
                        default -> {
                            // other schemes a sender may add: not ours
                        }
                    }
                } catch (IllegalArgumentException notANumberOrHex) {
                    throw refused(header + " has a malformed " + pair[0].trim() + ": expected t=<unix seconds>,"
                            + "sha256=<hex>");
                }
            }
            if (signedAt == null) {
                throw refused(header + " has no t=<unix seconds>: the time of signing is signed with the body "
                        + "(t=<unix seconds>,sha256=<hex HMAC-SHA256 of <t>.<raw body>>)");
            }
            if (mac == null) {
                throw refused(header + " has no sha256=<hex>");
            }
            return new Signature(signedAt, mac);
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
