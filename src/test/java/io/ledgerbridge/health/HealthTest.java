package io.ledgerbridge.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/** Readiness covers the database, Kafka and the routes; a stopped flow makes the instance not ready. */
@QuarkusTest
class HealthTest {

    @Inject
    CamelContext camel;

    @Test
    void readyWithDatabaseKafkaAndRoutesAndNotReadyWhileAFlowIsStopped() throws Exception {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("Database connections health check", "kafka", "camel routes"))
                .body("checks.find { it.name == 'kafka' }.status", is("UP"))
                .body("checks.find { it.name == 'camel routes' }.status", is("UP"));

        camel.getRouteController().stopRoute("billing-run");
        try {
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'camel routes' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'camel routes' }.data.notStarted", containsString("billing-run"));
        } finally {
            camel.getRouteController().startRoute("billing-run");
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
