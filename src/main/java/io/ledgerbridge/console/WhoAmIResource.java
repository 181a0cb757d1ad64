package io.ledgerbridge.console;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Who the caller is to the admin API: the console signs in with it and shows only the actions the roles allow. */
@Path("/admin/me")
@Tag(name = "console")
@Produces(MediaType.APPLICATION_JSON)
public class WhoAmIResource {

    /** The caller's name and ledgerbridge roles (viewer, operator, approver). */
    public record Me(String name, List<String> roles) {
    }

    private final SecurityIdentity identity;

    WhoAmIResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Authenticated
    @Operation(summary = "The signed-in user and their roles")
    public Me me() {
        List<String> roles = List.of("viewer", "operator", "approver").stream().filter(identity::hasRole).toList();
        return new Me(identity.getPrincipal().getName(), roles);
    }
}
