package io.ledgerbridge.routes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A route file is checked against the running set before anyone applies it: each kind of bad edit is refused with
 * a message that names it, a good one passes, and checking starts nothing and changes nothing that runs.
 */
@QuarkusTest
class RouteValidationTest {

    static final String TIME_FLOW = "approved-time-to-erp.camel.yaml";

    @Test
    void theRepositorysRoutesAndAGoodEditPass() throws Exception {
        String edited = time().replace("uri: \"jsonata:", "uri: \"jsonata:");
        validate(TIME_FLOW, edited).then().statusCode(200).body("valid", is(true))
                .body("routes", hasItem("approved-time-to-erp")).body("routes", hasItem("post-time-entries"));
        // a new file with a route of its own
        validate("ping.camel.yaml", """
                - route:
                    id: ping
                    from:
                      uri: direct:ping
                      steps:
                        - setBody:
                            simple: "pong ${header.name}"
                """).then().statusCode(200).body("routes", hasItem("ping"));
    }

    @Test
    void eachKindOfBadEditIsRefusedWithItsReason() throws Exception {
        String time = time();
        assertRefused(TIME_FLOW, time.replace("uri: direct:approved-time-to-erp", "uri: nosuchcomponent:approved"),
                "nosuchcomponent");
        assertRefused("broken.camel.yaml", "- route:\n    id: x\n    from: [not, a, map\n", "broken.camel.yaml");
        assertRefused("expr.camel.yaml", route("bad-expression", "- setBody:\n                simple: \"${header.foo\""),
                "header.foo");
        assertRefused("placeholder.camel.yaml", route("bad-placeholder",
                "- to:\n                uri: \"direct:{{ledgerbridge.no-such-setting}}\""), "ledgerbridge.no-such-setting");
        assertRefused("bean.camel.yaml", route("bad-bean", "- bean:\n                ref: noSuchBean\n"
                + "                method: run"), "noSuchBean");
        assertRefused("mapping.camel.yaml", route("bad-mapping",
                "- to:\n                uri: \"jsonata:{{ledgerbridge.mappings.location}}/time-entry/gone.jsonata\""),
                "gone.jsonata");
        assertRefused("duplicate.camel.yaml", route("approved-time-to-erp", "- log: twice"), "approved-time-to-erp");
        assertRefused("noid.camel.yaml", "- route:\n    from:\n      uri: direct:no-id\n      steps:\n"
                + "        - log: no id\n", "has no id");
        assertRefused("option.camel.yaml", route("bad-option", "- to:\n                uri: \"direct:x?noSuchOption=1\""),
                "noSuchOption");
        // removing the file of the route templates breaks every flow that uses them
        given().auth().preemptive().basic("operator", "operator-test").queryParam("file", "intake.camel.yaml")
                .queryParam("remove", true).post("/admin/routes/validate").then().statusCode(422)
                .body("detail", containsString("source-webhook"));
        // a viewer may look, not check
        Admin.as(Admin.VIEWER).contentType("text/plain").body(time).post("/admin/routes/validate").then()
                .statusCode(403);
    }

    @Test
    void checkingStartsNothingAndTheRunningRoutesKeepWorking() throws Exception {
        validate("ping.camel.yaml", """
                - route:
                    id: trial-only
                    from:
                      uri: platform-http:/api/v1/trial-only
                      steps:
                        - setBody:
                            constant: should never answer
                """).then().statusCode(200);
        given().get("/api/v1/trial-only").then().statusCode(404);
        Admin.as(Admin.VIEWER).get("/admin/routes").then().statusCode(200)
                .body("routes.find { it.id == 'approved-time-to-erp' }.status", is("Started"))
                .body("routes.find { it.id == 'approved-time-to-erp' }.source", containsString(TIME_FLOW))
                .body("routes.id", org.hamcrest.Matchers.not(hasItem("trial-only")));

        VendorStubs.reset();
        TimeEntryFixtures.Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "1", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, "2026-11-20T10:15:00Z"));
    }

    private static void assertRefused(String file, String yaml, String named) {
        io.restassured.response.Response answer = validate(file, yaml);
        assertThat(answer.statusCode()).as("%s: %s", file, answer.asString()).isEqualTo(422);
        String detail = answer.then().contentType("application/problem+json")
                .body("title", is("The routes would not load")).extract().path("detail");
        assertThat(detail).as("the reason names %s", named).contains(named);
    }

    private static io.restassured.response.Response validate(String file, String yaml) {
        return given().auth().preemptive().basic("operator", "operator-test").contentType("text/plain")
                .queryParam("file", file).body(yaml).post("/admin/routes/validate");
    }

    private static String route(String id, String step) {
        return """
                - route:
                    id: %s
                    from:
                      uri: direct:%s
                      steps:
                        %s
                """.formatted(id, id + "-in", step);
    }

    private static String time() throws Exception {
        return Files.readString(Path.of("routes", TIME_FLOW));
    }
}
