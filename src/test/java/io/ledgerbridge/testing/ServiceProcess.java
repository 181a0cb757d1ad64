package io.ledgerbridge.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** The packaged service (target/quarkus-app) run as its own process, as an operator runs it; stopped by PID. */
public final class ServiceProcess implements AutoCloseable {

    private final Process process;
    /** Stops the process when the test JVM ends before close() (a timeout's SIGTERM, a hang detector's exit). */
    private final Thread stopWithTheTests;
    private final int port;
    private final int managementPort;
    private volatile Duration timeToReady;

    private ServiceProcess(Process process, int port, int managementPort) {
        this.process = process;
        this.stopWithTheTests = new Thread(process::destroyForcibly, "stop-service-" + process.pid());
        Runtime.getRuntime().addShutdownHook(stopWithTheTests);
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Starts the jar in the repository root (so routes/ and mappings/ are the operator's folders). */
    public static ServiceProcess start(Map<String, String> properties, Path log) throws IOException {
        return start(List.of("-Xmx512m"), properties, log);
    }

    /** Starts the jar with these JVM options (heap, GC) and system properties. */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> properties, Path log)
            throws IOException {
        return start(jvmOptions, Map.of(), properties, log);
    }

    /** Starts the jar with these JVM options, environment variables (e.g. MALLOC_ARENA_MAX) and system properties. */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> environment,
            Map<String, String> properties, Path log) throws IOException {
        return start(jvmOptions, environment, properties, log, null);
    }

    /**
     * Starts the jar in {@code directory} (null: the repository root), which then holds its relative folders: data/
     * of the embedded profile, and the routes/ and mappings/ it finds there.
     */
    public static ServiceProcess start(List<String> jvmOptions, Map<String, String> environment,
            Map<String, String> properties, Path log, Path directory) throws IOException {
        int port = freePort();
        int managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(Path.of(System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath()
                .toString());
        long launched = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        ServiceProcess service = new ServiceProcess(process, port, managementPort);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("the service exited; see " + log);
                        }
                        return service.ready();
                    });
        } catch (RuntimeException | Error notReady) {
            try {
                service.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw notReady;
        }
        service.timeToReady = Duration.ofNanos(System.nanoTime() - launched);
        return service;
    }

    /**
     * Settings of the cluster build against these servers: PostgreSQL ({@code db} as PostgresResource answers),
     * Kafka, the vendor stubs (Xero Projects as the ERP), {@code consumers} consumers of the approved-time topic and
     * the reference data of {@code seed}; schedules (Harvest poll, billing, reconciliation) off, admin API open.
     */
    public static Map<String, String> clusterSettings(Map<String, String> db, String bootstrap,
            Map<String, String> stubs, Path seed, int consumers) {
        Map<String, String> config = new java.util.HashMap<>(stubs);
        config.put("quarkus.profile", "cluster");
        config.put("LEDGERBRIDGE_DB_URL", db.get("quarkus.datasource.jdbc.url"));
        config.put("LEDGERBRIDGE_DB_USER", db.get("quarkus.datasource.username"));
        config.put("LEDGERBRIDGE_DB_PASSWORD", db.get("quarkus.datasource.password"));
        config.put("LEDGERBRIDGE_KAFKA_BOOTSTRAP", bootstrap);
        config.put("LEDGERBRIDGE_OIDC_ENABLED", "false");
        config.put("LEDGERBRIDGE_ERP_CONNECTOR", "xero");
        config.put("ledgerbridge.time.consumers", String.valueOf(consumers));
        config.put("ledgerbridge.sources.harvest.poll.enabled", "false");
        config.put("ledgerbridge.billing.schedule-enabled", "false");
        config.put("ledgerbridge.reconciliation.cron", "off");
        config.put("ledgerbridge.seed.reference-data", seed.toString());
        return config;
    }

    /** From launch to the first 200 of the readiness endpoint (polled every 50 ms). */
    public Duration timeToReady() {
        return timeToReady;
    }

    /** The operating system's process id (for /proc figures). */
    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Health, metrics and the OpenAPI document: the management interface's own port. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    boolean ready() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(managementUrl() + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopWithTheTests);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; the process is already gone
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
