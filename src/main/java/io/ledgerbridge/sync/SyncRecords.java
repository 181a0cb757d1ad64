package io.ledgerbridge.sync;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.SynchronizationAdapter;
import org.hibernate.Session;

/**
 * The store-backed idempotency check of every posting: one source version is posted at most once across restarts,
 * replicas and redeliveries; a newer version becomes an update of what the older one created.
 */
@ApplicationScoped
@Named("syncRecords")
public class SyncRecords {

    /** What a flow does with a claimed message. */
    public enum Action { CREATE, UPDATE, SKIP }

    private final LedgerbridgeConfig config;
    private final Instances instances;
    /** Sync records claimed by exchanges of this process that are still running. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    SyncRecords(LedgerbridgeConfig config, Instances instances) {
        this.config = config;
        this.instances = instances;
    }

    /**
     * Claims the posting of the message's source version. Sets {@link FlowHeaders#SYNC_ACTION} and, for an update,
     * {@link FlowHeaders#TARGET_ID}; SKIP comes with {@link FlowHeaders#SKIP_REASON}.
     */
    public void claim(Exchange exchange, String entityType, String targetSystem) {
        Message in = exchange.getMessage();
        String flow = in.getHeader(FlowHeaders.FLOW, String.class);
        String system = in.getHeader(FlowHeaders.SOURCE_SYSTEM, String.class);
        String sourceId = in.getHeader(FlowHeaders.SOURCE_ID, String.class);
        String version = in.getHeader(FlowHeaders.SOURCE_VERSION, String.class);
        if (flow == null || system == null || sourceId == null || version == null) {
            throw new IllegalStateException("claim needs flow, source system, source id and version headers");
        }
        Source source = new Source(flow, system, sourceId, version);
        String hash = sha256(in.getBody(String.class));
        Claim claim;
        try {
            claim = QuarkusTransaction.requiringNew().call(() -> decide(in, source, entityType, targetSystem, hash));
        } catch (PersistenceException | IllegalStateException raced) {
            // another worker inserted the same version between our read and our insert: decide again on its row
            claim = QuarkusTransaction.requiringNew().call(() -> decide(in, source, entityType, targetSystem, hash));
        }
        in.setHeader(FlowHeaders.SYNC_ACTION, claim.action().name());
        in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, idempotencyKey(system, sourceId, version));
        if (claim.action() != Action.SKIP) {
            in.setHeader(FlowHeaders.SYNC_RECORD_ID, claim.recordId());
            Long held = claim.recordId();
            inFlight.add(held);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    inFlight.remove(held);
                }
            });
        }
        if (claim.targetId() != null) {
            in.setHeader(FlowHeaders.TARGET_ID, claim.targetId());
        }
        if (claim.skipReason() != null) {
            in.setHeader(FlowHeaders.SKIP_REASON, claim.skipReason());
        }
    }

    /** Which version of which source record a posting is for. */
    private record Source(String flow, String system, String sourceId, String version) {
    }

    private Claim decide(Message in, Source source, String entityType, String targetSystem, String hash) {
        String flow = source.flow();
        String system = source.system();
        String sourceId = source.sourceId();
        String version = source.version();
        Instant now = StoreTime.now();
        Instant leaseEnd = now.plus(config.inbox().lease());

        List<SyncRecord> versions = SyncRecord.versionsOf(flow, system, sourceId);
        Optional<SyncRecord> same = versions.stream().filter(r -> r.sourceVersion.equals(version)).findFirst();
        Optional<SyncRecord> newer = versions.stream()
                .filter(r -> r.status != SyncRecord.Status.FAILED && isNewer(r.sourceVersion, version)).findFirst();
        Optional<SyncRecord> lastPosted = versions.stream()
                .filter(r -> r.status == SyncRecord.Status.POSTED && r.targetId != null).findFirst();

        if (same.isPresent()) {
            SyncRecord record = same.get();
            if (record.status == SyncRecord.Status.POSTED) {
                return Claim.skip(record.id, "version " + version + " already posted as " + record.targetId);
            }
            if (record.status == SyncRecord.Status.IN_PROGRESS && record.claimedUntil != null
                    && record.claimedUntil.isAfter(now) && !abandoned(record)) {
                throw new ClaimHeld(record.businessKey + " version " + version + " is being posted by "
                        + (instances.id().equals(record.claimedBy) ? "another exchange of this instance"
                                : "instance " + record.claimedBy) + " (claim until " + record.claimedUntil
                        + "); waiting for that posting to finish");
            }
            if (newer.isPresent()) {
                return Claim.skip(record.id, "superseded by version " + newer.get().sourceVersion);
            }
            // a failed or abandoned attempt: take it over (the target's idempotency key stays the same)
            int taken = SyncRecord.update(
                    "status = ?1, claimedUntil = ?2, updatedAt = ?3, attempts = attempts + 1, payloadHash = ?4, "
                            + "claimedBy = ?5 where id = ?6 and status = ?7 and updatedAt = ?8",
                    SyncRecord.Status.IN_PROGRESS, leaseEnd, now, hash, instances.id(), record.id, record.status,
                    record.updatedAt);
            if (taken == 0) {
                throw new ClaimHeld(record.businessKey + " version " + version
                        + " was claimed by another worker a moment ago; waiting for that posting to finish");
            }
            return begin(record.id, lastPosted);
        }
        if (newer.isPresent()) {
            return Claim.skip(null, "superseded by version " + newer.get().sourceVersion);
        }
        SyncRecord record = new SyncRecord();
        record.flow = flow;
        record.entityType = entityType;
        record.sourceSystem = system;
        record.sourceId = sourceId;
        record.sourceVersion = version;
        record.businessKey = in.getHeader(FlowHeaders.BUSINESS_KEY, String.class);
        record.targetSystem = targetSystem;
        record.payloadHash = hash;
        record.status = SyncRecord.Status.IN_PROGRESS;
        record.attempts = 1;
        record.correlationId = in.getHeader(FlowHeaders.CORRELATION_ID, String.class);
        record.claimedUntil = leaseEnd;
        record.claimedBy = instances.id();
        record.createdAt = now;
        record.updatedAt = now;
        record.persistAndFlush();
        return begin(record.id, lastPosted);
    }

    /**
     * A claim whose holder cannot finish it: this instance's own claim of an exchange that has ended (its failure
     * was not recorded, e.g. the store went away), or a claim of an instance that stopped beating.
     */
    private boolean abandoned(SyncRecord record) {
        if (record.claimedBy == null) {
            return false;
        }
        if (record.claimedBy.equals(instances.id())) {
            return !inFlight.contains(record.id);
        }
        return !instances.alive(record.claimedBy);
    }

    private static Claim begin(Long recordId, Optional<SyncRecord> lastPosted) {
        return lastPosted.map(posted -> new Claim(Action.UPDATE, recordId, posted.targetId, null))
                .orElseGet(() -> new Claim(Action.CREATE, recordId, null, null));
    }

    /** Records the target's id for the claimed version: the posting is done. */
    public void complete(Exchange exchange) {
        Message in = exchange.getMessage();
        Posted posted = new Posted(in.getHeader(FlowHeaders.SYNC_RECORD_ID, Long.class),
                in.getHeader(FlowHeaders.TARGET_ID, String.class), in.getHeader(FlowHeaders.SYNC_ACTION, String.class));
        QuarkusTransaction.requiringNew().run(() -> markPosted(List.of(posted)));
    }

    /** A claimed version that was posted: the target's id for it and what the posting did (CREATE or UPDATE). */
    public record Posted(Long recordId, String targetId, String action) {
    }

    /**
     * Marks claimed versions posted inside the caller's transaction (with what else it commits), as one JDBC batch:
     * every posting runs it, and Hibernate would translate an HQL update again at each execution.
     */
    public void markPosted(List<Posted> postings) {
        OffsetDateTime now = StoreTime.now().atOffset(ZoneOffset.UTC);
        SyncRecord.getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("update sync_record set status = 'POSTED', "
                    + "target_id = ?, operation = ?, posted_at = ?, updated_at = ?, claimed_until = null where id = ?")) {
                for (Posted posted : postings) {
                    update.setString(1, posted.targetId());
                    update.setString(2, posted.action());
                    update.setObject(3, now);
                    update.setObject(4, now);
                    update.setLong(5, posted.recordId());
                    update.addBatch();
                }
                update.executeBatch();
            }
        });
    }

    /** Releases a claim whose posting failed, so that a replay may take it (in the caller's transaction, if any). */
    public void fail(Long recordId) {
        if (recordId == null) {
            return;
        }
        Instant now = StoreTime.now();
        QuarkusTransaction.joiningExisting().run(() -> SyncRecord.update(
                "status = ?1, updatedAt = ?2, claimedUntil = null where id = ?3 and status = ?4",
                SyncRecord.Status.FAILED, now, recordId, SyncRecord.Status.IN_PROGRESS));
    }

    /** The key a target uses to recognise a retried posting: at most 128 characters (Xero's limit). */
    public static String idempotencyKey(String system, String sourceId, String version) {
        String key = system + "-" + sourceId + "-" + version.replaceAll("[^A-Za-z0-9]", "");
        return key.length() <= 128 ? key : sha256(key);
    }

    static boolean isNewer(String candidate, String than) {
        try {
            return Instant.parse(candidate).isAfter(Instant.parse(than));
        } catch (DateTimeParseException notInstants) {
            return candidate.compareTo(than) > 0;
        }
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private record Claim(Action action, Long recordId, String targetId, String skipReason) {
        static Claim skip(Long recordId, String reason) {
            return new Claim(Action.SKIP, recordId, null, reason);
        }
    }
}
