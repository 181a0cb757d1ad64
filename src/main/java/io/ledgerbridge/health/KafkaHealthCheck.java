package io.ledgerbridge.health;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.kafka.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Cluster profile: ready only while the Kafka cluster answers (the durable intake and the flows need it). */
@Readiness
@ApplicationScoped
public class KafkaHealthCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 3000;

    private final LedgerbridgeConfig config;
    private final KafkaClients clients;
    private volatile Admin admin;

    KafkaHealthCheck(LedgerbridgeConfig config, KafkaClients clients) {
        this.config = config;
        this.clients = clients;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.kafka().enabled()) {
            return HealthCheckResponse.named("kafka").up().withData("enabled", false).build();
        }
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return HealthCheckResponse.named("kafka").status(nodes > 0).withData("brokers", nodes).build();
        } catch (Exception unreachable) {
            return HealthCheckResponse.named("kafka").down()
                    .withData("error", String.valueOf(unreachable.getMessage())).build();
        }
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> settings = new java.util.HashMap<>(clients.properties());
                    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
                    admin = Admin.create(settings);
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
