package io.ledgerbridge.timeentry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.hasItems;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.sync.SyncRecord;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The approved-time-to-erp flow end to end: real PostgreSQL, real Kafka, a contract-checking Xero stub. */
@QuarkusTest
class ApprovedTimeToErpTest {

    static final String TOPIC = "ledgerbridge.time-entries.approved";
    static final String GROUP = "ledgerbridge-approved-time";
    static final String V1 = "2026-11-20T10:15:00Z";
    static final String V2 = "2026-11-21T08:00:00Z";

    @BeforeEach
    void healthyErp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).as("requests that break the Xero contract").isEmpty();
    }

    static String timePath(Project project) {
        return VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time";
    }

    static void postWebhook(String body) {
        given().contentType("application/json").body(body).post("/api/v1/time-entries").then().statusCode(202);
    }

    @jakarta.inject.Inject
    org.apache.camel.CamelContext camel;

    @Test
    void theFlowValidatesTheParseItsStepsShare() {
        for (String schema : List.of("harvest/time-entry.schema.json", "schemas/time-entry.schema.json")) {
            var endpoints = camel.getEndpoints().stream()
                    .filter(e -> e.getEndpointUri().startsWith("json-validator:") && e.getEndpointUri().endsWith("/" + schema))
                    .toList();
            assertThat(endpoints).as(schema).isNotEmpty().allSatisfy(endpoint -> assertThat(
                    ((io.ledgerbridge.mapping.ParsedJsonValidatorEndpoint) endpoint).takesTheSharedParse()).isTrue());
        }
    }

    @Test
    void approvedEntryFromTheWebhookReachesXeroOnceInItsContractShape() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();

        given().contentType("application/json").body(project.approvedEntry(id, "1.5", V1))
                .post("/api/v1/time-entries")
                .then().statusCode(202).contentType("application/json")
                .body("accepted", contains(id))
                .body("ignored.size()", is(0));

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        List<LoggedRequest> posts = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(posts).hasSize(1);
        VendorStubs.server().verify(postRequestedFor(urlPathEqualTo(timePath(project)))
                .withHeader("Xero-Tenant-Id", equalTo(VendorStubs.TENANT))
                .withHeader("Authorization", matching("Bearer xero-token-\\w+"))
                .withHeader("Idempotency-Key", equalTo("harvest-" + id + "-20261120T101500Z"))
                .withRequestBody(equalToJson("""
                        {"userId": "%s", "taskId": "%s", "dateUtc": "2026-11-19T00:00:00Z", "duration": 90,
                         "description": "Sprint planning"}""".formatted(project.erpUserId(), project.erpTaskId()))));
        assertThat(posts.get(0).getHeaders().keys()).noneMatch(name -> name.toLowerCase().startsWith("ledgerbridge"));

        SyncRecord record = Store.syncRecords(id).get(0);
        assertThat(record.targetId).isNotBlank();
        assertThat(record.operation).isEqualTo("CREATE");
        assertThat(record.payloadHash).hasSize(64);
        assertThat(record.businessKey).isEqualTo("harvest:time-entry:" + id);
    }

    @Test
    void duplicateDeliveryPostsOnce() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        String entry = project.approvedEntry(id, "2", V1);

        postWebhook(entry);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        postWebhook(entry);
        postWebhook("[" + entry + "," + entry + "]");
        KafkaTopics.send(TOPIC, String.valueOf(id), entry);

        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(Store.syncRecords(id)).hasSize(1);
        assertThat(Store.deadLetters(id)).isEmpty();
    }

    @Test
    void newVersionOfAnEntryUpdatesWhatTheFirstCreated() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(id, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        String created = Store.syncRecords(id).get(0).targetId;

        postWebhook(project.approvedEntry(id, "2.25", V2));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V2));

        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(timePath(project) + "/" + created))
                .withRequestBody(equalToJson("{\"duration\": 135}", true, true)));
        SyncRecord update = Store.syncRecords(id).get(0);
        assertThat(update.operation).isEqualTo("UPDATE");
        assertThat(update.targetId).isEqualTo(created);

        // the older version arriving late changes nothing
        postWebhook(project.approvedEntry(id, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(timePath(project) + "/" + created)));
    }

    @Test
    void versionsWrittenWithOffsetsAreTheirInstantsInUtc() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(id, "1", "2026-11-20T10:15:00+01:00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, "2026-11-20T09:15:00Z"));
        String created = Store.syncRecords(id).get(0).targetId;

        // the same wall-clock time two hours later in UTC: a newer version, with a key of its own
        postWebhook(project.approvedEntry(id, "2", "2026-11-20T10:15:00-01:00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, "2026-11-20T11:15:00Z"));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project)))
                .withHeader("Idempotency-Key", equalTo("harvest-" + id + "-20261120T091500Z")));
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(timePath(project) + "/" + created))
                .withHeader("Idempotency-Key", equalTo("harvest-" + id + "-20261120T111500Z")));

        // the first version again, written in UTC: the same version, older than what was posted, changes nothing
        postWebhook(project.approvedEntry(id, "1", "2026-11-20T09:15:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        VendorStubs.server().verify(1, putRequestedFor(urlPathEqualTo(timePath(project) + "/" + created)));
        assertThat(Store.syncRecords(id)).extracting(record -> record.sourceVersion)
                .containsExactlyInAnyOrder("2026-11-20T09:15:00Z", "2026-11-20T11:15:00Z");
    }

    @Test
    void aVersionFromTheFutureIsDeadLetteredAndTheRealNextVersionStillPosts() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(id, "1", "9999-12-31T23:59:59Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(id).isEmpty());
        DeadLetter letter = Store.deadLetters(id).get(0);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.VALIDATION);
        assertThat(letter.errorMessage).contains("9999-12-31T23:59:59Z", "clock skew");
        assertThat(Store.syncRecords(id)).isEmpty();

        postWebhook(project.approvedEntry(id, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
    }

    @Test
    void aCrossReferenceChangedByAnOperatorIsWhatTheNextPostingUses() {
        theNextPostingUsesTheChangedPerson(project -> TimeEntryFixtures.movePerson(project,
                java.util.UUID.randomUUID().toString()).erpUserId());
    }

    @Test
    void aCrossReferenceChangedInTheStoreBehindTheServicesBackIsWhatTheNextPostingUses() {
        // as another instance's change, or an operator's SQL: this instance is not told, the store's generation moves
        theNextPostingUsesTheChangedPerson(project -> {
            String movedTo = java.util.UUID.randomUUID().toString();
            QuarkusTransaction.requiringNew().run(() -> assertThat(Panache.getEntityManager().createNativeQuery(
                    "update cross_reference set target_id = ?1 where entity_type = 'PERSON' and source_system = "
                            + "'harvest' and source_id = ?2 and target_system = 'erp'").setParameter(1, movedTo)
                    .setParameter(2, String.valueOf(project.userId())).executeUpdate()).isEqualTo(1));
            return movedTo;
        });
    }

    /** An entry posts, {@code change} gives its person another ERP id (answered), the next entry posts with that id. */
    private void theNextPostingUsesTheChangedPerson(java.util.function.Function<Project, String> change) {
        Project project = TimeEntryFixtures.knownProject();
        long first = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(first, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(first, V1));

        String movedTo = change.apply(project);
        long second = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(second, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(second, V1));

        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project)))
                .withRequestBody(equalToJson("{\"userId\": \"%s\"}".formatted(project.erpUserId()), true, true)));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project)))
                .withRequestBody(equalToJson("{\"userId\": \"%s\"}".formatted(movedTo), true, true)));
    }

    @Test
    void entryOfAProjectWithoutCrossReferenceIsDeadLetteredAsReference() {
        Project project = TimeEntryFixtures.unknownProject();
        long id = TimeEntryFixtures.nextId();
        String entry = project.approvedEntry(id, "3", V1);
        postWebhook(entry);

        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(id).isEmpty());
        DeadLetter letter = Store.deadLetters(id).get(0);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.REFERENCE);
        assertThat(letter.step).isEqualTo("apply-business-rules");
        assertThat(letter.flow).isEqualTo("approved-time-to-erp");
        assertThat(letter.errorMessage).contains("project harvest:" + project.projectId() + " is unknown");
        assertThat(letter.payload).contains("\"id\":" + id).contains("\"is_closed\":true");
        assertThat(letter.status).isEqualTo(DeadLetter.Status.OPEN);
        assertThat(letter.headers).doesNotContain("Authorization");
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(timePath(project))));
    }

    @Test
    void erpOutageIsRetriedAndPostsOnceWhenTheErpRecovers() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        String scenario = "outage-" + id;
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("still down")
                .willReturn(aResponse().withStatus(503)));
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).inScenario(scenario)
                .whenScenarioStateIs("still down").willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(503)));

        postWebhook(project.approvedEntry(id, "4", V1));

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        List<LoggedRequest> attempts = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly("harvest-" + id + "-20261120T101500Z");
        assertThat(Store.deadLetters(id)).isEmpty();
    }

    @Test
    void erpRejectionIsDeadLetteredAtOnceAsTargetRejected() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"The task is not chargeable\"}")));

        postWebhook(project.approvedEntry(id, "1", V1));

        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(id).isEmpty());
        DeadLetter letter = Store.deadLetters(id).get(0);
        assertThat(letter.errorClass).isEqualTo(ErrorClass.TARGET_REJECTED);
        assertThat(letter.attempts).isEqualTo(1);
        assertThat(letter.errorMessage).contains("400").contains("The task is not chargeable");
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(Store.syncRecords(id)).extracting(r -> r.status).containsOnly(SyncRecord.Status.FAILED);
    }

    @Test
    void rateLimitIsRetriedNoSoonerThanRetryAfter() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        String scenario = "rate-limit-" + id;
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("limit lifted")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));

        postWebhook(project.approvedEntry(id, "1", V1));

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        List<LoggedRequest> attempts = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(attempts).hasSize(2);
        long waited = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        // the configured backoff of this profile starts at 50 ms: only Retry-After explains a 2 s wait
        assertThat(waited).isGreaterThanOrEqualTo(1900);
    }

    @Test
    void entryPublishedOnTheKafkaTopicIsPosted() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();

        KafkaTopics.send(TOPIC, String.valueOf(id), project.approvedEntry(id, "0.75", V1));

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project)))
                .withRequestBody(equalToJson("{\"duration\": 45}", true, true)));
    }

    @Test
    void invalidEntryOnTheKafkaTopicIsDeadLetteredAsValidation() {
        long id = TimeEntryFixtures.nextId();
        String broken = "{\"id\": " + id + ", \"hours\": -1, \"is_closed\": true}";

        KafkaTopics.send(TOPIC, String.valueOf(id), broken);

        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        List<DeadLetter> letters = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(
                () -> DeadLetter.<DeadLetter>list("payload", broken));
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).errorClass).isEqualTo(ErrorClass.VALIDATION);
        assertThat(letters.get(0).step).isEqualTo("validate-source");
        assertThat(letters.get(0).businessKey).isEqualTo("harvest:time-entry:" + id);
        assertThat(letters.get(0).errorMessage).contains("hours");
    }

    @Test
    void nonJsonRecordOnTheKafkaTopicIsDeadLetteredAtOnceAsValidation() {
        String garbage = "not json at all " + TimeEntryFixtures.nextId();

        KafkaTopics.send(TOPIC, "garbage", garbage);

        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        List<DeadLetter> letters = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(
                () -> DeadLetter.<DeadLetter>list("payload", garbage));
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).errorClass).isEqualTo(ErrorClass.VALIDATION);
        assertThat(letters.get(0).attempts).isEqualTo(1);
    }

    @Test
    void xeroTokenIsFetchedOnceAndReusedWhileValid() {
        Project project = TimeEntryFixtures.knownProject();
        long first = TimeEntryFixtures.nextId();
        long second = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(first, "1", V1));
        postWebhook(project.approvedEntry(second, "1", V1));

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(first, V1) && Store.posted(second, V1));
        List<LoggedRequest> posts = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(timePath(project))));
        assertThat(posts).extracting(r -> r.getHeader("Authorization")).hasSize(2).containsOnly(posts.get(0).getHeader("Authorization"));
        List<LoggedRequest> tokenCalls = VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo("/connect/token")));
        assertThat(tokenCalls).hasSizeLessThanOrEqualTo(1);
        tokenCalls.forEach(call -> {
            assertThat(call.getHeader("Authorization")).startsWith("Basic ");
            assertThat(call.getBodyAsString()).contains("grant_type=client_credentials");
        });
    }

    @Test
    void malformedJsonIsAnsweredWithProblem400() {
        given().contentType("application/json").body("{\"id\": 1,")
                .post("/api/v1/time-entries")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/malformed-json"))
                .body("status", is(400));
    }

    @Test
    void schemaViolationsAreAnsweredWithProblem422NamingEveryField() {
        Project project = TimeEntryFixtures.knownProject();
        long good = TimeEntryFixtures.nextId();
        String bad = "{\"id\": \"x\", \"hours\": 30, \"spent_date\": \"yesterday\", \"is_closed\": true,"
                + " \"updated_at\": \"" + V1 + "\", \"user\": {\"id\": 1}, \"project\": {\"id\": 1}, \"task\": {}}";

        given().contentType("application/json").body("[" + project.approvedEntry(good, "1", V1) + "," + bad + "]")
                .post("/api/v1/time-entries")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.pointer", hasItems("/1/id", "/1/hours", "/1/spent_date", "/1/task/id"));

        // nothing of a rejected request is accepted, not even its valid entry
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> Store.syncRecords(good).isEmpty());
    }

    @Test
    void aBodyOfMoreRecordsThanAllowedIsRefusedWith413AndTheFlowsGoOn() {
        // 500,000 empty objects: 1.5 MB, under the body limit; once enough to run the service out of memory
        String flood = "[" + String.join(",", java.util.Collections.nCopies(500_000, "{}")) + "]";
        given().contentType("application/json").body(flood).post("/api/v1/time-entries")
                .then().statusCode(413).contentType("application/problem+json")
                .body("type", is("https://ledgerbridge.io/problems/too-many-records"))
                .body("detail", org.hamcrest.Matchers.containsString("at most 500"));
        String justOver = "[" + String.join(",", java.util.Collections.nCopies(501, "{}")) + "]";
        given().contentType("application/json").body(justOver).post("/api/v1/time-entries").then().statusCode(413);

        // 300 records that all fail their schema: the problem lists the first 100 errors and says how many there were
        String invalid = "[" + String.join(",", java.util.Collections.nCopies(300, "{}")) + "]";
        io.restassured.response.Response problem = given().contentType("application/json").body(invalid)
                .post("/api/v1/time-entries");
        problem.then().statusCode(422).contentType("application/problem+json")
                .body("errors.size()", is(100))
                .body("detail", org.hamcrest.Matchers.containsString("the first 100 of"));
        assertThat(problem.asByteArray().length).isLessThan(32 * 1024);

        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(id, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(id, V1));
        given().get(io.ledgerbridge.testing.Management.url("/q/health/live")).then().statusCode(200);
    }

    @Test
    void entryNotApprovedIsAnsweredAsIgnoredAndNeverPosted() {
        Project project = TimeEntryFixtures.knownProject();
        long id = TimeEntryFixtures.nextId();

        given().contentType("application/json").body(project.entry(id, "1", V1, false))
                .post("/api/v1/time-entries")
                .then().statusCode(202)
                .body("accepted.size()", is(0))
                .body("ignored[0].id", is(id))
                .body("ignored[0].reason", org.hamcrest.Matchers.containsString("not approved"));

        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.drained(TOPIC, GROUP));
        assertThat(Store.syncRecords(id)).isEmpty();
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(timePath(project))));
    }
}
