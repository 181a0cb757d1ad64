package io.ledgerbridge.flow;

/** Names of the exchange headers and properties the routes and beans share. */
public final class FlowHeaders {

    /** Flow (route id) a message belongs to. */
    public static final String FLOW = "ledgerbridgeFlow";
    /** Source system of the record, e.g. {@code harvest}. */
    public static final String SOURCE_SYSTEM = "ledgerbridgeSourceSystem";
    /** The record's id in its source system (the flow's identify step writes it; claims, dead letters read it). */
    public static final String SOURCE_ID = "ledgerbridgeSourceId";
    /** The record's version in its source (identify writes it; the claim compares versions with it). */
    public static final String SOURCE_VERSION = "ledgerbridgeSourceVersion";
    /**
     * Business key of the record, e.g. {@code harvest:time-entry:636709355} (identify writes it; claims, dead letters,
     * the lineage and every log line read it).
     */
    public static final String BUSINESS_KEY = "ledgerbridgeBusinessKey";
    /** Correlation id carried from ingress to the dead letter and sync record. */
    public static final String CORRELATION_ID = "ledgerbridgeCorrelationId";
    /**
     * What the idempotency check decided: CREATE, UPDATE or SKIP (the claim writes it; the flow's skip filter, the
     * posting step and the completion read it).
     */
    public static final String SYNC_ACTION = "ledgerbridgeSyncAction";
    /** Why a message was skipped (already posted, superseded, in flight elsewhere). */
    public static final String SKIP_REASON = "ledgerbridgeSkipReason";
    /** Id of the sync record claimed for this posting (the claim writes it; the completion and a failure read it). */
    public static final String SYNC_RECORD_ID = "ledgerbridgeSyncRecordId";
    /**
     * Key that makes a posting idempotent at the target: source system, id and version (the claim writes it; the
     * posting step and the system routes' idempotency headers read it).
     */
    public static final String IDEMPOTENCY_KEY = "ledgerbridgeIdempotencyKey";
    /**
     * Target-side id of the record being updated (the claim writes it), and of the record after posting (the
     * capability's answer writes it; the completion records it).
     */
    public static final String TARGET_ID = "ledgerbridgeTargetId";
    /** The ERP project of the record (enrich or prepare write it from cross-references; the system routes read it). */
    public static final String ERP_PROJECT_ID = "ledgerbridgeErpProjectId";
    /**
     * Exchange property: the canonical document a flow keeps for its later steps (set after mapping, read by the
     * steps that build a system's request from it).
     */
    public static final String CANONICAL = "ledgerbridgeCanonical";
    /** Exchange property: the Kafka topic of a flow's durable intake (the webhook or poll writes it, intake reads it). */
    public static final String TOPIC = "ledgerbridgeTopic";
    /** Exchange property: the records a webhook accepted, for its receipt (SourceWebhook writes and reads it). */
    public static final String ACCEPTED = "ledgerbridgeAccepted";
    /** Inbox message the exchange came from, if any. */
    public static final String INBOX_ID = "ledgerbridgeInboxId";
    /** Id of the dead letter an operator replays through this exchange. */
    public static final String REPLAY_OF = "ledgerbridgeReplayOf";
    /** Id of the dead letter the exchange ended in. */
    public static final String DEAD_LETTER_ID = "ledgerbridgeDeadLetterId";
    /** Exchange property holding the message as it entered the flow (what a dead letter keeps). */
    public static final String ORIGINAL_PAYLOAD = "ledgerbridgeOriginalPayload";

    private FlowHeaders() {
    }
}
