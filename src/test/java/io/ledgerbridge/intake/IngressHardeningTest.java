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
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URL;
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

    @TestHTTPResource("/")
    URL service;

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
    void aBodyOverTheLimitIsRefusedWith413ProblemJsonOnEveryEndpoint() throws Exception {
        byte[] huge = ("[" + "\"x\",".repeat(3_000_000) + "\"x\"]").getBytes(StandardCharsets.UTF_8); // ~12 MB
        byte[] over = ("[" + "\"x\",".repeat(300_000) + "\"x\"]").getBytes(StandardCharsets.UTF_8); // ~1.2 MB
        // refused on the declared length, before the body is read; the rest of what the client sends is dropped
        assertTooLarge(send("POST", "/api/v1/time-entries", huge, null, false), "declares a body of " + huge.length);
        assertTooLarge(send("PUT", "/admin/reference-data", huge, OPERATOR, false), "declares a body of " + huge.length);
        // sent in chunks without a declared length, a body is read up to the limit only: a webhook (Camel's
        // platform-http) and the admin API (Quarkus REST, which on its own reads a chunked body past the limit)
        assertTooLarge(send("POST", "/api/v1/time-entries", over, null, true), "passed that while it was read");
        assertTooLarge(send("PUT", "/admin/reference-data", over, OPERATOR, true), "passed that while it was read");
        assertTooLarge(send("POST", "/admin/dead-letters/replay", over, OPERATOR, true),
                "passed that while it was read");

        // a chunked body under the limit is read as usual, by both kinds of endpoint
        HttpResponse<String> dryRun = send("POST", "/admin/dead-letters/replay",
                "{\"filter\": {\"errorClass\": \"TARGET_UNAVAILABLE\"}, \"dryRun\": true}"
                        .getBytes(StandardCharsets.UTF_8), OPERATOR, true);
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(202);
        assertThat(dryRun.body()).contains("\"dryRun\":true");
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        String body = project.approvedEntry(entry, "3", V1);
        HttpResponse<String> signed = send(HttpRequest.newBuilder(service.toURI().resolve("/api/v1/time-entries"))
                .header("X-Ledgerbridge-Signature", "sha256=" + sign(SECRET, body)), "POST",
                body.getBytes(StandardCharsets.UTF_8), true);
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));
        Admin.as(Admin.VIEWER).get("/admin/me").then().statusCode(200);
    }

    @Test
    void aWebhookSaysWhatItTakesWhenTheMethodOrMediaTypeIsWrong() throws Exception {
        given().get("/api/v1/time-entries").then().statusCode(405).header("Allow", "POST")
                .contentType("application/problem+json").body("type", is("https://ledgerbridge.io/problems/method-not-allowed"))
                .body("detail", is("/api/v1/time-entries takes POST, not GET; nothing was accepted"));
        given().contentType("application/json").body("[]").delete("/api/v1/deals").then().statusCode(405)
                .header("Allow", "POST");
        given().contentType("text/plain").body("[]").post("/api/v1/time-entries").then().statusCode(415)
                .contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/unsupported-media-type"))
                .body("detail", containsString("/api/v1/time-entries takes application/json, not text/plain"));
        given().contentType("APPLICATION/JSON").body("[]").post("/api/v1/expenses").then().statusCode(415)
                .body("detail", containsString("not APPLICATION/JSON (send the type as written here)"));
        HttpResponse<String> untyped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                service.toURI().resolve("/api/v1/people")).POST(HttpRequest.BodyPublishers.ofString("[]")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(untyped.statusCode()).isEqualTo(415);
        assertThat(untyped.body()).contains("takes application/json, not a body without a Content-Type");
        // a path that is no webhook is still not found, and one that is takes what it declares
        given().contentType("application/json").body("[]").post("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/json; charset=utf-8").body("[]").post("/api/v1/time-entries").then()
                .statusCode(401);
    }

    @Test
    void theAdminApiNamesAnHttpRefusalAsTheWebhooksDo() {
        given().header("Authorization", OPERATOR).delete("/admin/reference-data").then().statusCode(405)
                .contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/method-not-allowed"));
        given().header("Authorization", OPERATOR).contentType("text/plain").body("{}").put("/admin/reference-data")
                .then().statusCode(415).contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/unsupported-media-type"));
        given().header("Authorization", OPERATOR).get("/admin/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json").body("type", is("https://ledgerbridge.io/problems/not-found"));
        given().contentType("application/json").body("[]").post("/api/v1/nothing-here").then().statusCode(404)
                .body("type", is("https://ledgerbridge.io/problems/not-found"));
    }

    @Test
    void aClientWaitingFor100ContinueIsRefusedBeforeItSendsTheBody() throws Exception {
        try (Socket socket = new Socket(service.getHost(), service.getPort())) {
            socket.setSoTimeout(3_000); // less than the lingering close: this one is closed at once
            socket.getOutputStream().write(("POST /api/v1/time-entries HTTP/1.1\r\nHost: ledgerbridge\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 20000000\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // the answer is final (no 100 Continue) and the connection closes without waiting for a body
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                    .contains("the request declares a body of 20000000 bytes").doesNotContain("100 Continue");
        }
    }

    private static void assertTooLarge(HttpResponse<String> response, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"type\":\"https://ledgerbridge.io/problems/body-too-large\"",
                detail, "the largest body taken is 1048576 bytes");
    }

    private static final String OPERATOR = Admin.basic(Admin.OPERATOR);

    private HttpResponse<String> send(String method, String path, byte[] body, String authorization, boolean chunked)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.toURI().resolve(path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request, method, body, chunked);
    }

    /**
     * With a declared length, or chunked (a body publisher of unknown length). Never with Expect: 100-continue: the
     * JDK 17 client then waits forever for a refusal that has a body (JDK-8286171); see the test below for it.
     */
    private static HttpResponse<String> send(HttpRequest.Builder request, String method, byte[] body, boolean chunked)
            throws Exception {
        request.header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).method(method, chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body));
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String sign(String secret, String body) {
        return HexFormat.of().formatHex(WebhookSignatures.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
    }
}
