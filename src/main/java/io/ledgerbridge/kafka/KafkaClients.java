package io.ledgerbridge.kafka;

import io.ledgerbridge.config.LedgerbridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.quarkus.core.events.ComponentAddEvent;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The one place Kafka connection security is decided: the Camel Kafka component (every route's consumer and
 * producer) and the service's own clients (health check, topic replay) connect with the same bootstrap servers,
 * TLS trust and SASL credentials, all from {@code ledgerbridge.kafka.*} (environment or Secrets in the cluster).
 */
@ApplicationScoped
public class KafkaClients {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    private final LedgerbridgeConfig.Kafka kafka;

    KafkaClients(LedgerbridgeConfig config) {
        this.kafka = config.kafka();
    }

    /** Settings for a Kafka client of our own: bootstrap servers and security. */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.putAll(security());
        return properties;
    }

    /** The Camel Kafka component connects as our own clients do. */
    void configure(@Observes ComponentAddEvent added) {
        if (!(added.getComponent() instanceof KafkaComponent component)) {
            return;
        }
        Map<String, String> security = security();
        KafkaConfiguration configuration = component.getConfiguration();
        configuration.setSecurityProtocol(security.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
        if (security.containsKey(SaslConfigs.SASL_MECHANISM)) {
            configuration.setSaslMechanism(security.get(SaslConfigs.SASL_MECHANISM));
            configuration.setSaslJaasConfig(security.get(SaslConfigs.SASL_JAAS_CONFIG));
        }
        if (security.containsKey(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG)) {
            configuration.setSslEndpointAlgorithm(security.get(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG));
            configuration.setSslTruststoreLocation(security.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG));
            configuration.setSslTruststoreType(security.get(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG));
            configuration.setSslTruststorePassword(security.get(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG));
            configuration.setSslKeystoreLocation(security.get(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG));
            configuration.setSslKeystoreType(security.get(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG));
            configuration.setSslKeystorePassword(security.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG));
            configuration.setSslKeyPassword(security.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG));
        }
    }

    /** The security settings, checked: a protocol that needs credentials without them fails the start, naming them. */
    Map<String, String> security() {
        String protocol = kafka.securityProtocol().trim().toUpperCase(java.util.Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalStateException("ledgerbridge.kafka.security-protocol is " + kafka.securityProtocol()
                    + ": use one of " + PROTOCOLS);
        }
        Map<String, String> security = new LinkedHashMap<>();
        security.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (protocol.startsWith("SASL_")) {
            LedgerbridgeConfig.Kafka.Sasl sasl = kafka.sasl();
            String username = sasl.username().filter(u -> !u.isBlank()).orElseThrow(() -> new IllegalStateException(
                    protocol + " needs ledgerbridge.kafka.sasl.username (LEDGERBRIDGE_KAFKA_SASL_USERNAME)"));
            String password = sasl.password().filter(p -> !p.isEmpty()).orElseThrow(() -> new IllegalStateException(
                    protocol + " needs ledgerbridge.kafka.sasl.password (LEDGERBRIDGE_KAFKA_SASL_PASSWORD)"));
            String mechanism = sasl.mechanism().trim().toUpperCase(java.util.Locale.ROOT);
            String module = switch (mechanism) {
                case "SCRAM-SHA-512", "SCRAM-SHA-256" -> "org.apache.kafka.common.security.scram.ScramLoginModule";
                case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
                default -> throw new IllegalStateException("ledgerbridge.kafka.sasl.mechanism is " + sasl.mechanism()
                        + ": use SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN");
            };
            security.put(SaslConfigs.SASL_MECHANISM, mechanism);
            security.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuoted(username)
                    + "\" password=\"" + jaasQuoted(password) + "\";");
        }
        if (protocol.endsWith("SSL")) {
            LedgerbridgeConfig.Kafka.Tls tls = kafka.tls();
            security.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, tls.verifyHostname() ? "https" : "");
            tls.truststore().ifPresent(truststore -> {
                security.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore);
                security.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, tls.truststoreType());
                tls.truststorePassword().ifPresent(p -> security.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, p));
            });
            tls.keystore().ifPresent(keystore -> {
                security.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore);
                security.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, tls.keystoreType());
                tls.keystorePassword().ifPresent(p -> security.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, p));
            });
        }
        return security;
    }

    /** A value inside a JAAS double-quoted string: backslashes and quotes escaped. */
    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
