package io.ledgerbridge.routes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
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
        Admin.as(Admin.INTEGRATOR).contentType("application/yaml").queryParam("file", "intake.camel.yaml")
                .queryParam("remove", true).post("/admin/routes/validate").then().statusCode(422)
                .body("detail", containsString("source-webhook"));
        // a viewer, an operator and an approver may look, not check
        for (String role : new String[] {Admin.VIEWER, Admin.OPERATOR, Admin.APPROVER}) {
            Admin.as(role).contentType("application/yaml").body(time.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/admin/routes/validate").then()
                    .statusCode(403);
        }
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

    @Test
    void aRouteFileCannotRunCodeReachOutOrReadSecretsAndEveryCheckIsAudited() throws Exception {
        // a bean whose init method starts a process: refused before anything is built
        Path marker = Path.of("target", "route-validation-ran-" + System.nanoTime());
        assertRefused("shell.camel.yaml", """
                - beans:
                    - name: shell
                      type: java.lang.ProcessBuilder
                      constructors:
                        0: "touch"
                        1: "%s"
                      initMethod: start
                - route:
                    id: shell
                    from:
                      uri: direct:shell
                      steps:
                        - log: x
                """.formatted(marker.toAbsolutePath()), "shell.camel.yaml:1: 'beans' declares beans");
        Thread.sleep(500);
        assertThat(marker).as("no process was started").doesNotExist();

        // a resource on any host: refused without a connection to it
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(1000);
            assertRefused("ssrf.camel.yaml", route("ssrf", "- to: \"jsonata:http://127.0.0.1:"
                    + listener.getLocalPort() + "/latest/meta-data\""), "outside the mappings location");
            assertThatThrownBy(() -> listener.accept().close()).as("nothing connected")
                    .isInstanceOf(SocketTimeoutException.class);
        }

        // settings are never echoed: not a password through a placeholder, not a resolved value in Camel's words
        String approverPassword = "approver-test";
        Response echo = validate("echo.camel.yaml", route("x-{{quarkus.security.users.embedded.users.approver}}",
                "- log: \"{{env:HOME}}\""));
        assertThat(echo.statusCode()).isEqualTo(422);
        assertThat(echo.asString()).contains("{{quarkus.security.users.embedded.users.approver}}", "{{env:HOME}}")
                .doesNotContain(approverPassword);
        Response resolved = validate("resolved.camel.yaml", route("resolved",
                "- to:\n                uri: \"direct:{{ledgerbridge.time.topic}}?noSuchOption=1\""));
        assertThat(resolved.statusCode()).isEqualTo(422);
        assertThat(resolved.asString()).contains("noSuchOption", "{{ledgerbridge.time.topic}}")
                .doesNotContain(timeTopic);
        validate("written.camel.yaml", route("at-{{ledgerbridge.time.topic}}", "- log: x")).then().statusCode(200)
                .body("routes", hasItem("at-{{ledgerbridge.time.topic}}"))
                .body(org.hamcrest.Matchers.not(containsString(timeTopic)));

        // each check is audited with who asked, the file and its digest
        String yaml = route("audited", "- log: x");
        validate("audited.camel.yaml", yaml).then().statusCode(200);
        String digest = RouteFile.digest(yaml);
        Admin.as(Admin.VIEWER).queryParam("action", "routes.validate").get("/admin/audit").then().statusCode(200)
                .body("items.find { it.target == 'audited.camel.yaml' }.actor", is(Admin.INTEGRATOR))
                .body("items.find { it.target == 'audited.camel.yaml' }.detail", containsString(digest))
                .body("items.find { it.target == 'audited.camel.yaml' }.outcome", is("VALID"))
                .body("items.find { it.target == 'shell.camel.yaml' }.outcome", is("INVALID"));
    }

    @ConfigProperty(name = "ledgerbridge.time.topic")
    String timeTopic;

    private static void assertRefused(String file, String yaml, String named) {
        Response answer = validate(file, yaml);
        assertThat(answer.statusCode()).as("%s: %s", file, answer.asString()).isEqualTo(422);
        String detail = answer.then().contentType("application/problem+json")
                .body("title", is("The routes would not load")).extract().path("detail");
        assertThat(detail).as("the reason names %s", named).contains(named);
    }

    private static Response validate(String file, String yaml) {
        return Admin.as(Admin.INTEGRATOR).contentType("application/yaml")
                .queryParam("file", file).body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/admin/routes/validate");
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
