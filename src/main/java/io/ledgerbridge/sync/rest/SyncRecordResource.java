package io.ledgerbridge.sync.rest;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.sync.SyncRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The lineage of one business record: every version moved, and every dead letter on the way. */
@Path("/admin/sync-records")
@Tag(name = "sync-records")
@Produces(MediaType.APPLICATION_JSON)
public class SyncRecordResource {

    /** One posting of one version. */
    public record Posting(long id, String flow, String entityType, String sourceSystem, String sourceId,
            String sourceVersion, String targetSystem, String targetId, String operation, String payloadHash,
            SyncRecord.Status status, int attempts, String correlationId, Instant createdAt, Instant postedAt) {

        static Posting of(SyncRecord r) {
            return new Posting(r.id, r.flow, r.entityType, r.sourceSystem, r.sourceId, r.sourceVersion, r.targetSystem,
                    r.targetId, r.operation, r.payloadHash, r.status, r.attempts, r.correlationId, r.createdAt,
                    r.postedAt);
        }
    }

    /** A dead letter in a lineage. */
    public record Failure(long id, String flow, String step, String errorClass, String sourceVersion,
            DeadLetter.Status status, Instant createdAt) {
    }

    /** Everything recorded under one business key. */
    public record Lineage(String key, List<Posting> postings, List<Failure> deadLetters) {
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Lineage of one business record, e.g. key=harvest:time-entry:636709355")
    public Lineage lineage(@QueryParam("key") String key) {
        if (key == null || key.isBlank()) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Missing key",
                    "key (a business key such as harvest:time-entry:636709355) is required"));
        }
        return QuarkusTransaction.requiringNew().call(() -> new Lineage(key,
                SyncRecord.byBusinessKey(key).stream().map(Posting::of).toList(),
                DeadLetter.byBusinessKey(key).stream().map(d -> new Failure(d.id, d.flow, d.step,
                        d.errorClass.name(), d.sourceVersion, d.status, d.createdAt)).toList()));
    }
}
