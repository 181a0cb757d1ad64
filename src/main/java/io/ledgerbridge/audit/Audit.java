package io.ledgerbridge.audit;

import io.ledgerbridge.store.StoreTime;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * Writes the audit trail of admin actions, in its own transaction so a refused or failed action is audited too, or in
 * the transaction that writes what the action did.
 */
@ApplicationScoped
public class Audit {

    private final SecurityIdentity identity;

    Audit(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** Audits an action of the caller of the current request. */
    public void record(String action, String target, String detail, String outcome) {
        record(actor(), action, target, detail, outcome);
    }

    /** Audits an action of a named actor (a background job acts for the operator who started it). */
    public void record(String actor, String action, String target, String detail, String outcome) {
        AuditEntry entry = entry(actor, action, target, detail, outcome);
        QuarkusTransaction.requiringNew().run(entry::persist);
    }

    /**
     * Audits an action in the caller's transaction, which writes what the action did: the entry commits with it (an
     * action that failed half-way is audited by the caller's own {@link #record} afterwards).
     */
    public void recordInTransaction(String actor, String action, String target, String detail, String outcome) {
        entry(actor, action, target, detail, outcome).persist();
    }

    private static AuditEntry entry(String actor, String action, String target, String detail, String outcome) {
        AuditEntry entry = new AuditEntry();
        entry.actor = actor;
        entry.action = action;
        entry.target = target;
        entry.detail = detail == null || detail.length() <= 4000 ? detail : detail.substring(0, 3999) + "…";
        entry.outcome = outcome;
        entry.at = StoreTime.now();
        return entry;
    }

    /** The name of the caller. */
    public String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
