package io.ledgerbridge.flow;

/** Why a message failed; each class has its own policy in the shared error policy route configuration. */
public enum ErrorClass {
    /** The message breaks its schema or a field rule: dead-lettered at once. */
    VALIDATION,
    /** A project, person or task has no cross-reference to the target: dead-lettered, replayed when it arrives. */
    REFERENCE,
    /** The target answered 4xx: dead-lettered at once. */
    TARGET_REJECTED,
    /** The target answered 5xx, timed out, or its circuit is open: retried with backoff, then dead-lettered. */
    TARGET_UNAVAILABLE,
    /** The target answered 429: retried after its Retry-After, then dead-lettered. */
    RATE_LIMITED,
    /** No rate card rate for the role on the work date: dead-lettered until the rate card is fixed. */
    RATE,
    /** No FX rate for the currency pair on the business date: dead-lettered until the rate is loaded. */
    FX,
    /** The ERP period of the business date is closed: held for an operator, never dropped. */
    PERIOD_CLOSED,
    /** A defect or an unexpected failure inside ledgerbridge (amounts that do not reconcile to the cent included). */
    INTERNAL
}
