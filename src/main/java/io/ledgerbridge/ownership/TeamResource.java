package io.ledgerbridge.ownership;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The teams that own exceptions, the caller's teams, the SLAs, and what is open and overdue per team. */
@Path("/admin/teams")
@Tag(name = "ownership")
@Produces(MediaType.APPLICATION_JSON)
public class TeamResource {

    /** A team with its members and its open and overdue dead letters and findings. */
    public record TeamView(String id, String name, List<String> members, long openDeadLetters,
            long overdueDeadLetters, long openFindings, long overdueFindings) {
    }

    /** Every team, the caller's own, and the SLAs (ISO-8601 durations) per flow. */
    public record Overview(String me, List<String> myTeams, List<TeamView> teams, String defaultResolution,
            Map<String, Map<String, String>> slas) {
    }

    private final Teams teams;
    private final Ownership ownership;
    private final Slas slas;
    private final SecurityIdentity identity;

    TeamResource(Teams teams, Ownership ownership, Slas slas, SecurityIdentity identity) {
        this.teams = teams;
        this.ownership = ownership;
        this.slas = slas;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver", "integrator"})
    @Operation(summary = "The teams (mappings/ownership.json), the caller's teams, open and overdue work per team, "
            + "and the SLAs per flow (ledgerbridge.slas.*)")
    public Overview list() {
        String me = identity.getPrincipal().getName();
        List<Ownership.Count> counts = ownership.counts();
        List<TeamView> views = teams.all().stream().map(team -> new TeamView(team.id(), team.name(), team.members(),
                count(counts, Ownership.Kind.DEAD_LETTER, team.id(), false),
                count(counts, Ownership.Kind.DEAD_LETTER, team.id(), true),
                count(counts, Ownership.Kind.FINDING, team.id(), false),
                count(counts, Ownership.Kind.FINDING, team.id(), true))).toList();
        return new Overview(me, teams.all().stream().filter(t -> t.members().contains(me)).map(
                Teams.Team::id).toList(), views, slas.resolution(null).toString(),
                slas.configured().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        flow -> flow.getValue().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey, level -> level.getValue().toString())))));
    }

    private static long count(List<Ownership.Count> counts, Ownership.Kind kind, String team, boolean overdue) {
        return counts.stream().filter(c -> c.kind() == kind && c.team().equals(team))
                .mapToLong(c -> overdue ? c.overdue() : c.open()).sum();
    }
}
