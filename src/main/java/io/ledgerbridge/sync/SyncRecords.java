package io.ledgerbridge.sync;

import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.SourceVersions;
import io.ledgerbridge.store.GroupCommit;
import io.ledgerbridge.store.Instances;
import io.ledgerbridge.store.StoreSql;
import io.ledgerbridge.store.StoreTime;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** The most claims one transaction decides (a flow has at most lanes x consumers in flight). */
    private static final int MAX_GROUP = 100;

    private final LedgerbridgeConfig config;
    private final Instances instances;
    /** Sync records claimed by exchanges of this process that are still running. */
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    /** Claims of concurrent exchanges, decided and committed together. */
    private final GroupCommit<ClaimRequest> claims;

    SyncRecords(LedgerbridgeConfig config, Instances instances, MeterRegistry registry) {
        this.config = config;
        this.instances = instances;
        this.claims = new GroupCommit<>("claims", MAX_GROUP, config.store().concurrentGroups(),
                config.store().groupLinger(), this::decideAll, registry);
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
        ClaimRequest request = new ClaimRequest(new Source(flow, system, sourceId, version), entityType,
                targetSystem, sha256(in.getBody(String.class)), in.getHeader(FlowHeaders.BUSINESS_KEY, String.class),
                in.getHeader(FlowHeaders.CORRELATION_ID, String.class));
        try {
            commit(request);
        } catch (PersistenceException | IllegalStateException raced) {
            // another worker inserted the same version between our read and our insert: decide again on its row
            commit(request);
        }
        if (request.held != null) {
            throw request.held;
        }
        Claim claim = request.claim;
        in.setHeader(FlowHeaders.SYNC_ACTION, claim.action().name());
        in.setHeader(FlowHeaders.IDEMPOTENCY_KEY, idempotencyKey(system, sourceId, version));
        if (claim.action() != Action.SKIP) {
            in.setHeader(FlowHeaders.SYNC_RECORD_ID, claim.recordId());
            // in flight since the decision (decideAll): a second claim of it in the same group must wait for it
            Long held = claim.recordId();
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

    /** One exchange's claim, decided together with the claims other exchanges hand in at the same time. */
    private static final class ClaimRequest {
        final Source source;
        final String entityType;
        final String targetSystem;
        final String hash;
        final String businessKey;
        final String correlationId;
        /** Sync records marked in flight while deciding, by every attempt (a group that rolled back included). */
        final List<Long> marked = new ArrayList<>(1);
        Claim claim;
        ClaimHeld held;

        ClaimRequest(Source source, String entityType, String targetSystem, String hash, String businessKey,
                String correlationId) {
            this.source = source;
            this.entityType = entityType;
            this.targetSystem = targetSystem;
            this.hash = hash;
            this.businessKey = businessKey;
            this.correlationId = correlationId;
        }
    }

    /** Decides and commits one claim (in a group); only the claim that committed stays marked in flight. */
    private void commit(ClaimRequest request) {
        boolean committed = false;
        try {
            claims.commit(request);
            committed = true;
        } finally {
            Long kept = committed && request.claim != null && request.claim.action() != Action.SKIP
                    ? request.claim.recordId() : null;
            for (Long id : request.marked) {
                if (!id.equals(kept)) {
                    inFlight.remove(id);
                }
            }
            request.marked.clear();
            if (kept != null) {
                request.marked.add(kept);
            }
        }
    }

    /** Where sync records come from (a flow's records of a source system, with a null source id). */
    private record SourceKey(String flow, String system, String sourceId) {
    }

    /**
     * Decides a group of claims in the group commit's transaction: the versions of all their records in one query
     * (per flow and source system), then each claim in turn, as its own transaction would.
     */
    private void decideAll(List<ClaimRequest> group) {
        Map<SourceKey, List<SyncRecord>> versions = new HashMap<>();
        Map<SourceKey, List<String>> sourceIds = new LinkedHashMap<>();
        for (ClaimRequest request : group) {
            Source source = request.source;
            versions.put(new SourceKey(source.flow(), source.system(), source.sourceId()), new ArrayList<>());
            sourceIds.computeIfAbsent(new SourceKey(source.flow(), source.system(), null), k -> new ArrayList<>())
                    .add(source.sourceId());
        }
        // the versions of the records that have any (a new entry's has none: a plain select says so)
        sourceIds.replaceAll((system, ids) -> List.copyOf(StoreSql.present("sync_record", "source_id",
                "flow = ? and source_system = ?", new Object[] {system.flow(), system.system()}, ids)));
        sourceIds.forEach((system, ids) -> SyncRecord.versionsOf(system.flow(), system.system(), ids).forEach(
                record -> versions.get(new SourceKey(record.flow, record.sourceSystem, record.sourceId)).add(record)));
        Set<SourceKey> decided = new HashSet<>();
        List<SyncRecord> created = new ArrayList<>(group.size());
        for (ClaimRequest request : group) {
            Source source = request.source;
            SourceKey key = new SourceKey(source.flow(), source.system(), source.sourceId());
            List<SyncRecord> known = versions.get(key);
            if (!decided.add(key)) {
                // a second claim of the same record in this group: its versions as the first claim left them
                insert(created);
                SyncRecord.getEntityManager().flush();
                SyncRecord.getEntityManager().clear();
                known = SyncRecord.versionsOf(source.flow(), source.system(), source.sourceId());
            }
            request.claim = null;
            request.held = null;
            try {
                request.claim = decide(request, known, created);
            } catch (ClaimHeld held) {
                request.held = held;
            }
        }
        // the group's new sync records in one JDBC batch; a version another worker inserted first fails it here
        insert(created);
        SyncRecord.getEntityManager().flush();
    }

    /** Inserts the new sync records decided so far (one JDBC batch) and forgets them. */
    private static void insert(List<SyncRecord> created) {
        StoreSql.insertAll("sync_record", "flow, entity_type, source_system, source_id, source_version, "
                + "business_key, target_system, payload_hash, status, attempts, correlation_id, claimed_until, "
                + "claimed_by, created_at, updated_at", created, r -> new Object[] {r.flow, r.entityType,
                        r.sourceSystem, r.sourceId, r.sourceVersion, r.businessKey, r.targetSystem, r.payloadHash,
                        r.status, r.attempts, r.correlationId, r.claimedUntil, r.claimedBy, r.createdAt,
                        r.updatedAt});
        created.clear();
    }

    /** Decides one claim on its record's versions; a new sync record goes to {@code created}, to be inserted. */
    private Claim decide(ClaimRequest request, List<SyncRecord> versions, List<SyncRecord> created) {
        Source source = request.source;
        String flow = source.flow();
        String system = source.system();
        String sourceId = source.sourceId();
        String version = source.version();
        Instant now = StoreTime.now();
        Instant leaseEnd = now.plus(config.inbox().lease());

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
                    SyncRecord.Status.IN_PROGRESS, leaseEnd, now, request.hash, instances.id(), record.id,
                    record.status, record.updatedAt);
            if (taken == 0) {
                throw new ClaimHeld(record.businessKey + " version " + version
                        + " was claimed by another worker a moment ago; waiting for that posting to finish");
            }
            markInFlight(request, record.id);
            return begin(record.id, lastPosted);
        }
        if (newer.isPresent()) {
            return Claim.skip(null, "superseded by version " + newer.get().sourceVersion);
        }
        SyncRecord record = new SyncRecord();
        record.flow = flow;
        record.entityType = request.entityType;
        record.sourceSystem = system;
        record.sourceId = sourceId;
        record.sourceVersion = version;
        record.businessKey = request.businessKey;
        record.targetSystem = request.targetSystem;
        record.payloadHash = request.hash;
        record.status = SyncRecord.Status.IN_PROGRESS;
        record.attempts = 1;
        record.correlationId = request.correlationId;
        record.claimedUntil = leaseEnd;
        record.claimedBy = instances.id();
        record.createdAt = now;
        record.updatedAt = now;
        created.add(StoreSql.withId(record));
        markInFlight(request, record.id);
        return begin(record.id, lastPosted);
    }

    private void markInFlight(ClaimRequest request, Long recordId) {
        inFlight.add(recordId);
        request.marked.add(recordId);
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

    /** Records the target's id for the claimed version (sync record {@code recordId}): the posting is done. */
    public void complete(Long recordId, String targetId, String action) {
        Posted posted = new Posted(recordId, targetId, action);
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

    /**
     * The key a target uses to recognise a retried posting, at most 128 characters (Xero's limit) and never shared by
     * two versions: {@code system-sourceId-20261120T091500Z} (the version's instant in UTC, so the same instant
     * written with two offsets is one key), or, for a source id of other characters or a version that is not a
     * timestamp, the system and the SHA-256 of the three parts with their lengths.
     */
    public static String idempotencyKey(String system, String sourceId, String version) {
        String versionPart = SourceVersions.keyPart(version);
        if (versionPart != null && KEY_SAFE.matcher(system).matches() && KEY_SAFE.matcher(sourceId).matches()) {
            String key = system + "-" + sourceId + "-" + versionPart;
            if (key.length() <= 128) {
                return key;
            }
        }
        return system.replaceAll("[^A-Za-z0-9]", "") + "-" + sha256(system.length() + ":" + system + "|"
                + sourceId.length() + ":" + sourceId + "|" + version.length() + ":" + version);
    }

    private static final java.util.regex.Pattern KEY_SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9_]+");

    static boolean isNewer(String candidate, String than) {
        try {
            return Instant.parse(candidate).isAfter(Instant.parse(than));
        } catch (DateTimeParseException notInstants) {
            return candidate.compareTo(than) > 0;
        }
    }

    static String sha256(String text) {
        MessageDigest sha256;
        try {
            // a copy of one looked up once: looking the algorithm up was three quarters of hashing a payload
            sha256 = (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException notCloneable) {
            sha256 = newSha256();
        }
        return HexFormat.of().formatHex(sha256.digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8)));
    }

    private static final MessageDigest SHA256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
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
