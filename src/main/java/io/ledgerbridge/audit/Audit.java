package io.ledgerbridge.audit;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Writes the audit trail of admin actions, in its own transaction so a failed action is audited too. */
@ApplicationScoped
public class Audit {

    private final SecurityIdentity identity;

    Audit(SecurityIdentity identity) {
        this.identity = identity;
    }

    public void record(String action, String target, String detail, String outcome) {
        AuditEntry entry = new AuditEntry();
        entry.actor = identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        entry.action = action;
        entry.target = target;
        entry.detail = detail == null || detail.length() <= 4000 ? detail : detail.substring(0, 3999) + "…";
        entry.outcome = outcome;
        entry.at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        QuarkusTransaction.requiringNew().run(entry::persist);
    }

    /** The name of the caller. */
    public String actor() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
