package io.ledgerbridge.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The cluster profile's admin authentication: OIDC bearer tokens with roles in the groups claim, issued by a
 * stand-in identity provider; HTTP Basic is off, so the embedded profile's users do not work.
 */
@QuarkusTest
@TestProfile(OidcAdminAuthTest.ClusterAuthentication.class)
@QuarkusTestResource(value = OidcWiremockTestResource.class, restrictToAnnotatedClass = true)
class OidcAdminAuthTest {

    /** The cluster profile's authentication settings, against the stand-in identity provider. */
    public static class ClusterAuthentication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus/",
                    "quarkus.oidc.client-id", "quarkus-service-app",
                    "quarkus.http.auth.basic", "false");
        }
    }

    static String token(String user, String... roles) {
        return OidcWiremockTestResource.getAccessToken(user, Set.of(roles));
    }

    @Test
    void bearerTokenRolesDecideWhatACallerMayDo() {
        given().auth().oauth2(token("olivia", "operator")).get("/admin/dead-letters").then().statusCode(200);
        given().auth().oauth2(token("olivia", "operator")).contentType("application/json").body("[]")
                .put("/admin/cross-references").then().statusCode(422);
        given().auth().oauth2(token("victor", "viewer")).contentType("application/json").body("[]")
                .put("/admin/cross-references").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(token("nobody")).get("/admin/dead-letters").then().statusCode(403);
    }

    @Test
    void theConsoleSignsInWithAnAccessToken() {
        // the console's token sign-in: who the token names and which ledgerbridge roles it carries
        given().auth().oauth2(token("olivia", "operator", "unrelated-group")).get("/admin/me").then().statusCode(200)
                .body("name", is("olivia")).body("roles", contains("operator"));
        given().auth().oauth2("not-a-token").header("X-Requested-With", "ledgerbridge-console").get("/admin/me")
                .then().statusCode(401);
    }

    @Test
    void withoutAValidTokenTheAdminApiAnswers401() {
        given().get("/admin/dead-letters").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("not-a-token").get("/admin/dead-letters").then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().preemptive().basic("operator", "operator-test").get("/admin/dead-letters")
                .then().statusCode(401);
    }

    @Test
    void auditNamesTheTokenSubject() {
        given().auth().oauth2(token("olivia", "operator")).contentType("application/json")
                .body("[{\"entityType\":\"PROJECT\",\"sourceSystem\":\"harvest\",\"sourceId\":\"oidc-1\","
                        + "\"targetSystem\":\"erp\",\"targetId\":\"x\"}]")
                .put("/admin/cross-references").then().statusCode(200);
        given().auth().oauth2(token("victor", "viewer")).queryParam("actor", "olivia").get("/admin/audit")
                .then().statusCode(200).body("items[0].action", is("cross-references"));
    }
}
