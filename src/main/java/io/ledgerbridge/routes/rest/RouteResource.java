package io.ledgerbridge.routes.rest;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.routes.RouteValidator;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The running routes, and checking a route file before it is put in the routes folder. */
@Path("/admin/routes")
@Tag(name = "routes")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    /** A running route: its id, status and the file it came from. */
    public record RouteView(String id, String status, String source, long uptimeMillis) {
    }

    private final CamelContext camel;
    private final RouteValidator validator;

    RouteResource(CamelContext camel, RouteValidator validator) {
        this.camel = camel;
        this.validator = validator;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "The routes running in this instance, with their status and source file")
    public List<RouteView> list() {
        return camel.getRoutes().stream().map(route -> new RouteView(route.getRouteId(),
                String.valueOf(camel.getRouteController().getRouteStatus(route.getRouteId())),
                route.getSourceLocationShort(), route.getUptimeMillis()))
                .sorted(java.util.Comparator.comparing(RouteView::id)).toList();
    }

    @POST
    @Path("/validate")
    @Consumes({"application/yaml", "text/yaml", MediaType.TEXT_PLAIN, MediaType.WILDCARD})
    @RolesAllowed({"operator", "approver"})
    @Operation(summary = "Check a route file against the running set, without applying it",
            description = "The body is the YAML of one route file; `file` names it (an existing file is replaced, "
                    + "a new name is added; `remove=true` checks the set without that file). The set is loaded in a "
                    + "throwaway Camel context that starts no consumer. 200 with the route ids when it would load, "
                    + "422 with every problem found when not.")
    public RouteValidator.Result validate(@QueryParam("file") @DefaultValue("candidate.camel.yaml") String file,
            @QueryParam("remove") @DefaultValue("false") boolean remove, String yaml) {
        if (!file.matches("[A-Za-z0-9._-]+\\.camel\\.yaml")) {
            throw new ProblemException(Problem.of(400, "bad-parameter", "Bad file name",
                    "file must be a plain name ending in .camel.yaml"));
        }
        if (!remove && (yaml == null || yaml.isBlank())) {
            throw new ProblemException(Problem.of(400, "empty-body", "No route file", "send the route file's YAML"));
        }
        Map<String, String> change = new HashMap<>();
        change.put(file, remove ? null : yaml);
        RouteValidator.Result result = validator.validate(change);
        if (!result.valid()) {
            throw new ProblemException(Problem.of(422, "invalid-routes", "The routes would not load",
                    String.join("\n", result.problems())));
        }
        return result;
    }
}
