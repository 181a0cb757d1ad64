package io.ledgerbridge.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reconciliation runs as an operator starts them through the admin API, waited for. */
public final class ReconciliationRuns {

    private ReconciliationRuns() {
    }

    /** Reconciles a period for the projects and answers the completed run with its findings. */
    public static JsonPath run(String period, ContractFixtures.Contracted... projects) {
        long run = Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("period", period,
                "projects", Arrays.stream(projects).map(ContractFixtures.Contracted::projectId).toList()))
                .post("/admin/reconciliations").then().statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + run).then().extract().path("status")));
        JsonPath result = Admin.as(Admin.VIEWER).get("/admin/reconciliations/" + run).then().statusCode(200)
                .extract().jsonPath();
        assertThat(result.getString("status")).as(result.prettify()).isEqualTo("COMPLETED");
        return result;
    }

    /** The run's findings about revenue (CHANGED_AFTER_CLOSE, REVENUE_UNACCOUNTED). */
    public static List<Map<String, Object>> revenueFindings(JsonPath run) {
        return run.<Map<String, Object>>getList("findings").stream()
                .filter(f -> List.of("CHANGED_AFTER_CLOSE", "REVENUE_UNACCOUNTED").contains(f.get("type"))).toList();
    }
}
