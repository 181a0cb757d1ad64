package io.ledgerbridge.replay;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Progress and outcome of bulk replays, and their approval. */
@Path("/admin/replay-jobs")
@Tag(name = "dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class ReplayJobResource {

    /** One dead letter of a job. */
    public record Item(long deadLetterId, String outcome, String detail, Instant finishedAt) {
    }

    /** A job with its counts by outcome (and, when asked, every item). */
    public record JobView(long id, ReplayJob.Status status, String filter, boolean dryRun, int ratePerSecond,
            String requestedBy, String approvedBy, String approvalReason, Instant createdAt, Instant startedAt, Instant finishedAt,
            long total, Map<String, Long> outcomes, List<Item> items) {

        public static JobView of(ReplayJobs.View view) {
            return of(view, detail -> detail);
        }

        /** The job with each item's detail (a replay's outcome, which may quote the message) as {@code shown}. */
        public static JobView of(ReplayJobs.View view, java.util.function.UnaryOperator<String> shown) {
            ReplayJob job = view.job();
            return new JobView(job.id, job.status, job.filter, job.dryRun, job.ratePerSecond, job.requestedBy,
                    job.approvedBy, job.approvalReason, job.createdAt, job.startedAt, job.finishedAt, view.total(), view.outcomes(),
                    view.items().stream().map(i -> new Item(i.deadLetterId, i.outcome, shown.apply(i.detail), i.finishedAt)).toList());
        }
    }

    private final ReplayJobs jobs;
    private final io.ledgerbridge.privacy.PersonalData personalData;
    private final io.quarkus.security.identity.SecurityIdentity identity;

    ReplayJobResource(ReplayJobs jobs, io.ledgerbridge.privacy.PersonalData personalData,
            io.quarkus.security.identity.SecurityIdentity identity) {
        this.jobs = jobs;
        this.personalData = personalData;
        this.identity = identity;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Progress and outcome of a bulk replay (items=true lists every dead letter)")
    public JobView get(@PathParam("id") long id, @QueryParam("items") @DefaultValue("false") boolean items) {
        return JobView.of(jobs.view(id, items), personalData.shownTo(identity));
    }

    @POST
    @Path("/{id}/approve")
    @RolesAllowed("approver")
    @Operation(summary = "Approve a bulk replay above the approval threshold (not your own request)")
    public JobView approve(@PathParam("id") long id) {
        jobs.approve(id);
        return JobView.of(jobs.view(id, false));
    }
}
