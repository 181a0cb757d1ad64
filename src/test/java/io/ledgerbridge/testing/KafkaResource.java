package io.ledgerbridge.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for the test suites: the one named by LEDGERBRIDGE_TEST_KAFKA_BOOTSTRAP, else a Testcontainers
 * container when a Docker engine answers, else a private KRaft broker from Maven Central jars on free ports.
 * The container or private broker is one per test JVM ({@link SharedServers}); each application the suite starts
 * finds it as a fresh broker would be: the topics and consumer groups of the application before are deleted.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String bootstrap;
    private final boolean own;
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
        } else if (own) {
            local = new LocalServer("local-kafka.sh", "kafka");
            bootstrap = local.start("BOOTSTRAP");
        } else {
            bootstrap = SharedServers.get("kafka", KafkaResource::startShared).get("BOOTSTRAP");
            clean(bootstrap);
        }
        return Map.of("ledgerbridge.kafka.bootstrap-servers", bootstrap);
    }

    /** The JVM's broker: a container when a Docker engine answers, else a private KRaft broker. */
    private static SharedServers.Started startShared() {
        if (LocalServer.dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.1");
            container.start();
            return new SharedServers.Started(Map.of("BOOTSTRAP", container.getBootstrapServers()), container::stop);
        }
        LocalServer server = new LocalServer("local-kafka.sh", "kafka");
        return new SharedServers.Started(Map.of("BOOTSTRAP", server.start("BOOTSTRAP")), server.scriptedStop());
    }

    /**
     * Deletes every topic and consumer group: what the application before this one left (records it did not
     * consume, committed offsets) must not reach the next one, which starts on a database of its own.
     */
    private static void clean(String bootstrap) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            java.util.Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!topics.isEmpty()) {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
            List<String> groups = admin.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups())
                    .all().get(30, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.clients.admin.GroupListing::groupId).toList();
            admin.deleteConsumerGroups(groups).deletedGroups().forEach((group, deleted) -> {
                try {
                    deleted.get(30, TimeUnit.SECONDS);
                } catch (Exception stillInUse) { // a plain test's own group, or a finished application's
                    System.err.println("shared test Kafka: consumer group " + group + " kept: " + stillInUse);
                }
            });
            // deletion is asynchronous on the broker: wait until the deleted topics are no longer listed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().anyMatch(topics::contains)
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not clean the shared test Kafka at " + bootstrap + ": " + e, e);
        }
    }

    /**
     * The JVM's shared broker as it is, without cleaning it: for a plain test that names its own topics and groups
     * and so must not delete those of an application still running beside it.
     */
    public static String sharedBroker() {
        String given = System.getenv("LEDGERBRIDGE_TEST_KAFKA_BOOTSTRAP");
        bootstrap = given != null && !given.isBlank() ? given
                : SharedServers.get("kafka", KafkaResource::startShared).get("BOOTSTRAP");
        return bootstrap;
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
        if (local != null) {
            local.stop();
        }
    }
}
