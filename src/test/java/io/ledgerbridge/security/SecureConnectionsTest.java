package io.ledgerbridge.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.agroal.api.AgroalDataSource;
import io.ledgerbridge.testing.SecureServers;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * The service on secured servers, configured as an operator configures the cluster profile: Kafka over SASL_SSL
 * (SCRAM-SHA-512, the broker's certificate checked against a CA) and PostgreSQL over TLS with {@code verify-full}.
 * The servers take nothing else, so a flow that works proves every client of the service is secured.
 */
@QuarkusTest
@TestProfile(SecureConnectionsTest.SecuredServers.class)
class SecureConnectionsTest {

    /** Secured Kafka and PostgreSQL instead of the suite's plain ones. */
    public static class SecuredServers implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecureServers.class));
        }
    }

    @Inject
    AgroalDataSource store;

    @Test
    void approvedTimeFlowsOverSaslSslKafkaIntoATlsStore() throws Exception {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "2", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Store.posted(entry, "2026-11-20T10:15:00Z"));

        try (Connection connection = store.getConnection();
                ResultSet ssl = connection.createStatement().executeQuery(
                        "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(ssl.next()).isTrue();
            assertThat(ssl.getBoolean("ssl")).as("the store's connections are encrypted").isTrue();
            assertThat(ssl.getString("version")).startsWith("TLSv1.");
        }
        // the readiness check's own Kafka client connects with the same settings
        given().get(io.ledgerbridge.testing.Management.url("/q/health/ready")).then().statusCode(200)
                .body("checks.find { it.name == 'kafka' }.status", is("UP"));
    }

    @Test
    void theServersTakeNoPlainOrWronglyAuthenticatedClient() {
        assertThatThrownBy(() -> DriverManager.getConnection(SecureServers.jdbcUrl() + "?sslmode=disable",
                "ledgerbridge", "ledgerbridge")).hasMessageContaining("no encryption");

        Map<String, Object> wrongPassword = new HashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SecureServers.secureBootstrap(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"ledgerbridge\" password=\"not-" + SecureServers.saslPassword() + "\";",
                "ssl.truststore.location", SecureServers.kafkaCa(), "ssl.truststore.type", "PEM",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        try (Admin admin = Admin.create(wrongPassword)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
