package io.ledgerbridge.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import io.ledgerbridge.testing.Admin;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Another site's page cannot make a signed-in browser change anything: what a form or a simple fetch can send is
 * refused before the endpoint (and before the credentials are even looked at), and a browser is never asked for
 * Basic credentials it would then send on its own.
 */
@QuarkusTest
class CrossSiteRequestTest {

    /** A replay job that does not exist: an approval that reaches the endpoint answers 404. */
    private static final String APPROVE = "/admin/replay-jobs/987654321/approve";

    @Test
    void whatAFormCanSendChangesNothing() {
        // what an HTML form posts: url-encoded fields, a multipart form, text/plain
        java.util.List<java.util.function.Supplier<io.restassured.specification.RequestSpecification>> forms = java.util.List.of(
                () -> Admin.as(Admin.APPROVER).formParam("x", "1"),
                () -> Admin.as(Admin.APPROVER).multiPart("x", "1"),
                () -> Admin.as(Admin.APPROVER).contentType("text/plain;charset=UTF-8").body("x=1"));
        for (var form : forms) {
            form.get().post(APPROVE).then().statusCode(415).contentType("application/problem+json")
                    .body("type", is("https://ledgerbridge.io/problems/json-required"))
                    .body("detail", containsString("X-Requested-With"));
        }
        Admin.as(Admin.INTEGRATOR).formParam("x", "1").post("/admin/routes/reload").then().statusCode(415)
                .body("type", is("https://ledgerbridge.io/problems/json-required"));
        // a form without fields, or a fetch with no body at all, sends no Content-Type
        Admin.as(Admin.APPROVER).post(APPROVE).then().statusCode(415)
                .body("type", is("https://ledgerbridge.io/problems/json-required"));
        Admin.as(Admin.OPERATOR).post("/admin/dead-letters/987654321/replay").then().statusCode(415);
    }

    @Test
    void whatOnlyAScriptOfThisSiteOrAnApiClientCanSendGoesThrough() {
        Admin.as(Admin.APPROVER).contentType("application/json").post(APPROVE).then().statusCode(404)
                .body("type", is("https://ledgerbridge.io/problems/not-found"));
        Admin.as(Admin.APPROVER).header("X-Requested-With", "ledgerbridge-console").post(APPROVE).then()
                .statusCode(404);
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/987654321/replay").then()
                .statusCode(404);
        // reads are not changed by any of this
        Admin.as(Admin.VIEWER).get("/admin/dead-letters").then().statusCode(200);
    }

    @Test
    void aRequestTheBrowserMarksCrossSiteIsRefusedWhateverItCarries() {
        Admin.as(Admin.APPROVER).header("Sec-Fetch-Site", "cross-site").header("X-Requested-With", "x")
                .contentType("application/json").post(APPROVE).then().statusCode(403)
                .body("type", is("https://ledgerbridge.io/problems/cross-site-request"));
        Admin.as(Admin.APPROVER).header("Sec-Fetch-Site", "same-origin").contentType("application/json").post(APPROVE)
                .then().statusCode(404);
    }

    @Test
    void aBrowserIsNeverAskedForBasicCredentials() {
        given().header("Sec-Fetch-Mode", "navigate")
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").get("/admin/dead-letters").then()
                .statusCode(401).header("WWW-Authenticate", nullValue());
        given().auth().preemptive().basic("viewer", "wrong").header("Sec-Fetch-Mode", "cors").get("/admin/me").then()
                .statusCode(401).header("WWW-Authenticate", nullValue());
        // API clients (curl, scripts) still get the challenge
        given().get("/admin/dead-letters").then().statusCode(401).header("WWW-Authenticate", containsString("Basic"));
    }
}
