package io.ledgerbridge.testing;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** Calls of the admin API as each role (the embedded profile's users, test passwords of the %test profile). */
public final class Admin {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-test";

    private Admin() {
    }

    public static RequestSpecification as(String role) {
        return given().auth().preemptive().basic(role, role + "-test");
    }
}
