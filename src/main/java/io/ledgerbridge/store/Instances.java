package io.ledgerbridge.store;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The running instances of the service, as the store sees them: each process registers under an id of its own
 * (host name plus a random part, so a restarted pod is a new instance) and beats every few seconds; one that has not
 * beaten for three beats is gone. Claims name the instance that holds them, so another instance can tell a claim of
 * a live instance (wait for it) from one left behind by a crash (take it over).
 */
@ApplicationScoped
public class Instances {

    private static final Logger LOG = Logger.getLogger(Instances.class);

    private final EntityManager entityManager;
    private final Duration beat;
    private final String id;
    private volatile ScheduledExecutorService beating;
    /** When the heartbeat last ran, and since when it has failed to reach the store (0: it reached it). */
    private volatile long lastBeatNanos = System.nanoTime();
    private volatile long storeFailingSinceNanos;

    Instances(EntityManager entityManager, @ConfigProperty(name = "HOSTNAME") Optional<String> hostname,
            LedgerbridgeConfig config) {
        this.entityManager = entityManager;
        this.beat = config.instances().heartbeat();
        this.id = hostname.orElse("instance") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This process's id in claims (registered, and beating, from the first call on). */
    public String id() {
        if (beating == null) {
            register();
        }
        return id;
    }

    /** Whether the instance has beaten within the last three beats (false for one never seen or stopped). */
    public boolean alive(String instance) {
        if (id.equals(instance)) {
            return true;
        }
        Instant seen = QuarkusTransaction.requiringNew().call(() -> entityManager.createQuery(
                        "select i.seenAt from ServiceInstance i where i.id = ?1", Instant.class)
                .setParameter(1, instance).getResultStream().findFirst().orElse(null));
        return seen != null && seen.isAfter(StoreTime.now().minus(beat.multipliedBy(3)));
    }

    private synchronized void register() {
        if (beating != null) {
            return;
        }
        Instant now = StoreTime.now();
        QuarkusTransaction.requiringNew().run(() -> {
            ServiceInstance self = new ServiceInstance();
            self.id = id;
            self.startedAt = now;
            self.seenAt = now;
            entityManager.persist(self);
        });
        beating = startBeating();
        LOG.infof("running as instance %s", id);
    }

    private ScheduledExecutorService startBeating() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "ledgerbridge-instance-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        lastBeatNanos = System.nanoTime();
        executor.scheduleWithFixedDelay(this::heartbeat, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }

    /**
     * What is wrong with the heartbeat, or null when it beats: it stopped running (an error ended its thread, or its
     * pool was closed), so other instances would take this one's claims as abandoned. A stopped heartbeat is started
     * again here, and said once.
     */
    public synchronized String heartbeatStopped() {
        ScheduledExecutorService executor = beating;
        if (executor == null) {
            return null; // not registered yet: nothing claimed
        }
        long silent = System.nanoTime() - lastBeatNanos;
        if (!executor.isShutdown() && silent <= beat.multipliedBy(3).toNanos()) {
            return null;
        }
        String why = executor.isShutdown() ? "the heartbeat's thread pool was closed"
                : "the heartbeat has not run for " + Duration.ofNanos(silent).toMillis() + " ms";
        executor.shutdownNow();
        beating = startBeating();
        LOG.errorf("Instance %s: %s; started it again", id, why);
        return why + " (started again)";
    }

    /** How long the heartbeat has been failing to reach the store, or null while it reaches it. */
    public Duration storeRefusingFor() {
        long since = storeFailingSinceNanos;
        return since == 0 ? null : Duration.ofNanos(System.nanoTime() - since);
    }

    private void heartbeat() {
        lastBeatNanos = System.nanoTime();
        try {
            Instant now = StoreTime.now();
            QuarkusTransaction.requiringNew().run(() -> {
                int beaten = entityManager.createQuery("update ServiceInstance i set i.seenAt = ?1 where i.id = ?2")
                        .setParameter(1, now).setParameter(2, id).executeUpdate();
                if (beaten == 0) {
                    // removed by another instance's clean-up while this one could not reach the store: back again
                    ServiceInstance self = new ServiceInstance();
                    self.id = id;
                    self.startedAt = now;
                    self.seenAt = now;
                    entityManager.persist(self);
                }
                entityManager.createQuery("delete from ServiceInstance i where i.seenAt < ?1")
                        .setParameter(1, now.minus(Duration.ofDays(1))).executeUpdate();
            });
            storeFailingSinceNanos = 0;
        } catch (RuntimeException storeAway) {
            if (storeFailingSinceNanos == 0) {
                storeFailingSinceNanos = System.nanoTime();
            }
            LOG.warnf("instance heartbeat not stored (%s); claims of this instance look abandoned to others after %s",
                    storeAway.getMessage(), beat.multipliedBy(3));
        }
    }

    @PreDestroy
    void stop() {
        if (beating == null) {
            return;
        }
        beating.shutdownNow();
        try {
            // a clean stop: its claims are taken over at once
            QuarkusTransaction.requiringNew().run(() -> entityManager
                    .createQuery("delete from ServiceInstance i where i.id = ?1").setParameter(1, id).executeUpdate());
        } catch (RuntimeException storeAway) {
            LOG.debugf("instance %s not removed at stop: %s", id, storeAway.getMessage());
        }
    }
}
