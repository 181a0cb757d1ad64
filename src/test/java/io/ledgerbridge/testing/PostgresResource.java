package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for the test suites: the one named by LEDGERBRIDGE_TEST_JDBC_URL, else a Testcontainers
 * container when a Docker engine answers, else a private server started from Debian's binaries on a free port.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private final boolean own;
    private PostgreSQLContainer container;
    private LocalServer local;

    public PostgresResource() {
        this(false);
    }

    private PostgresResource(boolean own) {
        this.own = own;
    }

    /** Always a private server of this run (never a given one or a container): one that {@link #restart} can restart. */
    public static PostgresResource ownServer() {
        return new PostgresResource(true);
    }

    @Override
    public Map<String, String> start() {
        String given = own ? null : System.getenv("LEDGERBRIDGE_TEST_JDBC_URL");
        if (given != null && !given.isBlank()) {
            return config(given, env("LEDGERBRIDGE_TEST_DB_USER", "ledgerbridge"),
                    env("LEDGERBRIDGE_TEST_DB_PASSWORD", "ledgerbridge"));
        }
        if (!own && LocalServer.dockerAvailable()) {
            container = new PostgreSQLContainer("postgres:15-alpine").withDatabaseName("ledgerbridge");
            container.start();
            return config(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        local = new LocalServer("local-postgres.sh", "postgres");
        String port = local.start("PORT");
        return config("jdbc:postgresql://127.0.0.1:" + port + "/ledgerbridge", "ledgerbridge", "ledgerbridge");
    }

    private static Map<String, String> config(String url, String user, String password) {
        return Map.of("quarkus.datasource.jdbc.url", url, "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Stops the private server, keeps it down this long, and starts it again on the same port with the same data. */
    public void restart(java.time.Duration down) {
        if (local == null) {
            throw new IllegalStateException("only a private server of this run can be restarted (see ownServer())");
        }
        local.restart(down);
    }

    @Override
    public void stop() {
        if (container != null) {
            container.stop();
        }
        if (local != null) {
            local.stop();
        }
    }
}
