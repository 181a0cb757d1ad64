package io.ledgerbridge.erp;

/**
 * The headers of an ERP capability call (routes/erp-capabilities.camel.yaml) besides those every flow shares
 * ({@link io.ledgerbridge.flow.FlowHeaders}: the idempotency key a write takes, the ERP project of ensure-task,
 * post-time and read-time, the target id every capability answers): what a flow sets for the capability to read. The system routes read them; no flow bean reads an ERP's
 * answer other than through the canonical answer a capability declares.
 */
public final class ErpCall {

    /**
     * The legal entity (mappings/entities.json) whose ledger the call goes to; absent: the default ERP. Set by the
     * flow from the record's project or person.
     */
    public static final String LEGAL_ENTITY = "ledgerbridgeLegalEntity";
    /** The account in the ERP system (Xero tenant id, Business Central company id): set by the gateway. */
    public static final String ERP_ACCOUNT = "ledgerbridgeErpAccount";
    /** The Business Central environment of the account: set by the gateway. */
    public static final String ERP_ENVIRONMENT = "ledgerbridgeErpEnvironment";
    /**
     * The priority of the call's turn when the account's call budget makes calls wait (lower first): set by the
     * gateway from the capability ({@code ledgerbridge.erp.priorities}), later for a replay.
     */
    public static final String CALL_PRIORITY = "ledgerbridgeCallPriority";
    /** The ERP's invoice to read (read-invoice). */
    public static final String ERP_INVOICE_ID = "ledgerbridgeErpInvoiceId";
    /** The first day of the dates read (read-time), ISO date. */
    public static final String PERIOD_FROM = "ledgerbridgePeriodFrom";
    /** The day after the last one read (read-time), ISO date. */
    public static final String PERIOD_TO = "ledgerbridgePeriodTo";
    /** The page to read, from 1 (read-time). */
    public static final String PAGE = "ledgerbridgePage";

    private ErpCall() {
    }
}
