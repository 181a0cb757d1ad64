package io.ledgerbridge.testing;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Calls of the admin API as each role (the embedded profile's users, test passwords of the %test profile). */
public final class Admin {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-test";
    public static final String APPROVER = "approver";
    /** Validates and reloads route files; no other role may. */
    public static final String INTEGRATOR = "integrator";

    private Admin() {
    }

    public static RequestSpecification as(String role) {
        return given().auth().preemptive().basic(role, role + "-test");
    }

    /** The Authorization header of a role, for HTTP clients other than RestAssured. */
    public static String basic(String role) {
        return "Basic " + Base64.getEncoder().encodeToString((role + ":" + role + "-test").getBytes(StandardCharsets.UTF_8));
    }
}
