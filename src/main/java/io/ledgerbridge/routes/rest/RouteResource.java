package io.ledgerbridge.routes.rest;

import io.ledgerbridge.problem.Problem;
import io.ledgerbridge.problem.ProblemException;
import io.ledgerbridge.audit.Audit;
import io.ledgerbridge.routes.RouteFile;
import io.ledgerbridge.routes.RouteFolderWatch;
import io.ledgerbridge.routes.RouteReloader;
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

/** The running routes, checking a route file before it is put in the routes folder, and applying the folder. */
@Path("/admin/routes")
@Tag(name = "routes")
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    /** A running route: its id, status and the file it came from. */
    public record RouteView(String id, String status, String source, long uptimeMillis) {
    }

    /**
     * The routes of this instance and where they come from: the location, whether edits there are watched, whether
     * the folder holds exactly what runs, a reload under way, and the last reload (a rejected one names its
     * problems).
     */
    public record RoutesView(String location, boolean watching, boolean inSync, String reloading,
            RouteReloader.Reload lastReload, List<RouteView> routes) {
    }

    private final CamelContext camel;
    private final RouteValidator validator;
    private final RouteReloader reloader;
    private final RouteFolderWatch watch;
    private final Audit audit;

    RouteResource(CamelContext camel, RouteValidator validator, RouteReloader reloader, RouteFolderWatch watch,
            Audit audit) {
        this.camel = camel;
        this.audit = audit;
        this.validator = validator;
        this.reloader = reloader;
        this.watch = watch;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver", "integrator"})
    @Operation(summary = "The routes running in this instance, with their status and source file, and the last reload")
    public RoutesView list() {
        List<RouteView> routes = camel.getRoutes().stream().map(route -> new RouteView(route.getRouteId(),
                String.valueOf(camel.getRouteController().getRouteStatus(route.getRouteId())),
                route.getSourceLocationShort(), route.getUptimeMillis()))
                .sorted(java.util.Comparator.comparing(RouteView::id)).toList();
        return new RoutesView(validator.location(), watch.watching(), reloader.inSync(), reloader.inProgress(),
                reloader.last(), routes);
    }

    @POST
    @Path("/reload")
    @RolesAllowed("integrator")
    @Operation(summary = "Validate the routes folder and apply what changed, without a restart",
            description = "The whole folder is loaded in a throwaway Camel context first; when it would not load, "
                    + "nothing running changes and the answer is 422 with every problem. Otherwise the routes of "
                    + "the changed files are replaced one by one (in-flight exchanges finish first), routes that "
                    + "are gone are drained and removed, new ones started. Answers once done: APPLIED, or "
                    + "UNCHANGED when the folder is what runs.")
    public RouteReloader.Reload reload() {
        if (!reloader.folderBacked()) {
            throw new ProblemException(Problem.of(409, "routes-packaged", "The routes are packaged",
                    "ledgerbridge.routes.location is " + validator.location() + ": point it at a folder (file:…) "
                            + "to change routes without a rebuild"));
        }
        RouteReloader.Reload reload = reloader.reload("api", audit.actor());
        switch (reload.outcome()) {
            case REJECTED -> throw new ProblemException(Problem.of(422, "invalid-routes",
                    "The routes would not load; the running routes are unchanged",
                    String.join("\n", reload.problems())));
            case FAILED -> throw new ProblemException(Problem.of(500, "route-reload-failed",
                    "Applying the routes failed part-way", String.join("\n", reload.problems())
                            + "\nSee GET /admin/routes for what runs."));
            default -> {
                return reload;
            }
        }
    }

    @POST
    @Path("/validate")
    @Consumes({"application/yaml", "text/yaml", "application/x-yaml"})
    @RolesAllowed("integrator")
    @Operation(summary = "Check a route file against the running set, without applying it",
            description = "The body is the YAML of one route file; `file` names it (an existing file is replaced, "
                    + "a new name is added; `remove=true` checks the set without that file). First what the files "
                    + "use is checked against the route policy (components, languages, beans, placeholders; see "
                    + "docs), on the YAML as written; only then is the set loaded in a throwaway Camel context that "
                    + "starts no consumer. 200 with the route ids as written when it would load, 422 with every "
                    + "problem found when not (file and line, quoting the file, never a resolved setting). Audited "
                    + "with the file's SHA-256.")
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
        audit.record("routes.validate", file, (remove ? "remove" : "sha-256 " + RouteFile.digest(yaml))
                + (result.valid() ? "" : "; " + result.problems().size() + " problem(s): "
                        + String.join("; ", result.problems())), result.valid() ? "VALID" : "INVALID");
        if (!result.valid()) {
            throw new ProblemException(Problem.of(422, "invalid-routes", "The routes would not load",
                    String.join("\n", result.problems())));
        }
        return result;
    }
}
