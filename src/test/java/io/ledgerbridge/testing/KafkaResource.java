package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for the test suites: the one named by LEDGERBRIDGE_TEST_KAFKA_BOOTSTRAP, else a Testcontainers
 * container when a Docker engine answers, else a private KRaft broker from Maven Central jars on free ports.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String bootstrap;
    private final boolean own;
    private KafkaContainer container;
    private LocalServer local;

    public KafkaResource() {
        this(false);
    }

    private KafkaResource(boolean own) {
        this.own = own;
    }

    /** Always a private broker of this run (never a given one or a container): one that {@link #restart} can restart. */
    public static KafkaResource ownServer() {
        return new KafkaResource(true);
    }

    @Override
    public Map<String, String> start() {
        String given = own ? null : System.getenv("LEDGERBRIDGE_TEST_KAFKA_BOOTSTRAP");
        if (given != null && !given.isBlank()) {
            bootstrap = given;
        } else if (!own && LocalServer.dockerAvailable()) {
            container = new KafkaContainer("apache/kafka:4.1.1");
            container.start();
            bootstrap = container.getBootstrapServers();
        } else {
            local = new LocalServer("local-kafka.sh", "kafka");
            bootstrap = local.start("BOOTSTRAP");
        }
        return Map.of("ledgerbridge.kafka.bootstrap-servers", bootstrap);
    }

    /** Bootstrap servers of the broker the running suite uses. */
    public static String bootstrapServers() {
        return bootstrap;
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
