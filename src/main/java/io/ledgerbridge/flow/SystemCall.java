package io.ledgerbridge.flow;

/**
 * The headers of a capability call to the PSA or the CRM (routes/psa-capabilities.camel.yaml,
 * routes/crm-capabilities.camel.yaml: a flow writes them, the system's capability route reads them), and those of
 * every system's API route (routes/system-*.camel.yaml: a capability route writes them, the API route reads and
 * removes them). The ERP's are {@link io.ledgerbridge.erp.ErpCall}'s; those every flow shares are
 * {@link FlowHeaders}'.
 */
public final class SystemCall {

    /** The API path below the system's base URL (a capability route writes it, the API route reads it). */
    public static final String API_PATH = "ledgerbridgeApiPath";
    /** The query string of the call (a capability route or a vendor bean writes it, the API route sends it). */
    public static final String API_QUERY = "ledgerbridgeApiQuery";
    /** The JSON pointer of the answer's id, which the API route answers as {@link FlowHeaders#TARGET_ID}. */
    public static final String ID_FIELD = "ledgerbridgeIdField";

    /** The PSA's client of a project (deal flow, invoice-status flow; psa-create-project, psa-mirror-invoice). */
    public static final String PSA_CLIENT_ID = "ledgerbridgePsaClientId";
    /** The PSA's project (deal flow, reconciliation; psa-create-project, psa-read-time). */
    public static final String PSA_PROJECT_ID = "ledgerbridgePsaProjectId";
    /** The PSA's user of a person (people flow; psa-deactivate-user). */
    public static final String PSA_USER_ID = "ledgerbridgePsaUserId";
    /** The PSA's mirror of an ERP invoice once it exists (invoice-status flow; psa-mirror-invoice). */
    public static final String PSA_INVOICE_ID = "ledgerbridgePsaInvoiceId";
    /** The PSA's payment of a mirrored invoice once recorded (invoice-status flow; psa-record-payment skips). */
    public static final String PSA_PAID = "ledgerbridgePsaPaid";
    /** The CRM's deal of a project (project-created and invoice-status flows; crm-project-created, crm-invoice-status). */
    public static final String CRM_ID = "ledgerbridgeCrmId";

    /**
     * Working names inside one system's routes file, never read outside it: the Business Central time registration
     * entry a newer version replaces, Xero's time entry, and the file outbox's document and its type.
     */
    public static final String BUSINESS_CENTRAL_ENTRY_ID = "ledgerbridgeBusinessCentralEntryId";
    /** See {@link #BUSINESS_CENTRAL_ENTRY_ID}. */
    public static final String XERO_TIME_ENTRY_ID = "ledgerbridgeXeroTimeEntryId";
    /** See {@link #BUSINESS_CENTRAL_ENTRY_ID}. */
    public static final String OUTBOX_DOCUMENT = "ledgerbridgeOutboxDocument";
    /** See {@link #BUSINESS_CENTRAL_ENTRY_ID}. */
    public static final String OUTBOX_DOCUMENT_TYPE = "ledgerbridgeOutboxDocumentType";

    private SystemCall() {
    }
}
