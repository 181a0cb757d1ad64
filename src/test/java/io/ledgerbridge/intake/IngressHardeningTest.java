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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
    /** The secret senders move away from: both sign while they move (rotation). */
    static final String OLD_SECRET = "last-years-webhook-secret";
    static final String HR_SECRET = "hr-has-its-own";
    static final String V1 = "2026-11-20T10:15:00Z";

    /** A shared webhook secret, one of its own for the HR system, and a 1 MB body limit. */
    public static class SignedWebhooks implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.webhooks.secret", SECRET + "," + OLD_SECRET,
                    "ledgerbridge.webhooks.sources.hr.secret", HR_SECRET,
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
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature("guess", body))
                .body(body).post("/api/v1/time-entries").then().statusCode(401)
                .body("title", is("Webhook signature not accepted"));
        // signed, then changed on the way
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature(SECRET, body))
                .body(body.replace("\"hours\": 2", "\"hours\": 20")).post("/api/v1/time-entries").then()
                .statusCode(401).body("detail", containsString("does not match"));
        given().contentType("application/json").header("X-Ledgerbridge-Signature", "t=" + java.time.Instant.now().getEpochSecond() + ",sha256=not-hex")
                .body(body).post("/api/v1/time-entries").then().statusCode(401);
        // captured and sent again later: refused, whatever the body
        given().contentType("application/json")
                .header("X-Ledgerbridge-Signature", signature(SECRET, body, java.time.Instant.now().minusSeconds(600)))
                .body(body).post("/api/v1/time-entries").then().statusCode(401)
                .body("detail", containsString("ledgerbridge.webhooks.tolerance"));
        given().contentType("application/json")
                .header("X-Ledgerbridge-Signature", signature(SECRET, body, java.time.Instant.now().plusSeconds(600)))
                .body(body).post("/api/v1/time-entries").then().statusCode(401);
        // a time that is not the signed one, or none: refused
        String signedNow = signature(SECRET, body);
        given().contentType("application/json").header("X-Ledgerbridge-Signature",
                        signedNow.replaceFirst("t=(\\d+)", "t=" + (java.time.Instant.now().getEpochSecond() - 1)))
                .body(body).post("/api/v1/time-entries").then().statusCode(401)
                .body("detail", containsString("does not match"));
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signedNow.replaceFirst("t=\\d+,", ""))
                .body(body).post("/api/v1/time-entries").then().statusCode(401).body("detail", containsString("no t="));
        assertThat(Store.syncRecords(entry)).as("nothing of a refused call is kept").isEmpty();

        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature(SECRET, body))
                .body(body).post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));
        // while senders move to a new secret, the old one signs too
        long rotated = TimeEntryFixtures.nextId();
        String next = project.approvedEntry(rotated, "2", V1);
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature(OLD_SECRET, next))
                .body(next).post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(rotated, V1));

        // a source system with its own secret: the shared one does not open it
        String person = "{\"id\": \"hr-1\"}";
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature(SECRET, person))
                .body(person).post("/api/v1/people").then().statusCode(401);
        given().contentType("application/json").header("X-Ledgerbridge-Signature", signature(HR_SECRET, person))
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
                .header("X-Ledgerbridge-Signature", signature(SECRET, body)), "POST",
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
        given().header("Authorization", OPERATOR).contentType("application/json").delete("/admin/reference-data").then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/method-not-allowed"));
        given().header("Authorization", OPERATOR).contentType("application/xml").body("<a/>").put("/admin/reference-data")
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

    @Test
    void bodiesTrickledSlowlyAreRefusedWithin408AndTheServiceAnswersMeanwhile() throws Exception {
        int clients = 40;
        List<Socket> sockets = new ArrayList<>();
        var trickle = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < clients; i++) {
                Socket socket = new Socket(service.getHost(), service.getPort());
                socket.setSoTimeout(15_000);
                socket.getOutputStream().write(("POST /api/v1/time-entries HTTP/1.1\r\nHost: ledgerbridge\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n[")
                        .getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            // a byte every 500 ms from each: never idle, never done
            trickle.scheduleAtFixedRate(() -> sockets.forEach(socket -> {
                try {
                    socket.getOutputStream().write(' ');
                } catch (java.io.IOException closed) {
                    // refused and closed: nothing more to send
                }
            }), 500, 500, java.util.concurrent.TimeUnit.MILLISECONDS);

            // meanwhile the service answers others
            given().header("Authorization", Admin.basic(Admin.VIEWER)).get("/admin/dead-letters").then()
                    .statusCode(200);

            long start = System.nanoTime();
            for (Socket socket : sockets) {
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 408")
                        .containsIgnoringCase("content-type: application/problem+json")
                        .contains("https://ledgerbridge.io/problems/body-too-slow", "ledgerbridge.http.body-timeout");
            }
            // every one answered and closed (readAllBytes returned) within the deadline (4 s in tests) and a margin
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(12));
        } finally {
            trickle.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        given().header("Authorization", Admin.basic(Admin.VIEWER)).get("/admin/dead-letters").then().statusCode(200);
    }

    @Test
    void connectionsPastTheCapAreClosedAtOnceAndTheServiceServesAgainWhenTheyGo() throws Exception {
        int cap = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.http.limits.max-connections", Integer.class);
        List<java.nio.channels.SocketChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < cap + 20; i++) {
                var channel = java.nio.channels.SocketChannel.open(
                        new java.net.InetSocketAddress(service.getHost(), service.getPort()));
                // a whole request, kept alive after its answer (a connection that has sent nothing is not an HTTP
                // connection yet: the server waits for its first bytes to tell HTTP/1.1 from HTTP/2)
                channel.write(java.nio.ByteBuffer.wrap("GET /console/ HTTP/1.1\r\nHost: ledgerbridge\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
                channels.add(channel);
            }
            // those past the cap are closed by the server at once; the others are answered and stay open
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed(channels))
                    .as("connections closed of %d opened", channels.size()).isGreaterThanOrEqualTo(20));
            assertThat(channels.size() - closed(channels)).as("connections kept").isLessThanOrEqualTo(cap);
        } finally {
            for (var channel : channels) {
                channel.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given()
                .header("Authorization", Admin.basic(Admin.VIEWER)).get("/admin/dead-letters").then().statusCode(200));
    }

    /** How many of the channels the server has closed: reading what was sent on them ends (or is reset). */
    private static long closed(List<java.nio.channels.SocketChannel> channels) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4096);
        return channels.stream().filter(channel -> {
            try {
                int read;
                do {
                    buffer.clear();
                    read = channel.read(buffer);
                } while (read > 0);
                return read == -1;
            } catch (java.io.IOException reset) {
                return true;
            }
        }).count();
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

    /** The signature header a sender sends now. */
    static String signature(String secret, String body) {
        return signature(secret, body, java.time.Instant.now());
    }

    /** {@code t=<unix seconds>,sha256=<hex HMAC-SHA256 of <t>.<body>>}, computed here as a sender would. */
    static String signature(String secret, String body, java.time.Instant signedAt) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            long t = signedAt.getEpochSecond();
            return "t=" + t + ",sha256=" + HexFormat.of().formatHex(
                    mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
