package io.ledgerbridge.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A server started by one of the scripts in src/test/servers, in its own folder, stopped by its PID. */
final class LocalServer {

    private final String script;
    private final Path folder;

    LocalServer(String script, String name) {
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
        String output = run("start");
        return output.lines().filter(line -> line.startsWith(key + "=")).map(line -> line.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new IllegalStateException(script + " printed no " + key + ": " + output));
    }

    void stop() {
        run("stop");
    }

    private String run(String command) {
        try {
            Process process = new ProcessBuilder("bash", script, command, folder.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

    /** Whether a Docker engine answers (Testcontainers can be used). */
    static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable notAvailable) {
            return false;
        }
    }
}
