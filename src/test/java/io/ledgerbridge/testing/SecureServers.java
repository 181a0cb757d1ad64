package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker that takes clients on SASL_SSL only (SCRAM-SHA-512) and a PostgreSQL that takes TCP connections over
 * TLS only, both with certificates of a throwaway test CA; the service under test is pointed at them with the
 * settings an operator gives the cluster profile. Always local servers (a container would need its own TLS setup).
 */
public class SecureServers implements QuarkusTestResourceLifecycleManager {

    private static volatile Map<String, String> kafkaPrinted;
    private static volatile String postgresPort;
    private static volatile String password;
    private LocalServer kafka;
    private LocalServer postgres;

    @Override
    public Map<String, String> start() {
        kafka = new LocalServer("local-kafka.sh", "secure-kafka", Map.of("LOCAL_KAFKA_SECURE", "1"));
        postgres = new LocalServer("local-postgres.sh", "secure-postgres", Map.of("LOCAL_PG_TLS", "1"));
        kafkaPrinted = kafka.startAll();
        Map<String, String> postgresPrinted = postgres.startAll();
        postgresPort = postgres.required(postgresPrinted, "PORT");
        try {
            password = Files.readString(Path.of(kafka.required(kafkaPrinted, "SASL_PASSWORD_FILE")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the variables an operator sets for the cluster profile (application.properties reads them)
        return Map.ofEntries(
                Map.entry("ledgerbridge.kafka.bootstrap-servers", secureBootstrap()),
                Map.entry("LEDGERBRIDGE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                Map.entry("LEDGERBRIDGE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
                Map.entry("LEDGERBRIDGE_KAFKA_SASL_USERNAME", "ledgerbridge"),
                Map.entry("LEDGERBRIDGE_KAFKA_SASL_PASSWORD", password),
                Map.entry("LEDGERBRIDGE_KAFKA_TRUSTSTORE", kafkaCa()),
                Map.entry("quarkus.datasource.jdbc.url", jdbcUrl()),
                Map.entry("quarkus.datasource.username", "ledgerbridge"),
                Map.entry("quarkus.datasource.password", "ledgerbridge"),
                Map.entry("LEDGERBRIDGE_DB_SSLMODE", "verify-full"),
                Map.entry("LEDGERBRIDGE_DB_SSLROOTCERT", postgres.required(postgresPrinted, "CA")));
    }

    /** The broker's SASL_SSL listener. */
    public static String secureBootstrap() {
        return kafkaPrinted.get("SECURE_BOOTSTRAP");
    }

    /** The CA certificate (PEM) the broker's certificate is signed with. */
    public static String kafkaCa() {
        return kafkaPrinted.get("CA");
    }

    /** The SCRAM password of user {@code ledgerbridge}. */
    public static String saslPassword() {
        return password;
    }

    /** The TLS-only PostgreSQL, by the host name its certificate names. */
    public static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgresPort + "/ledgerbridge";
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }
}
