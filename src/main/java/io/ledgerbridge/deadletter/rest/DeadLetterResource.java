package io.ledgerbridge.deadletter.rest;

import io.ledgerbridge.store.Paging;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.deadletter.DeadLetterFilter;
import io.ledgerbridge.deadletter.DeadLetterReplay;
import io.ledgerbridge.deadletter.DeadLetters;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.ownership.OwnerFilter;
import io.ledgerbridge.ownership.Ownership;
import io.ledgerbridge.privacy.PersonalData;
import io.quarkus.security.identity.SecurityIdentity;
import io.ledgerbridge.replay.ReplayJob;
import io.ledgerbridge.replay.ReplayJobResource;
import io.ledgerbridge.replay.ReplayJobs;
import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The operators' view of dead letters: find, inspect, replay (as is or edited), resolve, discard. */
@Path("/admin/dead-letters")
@Tag(name = "dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** A dead letter in a list, with who owns it and until when. */
    public record Summary(long id, String flow, String step, String businessKey, ErrorClass errorClass,
            String errorMessage, int attempts, DeadLetter.Status status, Instant createdAt, Instant updatedAt,
            String entity, String team, String assignee, Instant dueAt, boolean overdue, Instant escalatedAt) {

        Summary withErrorMessage(String message) {
            return new Summary(id, flow, step, businessKey, errorClass, message, attempts, status, createdAt,
                    updatedAt, entity, team, assignee, dueAt, overdue, escalatedAt);
        }

        static Summary of(DeadLetter letter) {
            return new Summary(letter.id, letter.flow, letter.step, letter.businessKey, letter.errorClass,
                    letter.errorMessage, letter.attempts, letter.status, letter.createdAt, letter.updatedAt,
                    letter.entity, letter.ownerTeam, letter.assignee, letter.dueAt, overdue(letter),
                    letter.escalatedAt);
        }

        private static boolean overdue(DeadLetter letter) {
            return io.ledgerbridge.ownership.Ownership.overdue(letter.status == DeadLetter.Status.OPEN, letter.dueAt);
        }
    }

    /** One page of dead letters. */
    public record SummaryPage(List<Summary> items, int page, int size, long total) {
    }

    /** Everything about one dead letter, the replay history included. */
    public record Detail(long id, String flow, String step, String businessKey, String sourceSystem, String sourceId,
            String sourceVersion, ErrorClass errorClass, String errorMessage, int attempts, DeadLetter.Status status,
            String correlationId, Instant createdAt, Instant updatedAt, String resolution, JsonNode headers,
            String payload, String editedPayload, List<Replay> replays, String entity, String team, String assignee,
            Instant dueAt, boolean overdue, Instant escalatedAt) {
    }

    /** One replay as the API shows it. */
    public record Replay(long id, String requestedBy, Instant requestedAt, boolean edited,
            DeadLetterReplay.Outcome outcome, String detail, Instant finishedAt) {

        static Replay of(DeadLetterReplay replay) {
            return new Replay(replay.id, replay.requestedBy, replay.requestedAt, replay.edited, replay.outcome,
                    replay.detail, replay.finishedAt);
        }

        Replay withDetail(String masked) {
            return new Replay(id, requestedBy, requestedAt, edited, outcome, masked, finishedAt);
        }
    }

    /** What a bulk replay takes: a filter (status defaults to OPEN), a dry-run flag and a rate limit. */
    public record BulkReplay(Filter filter, boolean dryRun, @Min(0) @Max(1000) Integer ratePerSecond) {
    }

    /** The dead letters a bulk replay selects; assignee "me" is the caller, "none" nobody. */
    public record Filter(String flow, String status, String errorClass, String key, String from, String to,
            String team, String assignee, boolean overdue) {
    }



    /** Why an operator closes a dead letter. */
    public record Reason(@NotBlank @Size(max = 1000) String reason) {
    }

    private final DeadLetters deadLetters;
    private final ReplayJobs replayJobs;
    private final ObjectMapper json;
    private final PersonalData personalData;
    private final SecurityIdentity identity;
    private final Ownership ownership;

    DeadLetterResource(DeadLetters deadLetters, ReplayJobs replayJobs, ObjectMapper json, PersonalData personalData,
            SecurityIdentity identity, Ownership ownership) {
        this.ownership = ownership;
        this.deadLetters = deadLetters;
        this.replayJobs = replayJobs;
        this.json = json;
        this.personalData = personalData;
        this.identity = identity;
    }

    @POST
    @Path("/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Bulk replay by filter, as a background job",
            description = "Selects the dead letters of the filter now (status OPEN unless given), then replays them "
                    + "one by one at ratePerSecond (0: no limit, default 10). dryRun lists what would be replayed. "
                    + "Above ledgerbridge.replay.approval-threshold dead letters the job waits for another "
                    + "approver (POST /admin/replay-jobs/{id}/approve). Follow it at /admin/replay-jobs/{id}.")
    public Response bulkReplay(@Valid @NotNull BulkReplay request) {
        Filter f = request.filter() == null ? new Filter(null, null, null, null, null, null, null, null, false)
                : request.filter();
        DeadLetterFilter filter = DeadLetterFilter.parse(f.flow(), f.status() == null ? "OPEN" : f.status(),
                f.errorClass(), f.key(), f.from(), f.to()).owned(owner(f.team(), f.assignee(), f.overdue()));
        ReplayJob job = replayJobs.request(filter, request.dryRun(),
                request.ratePerSecond() == null ? 10 : request.ratePerSecond());
        return Response.accepted(ReplayJobResource.JobView.of(replayJobs.view(job.id, request.dryRun())))
                .location(URI.create("/admin/replay-jobs/" + job.id)).build();
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "List dead letters, newest first",
            description = "Filters: flow, status (OPEN, REPLAYING, REPLAYED, RESOLVED, DISCARDED), errorClass, "
                    + "key (business key), from/to (ISO-8601 instants on the time of failure), team (owning team), "
                    + "assignee (a user name, me, or none for what nobody has taken), overdue=true (open and past "
                    + "its due time).")
    public SummaryPage list(@QueryParam("flow") String flow, @QueryParam("status") String status,
            @QueryParam("errorClass") String errorClass, @QueryParam("key") String key,
            @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("team") @Size(max = 64) String team, @QueryParam("assignee") @Size(max = 128) String assignee,
            @QueryParam("overdue") @DefaultValue("false") boolean overdue,
            @QueryParam("page") @DefaultValue("0") @Min(0) @Max(Paging.MAX_PAGE) int page,
            @QueryParam("size") @DefaultValue("50") @Min(1) @Max(Paging.MAX_SIZE) int size) {
        DeadLetters.Page found = deadLetters.find(DeadLetterFilter.parse(flow, status, errorClass, key, from, to)
                .owned(owner(team, assignee, overdue)), page, size);
        boolean masked = masked();
        return new SummaryPage(found.items().stream().map(Summary::of)
                .map(d -> masked ? d.withErrorMessage(personalData.maskText(d.errorMessage())) : d).toList(),
                found.page(), found.size(), found.total());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "One dead letter: original and edited payload, headers, error, attempts, replays",
            description = "For the viewer role, personal data as mappings/privacy/personal-data.json classifies it "
                    + "(names, e-mails, phones, addresses, identifiers, notes, rates) is masked as *** in payload, "
                    + "headers, error message, resolution and the replays' outcomes.")
    public Detail get(@PathParam("id") long id) {
        DeadLetter letter = deadLetters.get(id);
        boolean masked = masked();
        JsonNode headers = readHeaders(letter.headers);
        return new Detail(letter.id, letter.flow, letter.step, letter.businessKey, letter.sourceSystem,
                letter.sourceId, letter.sourceVersion, letter.errorClass,
                masked ? personalData.maskText(letter.errorMessage) : letter.errorMessage, letter.attempts,
                letter.status, letter.correlationId, letter.createdAt, letter.updatedAt,
                masked ? personalData.maskText(letter.resolution) : letter.resolution,
                masked ? personalData.mask(headers) : headers,
                masked ? personalData.mask(letter.payload) : letter.payload,
                masked ? personalData.mask(letter.editedPayload) : letter.editedPayload,
                deadLetters.replays(id).stream().map(Replay::of)
                        .map(r -> masked ? r.withDetail(personalData.maskText(r.detail())) : r).toList(),
                letter.entity, letter.ownerTeam, letter.assignee, letter.dueAt, Summary.overdue(letter),
                letter.escalatedAt);
    }

    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Replay one dead letter through its flow",
            description = "Content-Type: application/json. Without a body the original message is replayed; with a "
                    + "body, that body is the edited "
                    + "message (kept beside the original). The replay passes the flow's idempotency check: what "
                    + "was already posted is not posted again. 409 if the dead letter is not OPEN, 503 while "
                    + "the ERP's circuit is open.")
    public Replay replay(@PathParam("id") long id, String editedPayload) {
        String edited = editedPayload == null || editedPayload.isBlank() ? null : editedPayload;
        if (edited != null) {
            try {
                json.readTree(edited);
            } catch (JsonProcessingException e) {
                throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                        "the edited payload is not valid JSON: " + e.getOriginalMessage()));
            }
        }
        return Replay.of(deadLetters.replay(id, edited));
    }

    @POST
    @Path("/{id}/resolve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Close an open dead letter as resolved (fixed by other means), with a reason")
    public Summary resolve(@PathParam("id") long id, @Valid @NotNull Reason reason) {
        return Summary.of(deadLetters.close(id, DeadLetter.Status.RESOLVED, reason.reason()));
    }

    @POST
    @Path("/{id}/discard")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Close an open dead letter as discarded (never to be sent), with a reason")
    public Summary discard(@PathParam("id") long id, @Valid @NotNull Reason reason) {
        return Summary.of(deadLetters.close(id, DeadLetter.Status.DISCARDED, reason.reason()));
    }

    @POST
    @Path("/{id}/take")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Take an open dead letter: the caller becomes its assignee (audited)",
            description = "Content-Type: application/json, no body needed. 409 once it is closed.")
    public Ownership.Owner take(@PathParam("id") long id) {
        return ownership.take(Ownership.Kind.DEAD_LETTER, id);
    }

    @POST
    @Path("/{id}/assign")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Hand an open dead letter to another team and/or a member of its team (audited)",
            description = "team: one of GET /admin/teams (default: the current team); assignee: a member of that "
                    + "team, or null to leave it to the team. 422 for an unknown team or a non-member, 409 once "
                    + "it is closed.")
    public Ownership.Owner assign(@PathParam("id") long id, @Valid @NotNull Ownership.Assignment assignment) {
        return ownership.assign(Ownership.Kind.DEAD_LETTER, id, assignment.team(), assignment.assignee(),
                assignment.note());
    }

    private OwnerFilter owner(String team, String assignee, boolean overdue) {
        return OwnerFilter.of(team, assignee, overdue, identity.getPrincipal().getName(), Instant.now());
    }

    /** Viewers read what failed and why, not the people in it: names, e-mails, notes and rates are masked. */
    private boolean masked() {
        return !PersonalData.seesPersonalData(identity);
    }

    private JsonNode readHeaders(String headers) {
        try {
            return headers == null ? json.createObjectNode() : json.readTree(headers);
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }
}
