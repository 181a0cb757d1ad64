package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for the test suites: the one named by LEDGERBRIDGE_TEST_JDBC_URL, else a Testcontainers
 * container when a Docker engine answers, else a private server started from Debian's binaries on a free port.
 * The container or private server is one per test JVM ({@link SharedServers}); each application the suite starts
 * gets a fresh database of its own on it, dropped when the application stops.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private final boolean own;
    private LocalServer local;
    private String adminUrl;
    private String database;

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
        if (own) {
            local = new LocalServer("local-postgres.sh", "postgres");
            String port = local.start("PORT");
            return config("jdbc:postgresql://127.0.0.1:" + port + "/ledgerbridge", "ledgerbridge", "ledgerbridge");
        }
        Map<String, String> server = SharedServers.get("postgres", PostgresResource::startShared);
        adminUrl = server.get("URL");
        database = "ledgerbridge_" + SharedServers.next("postgres.database");
        sql("create database " + database);
        return config(adminUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + database + "$1"), server.get("USER"), server.get("PASSWORD"));
    }

    /** The JVM's server: a container when a Docker engine answers, else a private server from Debian's binaries. */
    private static SharedServers.Started startShared() {
        if (LocalServer.dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine").withDatabaseName("postgres");
            container.start();
            return new SharedServers.Started(Map.of("URL", container.getJdbcUrl(), "USER", container.getUsername(),
                    "PASSWORD", container.getPassword()), container::stop);
        }
        LocalServer server = new LocalServer("local-postgres.sh", "postgres");
        String port = server.start("PORT");
        return new SharedServers.Started(Map.of("URL", "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "USER", "ledgerbridge", "PASSWORD", "ledgerbridge"), server.scriptedStop());
    }

    private void sql(String statement) {
        Map<String, String> server = SharedServers.get("postgres", PostgresResource::startShared);
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(adminUrl, server.get("USER"),
                server.get("PASSWORD")); java.sql.Statement st = connection.createStatement()) {
            st.execute(statement);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(statement + " failed on the shared test PostgreSQL: " + e.getMessage(), e);
        }
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
        if (database != null) {
            sql("drop database if exists " + database + " with (force)");
        }
        if (local != null) {
            local.stop();
        }
    }
}
