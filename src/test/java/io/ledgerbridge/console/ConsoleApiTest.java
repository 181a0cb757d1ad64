package io.ledgerbridge.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.ledgerbridge.testing.Admin;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the operator console relies on besides the admin API it shows: sign-in, page, history and run lists. */
@QuarkusTest
class ConsoleApiTest {

    @Test
    void theConsolePageIsServedWithItsSecurityHeaders() {
        given().redirects().follow(false).get("/console").then().statusCode(302)
                .header("Location", endsWith("/console/"));
        given().get("/console/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("console.js"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Cache-Control", "no-cache");
        // the script and styles too: a new version of the service is never run with the old console
        for (String file : new String[] {"/console/console.js", "/console/index.html"}) {
            given().get(file).then().statusCode(200).header("Cache-Control", "no-cache");
        }
    }

    @Test
    void signInTellsWhoAndWhichRolesAndAFailedOneHasNoBrowserChallenge() {
        Admin.as(Admin.VIEWER).get("/admin/me").then().statusCode(200).body("name", is("viewer"))
                .body("roles", contains("viewer"));
        Admin.as("approver").get("/admin/me").then().statusCode(200).body("roles", contains("approver"));
        // API clients get the Basic challenge; the console (its own sign-in form) does not
        given().auth().preemptive().basic("viewer", "wrong").get("/admin/dead-letters").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic("viewer", "wrong").header("X-Requested-With", "ledgerbridge-console")
                .get("/admin/me").then().statusCode(401).header("WWW-Authenticate", nullValue());
        given().header("X-Requested-With", "ledgerbridge-console").get("/admin/dead-letters").then().statusCode(401)
                .header("WWW-Authenticate", nullValue());
    }

    @Test
    void kpiHistoryIsMonthByMonthOldestFirst() {
        Admin.as(Admin.VIEWER).queryParam("to", "2026-11").queryParam("months", 3).get("/admin/kpis/history").then()
                .statusCode(200).body("period", contains("2026-09", "2026-10", "2026-11"));
        Admin.as(Admin.VIEWER).queryParam("months", 0).get("/admin/kpis/history").then().statusCode(400)
                .contentType("application/problem+json");
        Admin.as(Admin.VIEWER).queryParam("to", "November").get("/admin/kpis/history").then().statusCode(400)
                .body("detail", containsString("YYYY-MM"));
    }

    @Test
    void reconciliationRunsAreListedByPeriodAndTheirFindingsFiltered() {
        long run = Admin.as(Admin.OPERATOR).contentType("application/json")
                .body(Map.of("period", "2025-02", "projects", List.of(-1))).post("/admin/reconciliations").then()
                .statusCode(202).extract().jsonPath().getLong("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> !"RUNNING".equals(Admin.as(Admin.VIEWER)
                .get("/admin/reconciliations/" + run).then().extract().path("status")));

        List<Integer> ids = Admin.as(Admin.VIEWER).queryParam("period", "2025-02").get("/admin/reconciliations")
                .then().statusCode(200).body("period", hasItem("2025-02")).body("findings", hasItem(nullValue()))
                .extract().path("id");
        assertThat(ids).contains((int) run);
        assertThat(ids).isSortedAccordingTo((a, b) -> b - a);
        Admin.as(Admin.VIEWER).queryParam("period", "Feb").get("/admin/reconciliations").then().statusCode(400)
                .contentType("application/problem+json");
        Admin.as(Admin.VIEWER).queryParam("type", "STALE").get("/admin/reconciliations/" + run).then()
                .statusCode(200).body("findings", empty());
        Admin.as(Admin.VIEWER).queryParam("type", "LATE").get("/admin/reconciliations/" + run).then()
                .statusCode(400).body("detail", containsString("MISSING_IN_TARGET"));
    }
}
