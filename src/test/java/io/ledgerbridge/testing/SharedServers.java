package io.ledgerbridge.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One PostgreSQL and one Kafka per test JVM, however many Quarkus applications the suite starts: a restart of
 * Quarkus for another test profile loads the test classes again in a new class loader, so what a server answered
 * (its port, its bootstrap) is kept where every class loader sees it, in system properties. The first start
 * registers a shutdown hook that stops the server by its script (by PID) when the JVM ends.
 * <p>
 * The resources then hand every application a clean slate on the shared server: a database of its own, a broker
 * without the topics and consumer groups of the application before it.
 */
final class SharedServers {

    private static final String PREFIX = "test-servers.shared.";

    private SharedServers() {
    }

    /** What the shared server {@code name} answered, started now by {@code start} if this JVM has none yet. */
    static Map<String, String> get(String name, Supplier<Started> start) {
        String key = PREFIX + name;
        synchronized (key.intern()) { // interned strings are one object across class loaders
            String known = System.getProperty(key);
            if (known != null) {
                return decode(known);
            }
            Started started = start.get();
            Runtime.getRuntime().addShutdownHook(new Thread(started.stop(), "stop-shared-" + name));
            System.setProperty(key, encode(started.answered()));
            return started.answered();
        }
    }

    /** The next number of a series kept for the whole JVM (e.g. one database per application). */
    static long next(String series) {
        String key = PREFIX + series + ".counter";
        synchronized (key.intern()) {
            long next = Long.parseLong(System.getProperty(key, "0")) + 1;
            System.setProperty(key, Long.toString(next));
            return next;
        }
    }

    /**
     * A server that started: what it answered, and how to stop it when the JVM ends. The stop runs after Quarkus
     * may have closed the class loader that started it, so it should only use JDK classes (see {@link #script}).
     */
    record Started(Map<String, String> answered, Runnable stop) {
    }

    /** A stop that only runs a process: the server's script with {@code stop} and the removal of its folder. */
    static Runnable script(String script, String folder) {
        String[] command = {"bash", "-c", "bash \"$0\" stop \"$1\" >/dev/null; "
                + "[ \"${LEDGERBRIDGE_KEEP_TEST_SERVERS:-0}\" = 1 ] || rm -rf \"$1\"", script, folder};
        return () -> {
            try {
                new ProcessBuilder(command).inheritIO().start().waitFor();
            } catch (Exception e) {
                System.err.println("could not stop the server in " + folder + ": " + e);
            }
        };
    }

    private static String encode(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        text.lines().forEach(line -> values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        return values;
    }
}
