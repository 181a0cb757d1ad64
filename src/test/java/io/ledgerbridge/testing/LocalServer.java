package io.ledgerbridge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server started by one of the scripts in src/test/servers, in its own folder, stopped by its PID. */
final class LocalServer {

    private final String script;
    private final Path folder;
    private final Map<String, String> environment;

    LocalServer(String script, String name) {
        this(script, name, Map.of());
    }

    /** A server whose script reads these environment variables (e.g. {@code LOCAL_PG_TLS=1}). */
    LocalServer(String script, String name, Map<String, String> environment) {
        this.environment = environment;
        this.script = "src/test/servers/" + script;
        try {
            Path base = Path.of("target", "servers");
            Files.createDirectories(base);
            this.folder = Files.createTempDirectory(base.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server and returns the value the script printed for {@code key}. */
    String start(String key) {
        return required(startAll(), key);
    }

    /** Starts the server and returns every {@code KEY=value} line the script printed. */
    Map<String, String> startAll() {
        String output = run("start");
        Map<String, String> printed = new LinkedHashMap<>();
        output.lines().filter(line -> line.matches("[A-Z_]+=.*"))
                .forEach(line -> printed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return printed;
    }

    String required(Map<String, String> printed, String key) {
        String value = printed.get(key);
        if (value == null) {
            throw new IllegalStateException(script + " printed no " + key + ": " + printed);
        }
        return value;
    }

    /**
     * Stops the server and removes its folder (data, logs): a run of the suite starts a dozen servers, and a
     * benchmark's database holds millions of rows. {@code LEDGERBRIDGE_KEEP_TEST_SERVERS=1} keeps the folders to
     * read a server's log after a failure.
     */
    void stop() {
        run("stop");
        if (!"1".equals(System.getenv("LEDGERBRIDGE_KEEP_TEST_SERVERS"))) {
            try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + folder + ": " + e);
            }
        }
    }

    /** Stops the server, keeps it down this long, and starts it on the same port with the same data (a fault). */
    void restart(java.time.Duration down) {
        run("restart", Map.of("LOCAL_RESTART_DOWN", String.valueOf(down.toSeconds())));
    }

    private String run(String command) {
        return run(command, Map.of());
    }

    private String run(String command, Map<String, String> extra) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", script, command, folder.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(environment);
            builder.environment().putAll(extra);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A stop of this server that only runs its script (for a shutdown hook: see {@link SharedServers#script}). */
    Runnable scriptedStop() {
        return SharedServers.script(Path.of(script).toAbsolutePath().toString(), folder.toString());
    }

    /** Whether a Docker engine answers (Testcontainers can be used); asked once per JVM, the answer takes seconds. */
    static boolean dockerAvailable() {
        String key = "test-servers.docker-available";
        synchronized (key.intern()) {
            if (System.getProperty(key) == null) {
                boolean available;
                try {
                    available = org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
                } catch (Throwable notAvailable) {
                    available = false;
                }
                System.setProperty(key, Boolean.toString(available));
            }
            return Boolean.parseBoolean(System.getProperty(key));
        }
    }
}
