package io.ledgerbridge.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile callers at the ingresses: source webhooks must be signed with the shared secret (HMAC-SHA256 of the raw
 * body), and no request body over the size limit is read.
 */
@QuarkusTest
@TestProfile(IngressHardeningTest.SignedWebhooks.class)
class IngressHardeningTest {

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URL service;

    static final String SECRET = "webhook-secret-for-tests";
    static final String HR_SECRET = "hr-has-its-own";
    static final String V1 = "2026-11-20T10:15:00Z";

    /** A shared webhook secret, one of its own for the HR system, and a 1 MB body limit. */
    public static class SignedWebhooks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.webhooks.secret", SECRET, "ledgerbridge.webhooks.sources.hr.secret", HR_SECRET,
                    "quarkus.http.limits.max-body-size", "1M");
        }
    }

    @Test
    void onlyCallsSignedWithTheSecretAreAccepted() {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        String body = project.approvedEntry(entry, "2", V1);

        given().contentType("application/json").body(body).post("/api/v1/time-entries").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("X-Ledgerbridge-Signature"));
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=" + sign("guess", body))
                .body(body).post("/api/v1/time-entries").then().statusCode(401)
                .body("title", is("Webhook signature not accepted"));
        // signed, then changed on the way
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=" + sign(SECRET, body))
                .body(body.replace("\"hours\": 2", "\"hours\": 20")).post("/api/v1/time-entries").then()
                .statusCode(401).body("detail", containsString("does not match"));
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=not-hex")
                .body(body).post("/api/v1/time-entries").then().statusCode(401);
        assertThat(Store.syncRecords(entry)).as("nothing of a refused call is kept").isEmpty();

        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=" + sign(SECRET, body))
                .body(body).post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));

        // a source system with its own secret: the shared one does not open it
        String person = "{\"id\": \"hr-1\"}";
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=" + sign(SECRET, person))
                .body(person).post("/api/v1/people").then().statusCode(401);
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "sha256=" + sign(HR_SECRET, person))
                .body(person).post("/api/v1/people").then().statusCode(422);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() throws Exception {
        byte[] huge = ("[" + "\"x\",".repeat(3_000_000) + "\"x\"]").getBytes(StandardCharsets.UTF_8); // ~12 MB
        // the refusal comes from the declared length, before the body is sent (Expect: 100-continue, as curl does)
        assertThat(post("/api/v1/time-entries", huge, null, true).statusCode()).isEqualTo(413);
        // sent in chunks without a declared length, a body is read up to the limit only
        byte[] over = ("[" + "\"x\",".repeat(300_000) + "\"x\"]").getBytes(StandardCharsets.UTF_8); // ~1.2 MB
        assertThat(post("/api/v1/time-entries", over, null, false).statusCode()).isEqualTo(413);
        HttpResponse<String> admin = post("/admin/reference-data", huge, "Basic "
                + java.util.Base64.getEncoder().encodeToString("operator:operator-test".getBytes(StandardCharsets.UTF_8)), true);
        assertThat(admin.statusCode()).isEqualTo(413);
        // a body under the limit is read as usual, and the service is still there
        given().contentType("application/json").body("[]").post("/api/v1/time-entries").then().statusCode(401);
        Admin.as(Admin.VIEWER).get("/admin/me").then().statusCode(200);
    }

    private HttpResponse<String> post(String path, byte[] body, String authorization, boolean expectContinue)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.toURI().resolve(path)).expectContinue(expectContinue)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .method(path.startsWith("/admin") ? "PUT" : "POST", expectContinue
                        ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String sign(String secret, String body) {
        return HexFormat.of().formatHex(WebhookSignatures.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
    }
}
