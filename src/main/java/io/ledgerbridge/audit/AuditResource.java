package io.ledgerbridge.audit;

import io.ledgerbridge.store.Paging;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The audit trail of admin actions, newest first. */
@Path("/admin/audit")
@Tag(name = "audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final io.ledgerbridge.privacy.PersonalData personalData;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    AuditResource(io.ledgerbridge.privacy.PersonalData personalData,
            io.quarkus.security.identity.SecurityIdentity identity) {
        this.personalData = personalData;
        this.identity = identity;
    }

    /** One audited action. */
    public record Entry(long id, String actor, String action, String target, String detail, String outcome,
            Instant at) {
    }

    /** One page of the audit trail. */
    public record EntryPage(List<Entry> items, int page, int size, long total) {
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Audit trail: who did what, when, on what, with which outcome",
            description = "For roles other than operator and approver, personal data in the details (as "
                    + "mappings/privacy/personal-data.json classifies it) is masked as ***.")
    public EntryPage list(@QueryParam("actor") String actor, @QueryParam("action") String action,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(Paging.MAX_PAGE) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        java.util.function.UnaryOperator<String> shown = personalData.shownTo(identity);
        return QuarkusTransaction.requiringNew().call(() -> {
            StringBuilder where = new StringBuilder("1 = 1");
            java.util.Map<String, Object> params = new java.util.HashMap<>();
            if (actor != null && !actor.isBlank()) {
                where.append(" and actor = :actor");
                params.put("actor", actor);
            }
            if (action != null && !action.isBlank()) {
                where.append(" and action = :action");
                params.put("action", action);
            }
            var query = AuditEntry.<AuditEntry>find(where + " order by id desc", params).page(page, size);
            return new EntryPage(query.list().stream().map(e -> new Entry(e.id, e.actor, e.action, e.target, shown.apply(e.detail),
                    e.outcome, e.at)).toList(), page, size, query.count());
        });
    }
}
