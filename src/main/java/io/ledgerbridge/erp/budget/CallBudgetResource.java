package io.ledgerbridge.erp.budget;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The call budgets of the ERP accounts: what is left, what waits, whether a day limit holds calls back. */
@Path("/admin/erp/budgets")
@Tag(name = "erp")
@Produces(MediaType.APPLICATION_JSON)
public class CallBudgetResource {

    private final CallBudgets budgets;

    CallBudgetResource(CallBudgets budgets) {
        this.budgets = budgets;
    }

    @GET
    @RolesAllowed({"viewer", "operator", "approver"})
    @Operation(summary = "Per ERP account (system:account): its limits, the tokens left, today's calls, and this "
            + "instance's calls waiting for it (dayExhausted: they wait for the next UTC day)")
    public Map<String, CallBudgets.View> budgets() {
        return budgets.views();
    }
}
