package io.ledgerbridge.sync;

import io.ledgerbridge.store.InLists;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** One version of one source record moved to a target: the lineage of what ledgerbridge posted. */
@Entity
@Table(name = "sync_record")
public class SyncRecord extends PanacheEntityBase {

    /** Where a posting stands. */
    public enum Status { IN_PROGRESS, POSTED, FAILED }

    /** From a sequence that hands out 50 keys at a time: a group commit's inserts go as one JDBC batch (V16). */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "sync_record_seq")
    @SequenceGenerator(name = "sync_record_seq", sequenceName = "sync_record_seq", allocationSize = 50)
    public Long id;

    public String flow;
    @Column(name = "entity_type")
    public String entityType;
    @Column(name = "source_system")
    public String sourceSystem;
    @Column(name = "source_id")
    public String sourceId;
    @Column(name = "source_version")
    public String sourceVersion;
    @Column(name = "business_key")
    public String businessKey;
    @Column(name = "target_system")
    public String targetSystem;
    @Column(name = "target_id")
    public String targetId;
    /** CREATE or UPDATE at the target. */
    public String operation;
    @Column(name = "payload_hash")
    public String payloadHash;
    @Enumerated(EnumType.STRING)
    public Status status;
    public int attempts;
    @Column(name = "correlation_id")
    public String correlationId;
    @Column(name = "claimed_until")
    public Instant claimedUntil;
    /** The instance (see Instances) that holds or last held the claim. */
    @Column(name = "claimed_by")
    public String claimedBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "posted_at")
    public Instant postedAt;

    public static Optional<SyncRecord> findVersion(String flow, String system, String sourceId, String version) {
        return find("flow = ?1 and sourceSystem = ?2 and sourceId = ?3 and sourceVersion = ?4",
                flow, system, sourceId, version).firstResultOptional();
    }

    /** Every version of one source record, newest first (keys come in blocks per instance: ordered by creation). */
    public static List<SyncRecord> versionsOf(String flow, String system, String sourceId) {
        return list("flow = ?1 and sourceSystem = ?2 and sourceId = ?3 order by createdAt desc, id desc", flow, system,
                sourceId);
    }

    private static final InLists.Query VERSIONS_OF = InLists.query(
            width -> "flow = ?1 and sourceSystem = ?2 and sourceId in (" + InLists.parameters(3, width) + ")");

    /** The versions of many records of one flow and source system, newest first (queries of {@link InLists}). */
    public static List<SyncRecord> versionsOf(String flow, String system, Collection<String> sourceIds) {
        List<SyncRecord> versions = InLists.select(sourceIds, VERSIONS_OF,
                (query, parameters) -> list(query, parameters), flow, system);
        versions.sort(java.util.Comparator.<SyncRecord, Instant>comparing(v -> v.createdAt)
                .thenComparing(v -> v.id).reversed());
        return versions;
    }

    public static List<SyncRecord> byBusinessKey(String businessKey) {
        return list("businessKey = ?1 order by createdAt, id", businessKey);
    }
}
