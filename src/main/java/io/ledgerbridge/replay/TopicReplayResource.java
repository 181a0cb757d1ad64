package io.ledgerbridge.replay;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Replaying a flow's Kafka source topic from a timestamp (cluster profile). */
@Path("/admin")
@Tag(name = "dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class TopicReplayResource {

    /** From when to replay. */
    public record From(@NotNull String from) {
    }

    private final TopicReplays replays;

    TopicReplayResource(TopicReplays replays) {
        this.replays = replays;
    }

    @POST
    @Path("/flows/{flow}/replay-from")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Replay a flow's Kafka source topic from a timestamp",
            description = "Every record from the first offset at or after 'from' (ISO-8601) up to the end offsets "
                    + "of now runs through the flow again; what was already posted is skipped. Follow it at "
                    + "/admin/topic-replays/{id}.")
    public Response replayFrom(@PathParam("flow") String flow, @NotNull From body) {
        Instant from;
        try {
            from = Instant.parse(body.from());
        } catch (DateTimeParseException | NullPointerException bad) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad from",
                    "from must be an ISO-8601 instant such as 2026-11-20T00:00:00Z"));
        }
        TopicReplay replay = replays.start(flow, from);
        return Response.accepted(replay).location(URI.create("/admin/topic-replays/" + replay.id)).build();
    }

    @GET
    @Path("/topic-replays/{id}")
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Progress and outcome of a topic replay")
    public TopicReplay get(@PathParam("id") long id) {
        return replays.get(id);
    }
}
