package io.ledgerbridge.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.ledgerbridge.testing.Management;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * Health, metrics (KPIs, counts) and the OpenAPI document are on the management port, which the NetworkPolicy opens
 * to monitoring only; whoever reaches the webhooks on the service port reads none of them.
 */
@QuarkusTest
class ManagementPortTest {

    @Test
    void metricsHealthAndTheApiDocumentAreOnlyOnTheManagementPort() {
        for (String path : new String[] {"/q/metrics", "/q/openapi", "/q/health/ready", "/q/health/live"}) {
            given().get(path).then().statusCode(404);
        }
        given().get(Management.url("/q/metrics")).then().statusCode(200)
                .body(containsString("ledgerbridge_"));
        given().accept("application/json").get(Management.url("/q/openapi")).then().statusCode(200)
                .body(containsString("/admin/dead-letters"));
        given().get(Management.url("/q/health/ready")).then().statusCode(200);
        // and the management port serves nothing else: no admin API, no webhooks there
        given().get(Management.url("/admin/dead-letters")).then().statusCode(404);
    }
}
