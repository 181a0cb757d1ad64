package io.ledgerbridge.deadletter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.ledgerbridge.audit.AuditEntry;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operators' admin API over dead letters: roles, filters, detail, replay (as is, edited, concurrent), closing. */
@QuarkusTest
class DeadLetterAdminTest {

    static final String V1 = "2026-11-20T10:15:00Z";
    static final String TOPIC = "ledgerbridge.time-entries.approved";

    @Inject
    DeadLetters deadLetters;

    @BeforeEach
    void healthyErp() {
        VendorStubs.reset();
    }

    @AfterEach
    void noContractViolations() {
        assertThat(VendorStubs.violations()).isEmpty();
    }

    /** An approved entry whose project has no cross-reference yet: a REFERENCE dead letter; returns its id. */
    static long referenceDeadLetter(Project project, long entryId) {
        given().contentType("application/json").body(project.approvedEntry(entryId, "2", V1))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entryId).isEmpty());
        return Store.deadLetters(entryId).get(0).id;
    }

    static String timePath(Project project) {
        return VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time";
    }

    @Test
    void adminApiWantsCredentialsAndTheRightRole() {
        given().get("/admin/dead-letters").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic("operator", "wrong").get("/admin/dead-letters").then().statusCode(401)
                .contentType("application/problem+json");
        Admin.as(Admin.VIEWER).get("/admin/dead-letters").then().statusCode(200);
        Admin.as(Admin.VIEWER).contentType("application/json").body("{\"reason\":\"x\"}")
                .post("/admin/dead-letters/1/resolve").then().statusCode(403).contentType("application/problem+json");
        Admin.as(Admin.VIEWER).contentType("application/json").post("/admin/dead-letters/1/replay").then().statusCode(403);
        Admin.as(Admin.VIEWER).contentType("application/json").body("[]").put("/admin/cross-references")
                .then().statusCode(403);
    }

    @Test
    void deadLettersAreListedByFilterAndShownWithTheirPayloadAndHeaders() {
        Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = referenceDeadLetter(project, entry);
        String key = "harvest:time-entry:" + entry;

        Admin.as(Admin.VIEWER).queryParam("key", key).queryParam("errorClass", "REFERENCE").queryParam("status", "OPEN")
                .get("/admin/dead-letters")
                .then().statusCode(200).body("total", is(1)).body("items[0].id", is((int) id))
                .body("items[0].step", is("apply-business-rules"));
        Admin.as(Admin.VIEWER).queryParam("key", key).queryParam("errorClass", "VALIDATION").get("/admin/dead-letters")
                .then().statusCode(200).body("total", is(0));
        Admin.as(Admin.VIEWER).queryParam("errorClass", "REFERENCE").queryParam("size", 1).get("/admin/dead-letters")
                .then().statusCode(200).body("items.size()", is(1)).body("size", is(1));
        Admin.as(Admin.VIEWER).queryParam("status", "BROKEN").get("/admin/dead-letters")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("BROKEN"));
        Admin.as(Admin.VIEWER).queryParam("from", "yesterday").get("/admin/dead-letters").then().statusCode(400);

        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id)
                .then().statusCode(200)
                .body("errorClass", is("REFERENCE"))
                .body("payload", containsString("\"id\":" + entry))
                .body("headers.ledgerbridgeBusinessKey", is(key))
                .body("headers", not(org.hamcrest.Matchers.hasKey("Authorization")))
                .body("replays.size()", is(0));
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/999999999").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void referenceDeadLetterIsReplayedByItselfWhenTheReferenceArrivesAndPostsOnce() {
        Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = referenceDeadLetter(project, entry);

        TimeEntryFixtures.register(project);

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));
        await().atMost(Duration.ofSeconds(10)).until(() -> "REPLAYED".equals(
                Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then().extract().path("status")));
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
        // the operator loaded project, staffing and person one after the other: the letter was tried as each arrived
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then()
                .body("replays.outcome", hasItem("POSTED")).body("replays.findAll { it.outcome == 'POSTED' }.size()", is(1))
                .body("replays.requestedBy", everyItem(is("auto-resolution")));
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("REPLAYED"));
        Admin.as(Admin.VIEWER).queryParam("key", "harvest:time-entry:" + entry).get("/admin/sync-records")
                .then().statusCode(200).body("postings.size()", is(1)).body("postings[0].status", is("POSTED"))
                .body("deadLetters[0].id", is((int) id));
        Admin.as(Admin.VIEWER).queryParam("actor", "auto-resolution").get("/admin/audit")
                .then().statusCode(200).body("items.target", hasItem("dead-letter/" + id));
    }

    @Test
    void referenceDeadLetterStillMissingAnotherReferenceStaysOpen() {
        Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = referenceDeadLetter(project, entry);

        TimeEntryFixtures.loadProjectAndStaffing(project);

        // tried when the project arrived and, if the assignment was not there yet by then, again when it arrived: in
        // the end it waits for the person, open
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransactionReads.replays(id) >= 1
                && QuarkusTransactionReads.running(id) == 0 && waitsForThePersonOnly(id));
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then()
                .body("status", is("OPEN")).body("replays.outcome", everyItem(is("FAILED")))
                .body("replays.size()", org.hamcrest.Matchers.both(org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                        .and(org.hamcrest.Matchers.lessThanOrEqualTo(2)))
                .body("errorMessage", not(containsString("project harvest"))).body("errorMessage", containsString("PERSON"));
        VendorStubs.server().verify(0, postRequestedFor(urlPathEqualTo(timePath(project))));
    }

    /** The letter's last failure names the person's missing cross-reference, no longer the project or staffing. */
    private static boolean waitsForThePersonOnly(long id) {
        String error = Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then().extract().path("errorMessage");
        return error.contains("PERSON") && !error.contains("project harvest");
    }

    /** Reads of the replay history straight from the store. */
    static final class QuarkusTransactionReads {
        static long replays(long deadLetterId) {
            return QuarkusTransaction.requiringNew().call(
                    () -> DeadLetterReplay.count("deadLetterId = ?1 and outcome <> ?2", deadLetterId,
                            DeadLetterReplay.Outcome.RUNNING));
        }

        static long running(long deadLetterId) {
            return QuarkusTransaction.requiringNew().call(
                    () -> DeadLetterReplay.count("deadLetterId = ?1 and outcome = ?2", deadLetterId,
                            DeadLetterReplay.Outcome.RUNNING));
        }
    }

    /** The ERP refuses the entry (400): a TARGET_REJECTED dead letter; returns its id. */
    static long rejectedDeadLetter(Project project, long entry) {
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"period locked\"}")));
        given().contentType("application/json").body(project.approvedEntry(entry, "1", V1))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        return Store.deadLetters(entry).get(0).id;
    }

    @Test
    void replayOfAnEntryAlreadyPostedSendsNothingAndSaysSo() {
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = rejectedDeadLetter(project, entry);
        // the ERP accepts again and the same version arrives once more: it is posted
        VendorStubs.reset();
        given().contentType("application/json").body(project.approvedEntry(entry, "1", V1))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));

        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay")
                .then().statusCode(200).body("outcome", is("ALREADY_POSTED")).body("detail", containsString("already posted"));

        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
    }

    @Test
    void editedReplayPostsTheCorrectionAndKeepsTheOriginal() {
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        String original = project.approvedEntry(entry, "30", V1);
        KafkaTopics.send(TOPIC, String.valueOf(entry), original);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        long id = Store.deadLetters(entry).get(0).id;
        String corrected = project.approvedEntry(entry, "3", V1);

        Admin.as(Admin.OPERATOR).contentType("application/json").body(corrected)
                .post("/admin/dead-letters/" + id + "/replay")
                .then().statusCode(200).body("outcome", is("POSTED")).body("edited", is(true));

        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project)))
                .withRequestBody(equalToJson("{\"duration\": 180}", true, true)));
        // (an operator's view: a viewer's has the personal fields masked, see PersonalDataMaskingTest)
        Admin.as(Admin.OPERATOR).get("/admin/dead-letters/" + id).then()
                .body("payload", containsString("\"hours\": 30")).body("editedPayload", containsString("\"hours\": 3,"))
                .body("errorClass", is("VALIDATION"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body("{broken")
                .post("/admin/dead-letters/" + id + "/replay").then().statusCode(400);
    }

    @Test
    void aReplayEndsInOneTransactionWithItsAuditEntryAndWhatItsCallerRecords() {
        Project project = TimeEntryFixtures.knownProject();
        DeadLetter letter = project.outageDeadLetter(TimeEntryFixtures.nextId(), "1", V1, DeadLetter.Status.OPEN);
        QuarkusTransaction.requiringNew().run(letter::persist);
        String target = "dead-letter/" + letter.id;

        // what the caller records with the outcome (a bulk job's item) fails: nothing of the replay's end is written
        assertThatThrownBy(() -> deadLetters.replay(letter.id, null, "a test", (outcome, detail) -> {
            throw new IllegalStateException("the caller's record failed");
        })).hasMessageContaining("the caller's record failed");
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(DeadLetter.<DeadLetter>findById(letter.id).status).isEqualTo(DeadLetter.Status.REPLAYING);
            assertThat(DeadLetterReplay.of(letter.id)).extracting(replay -> replay.outcome)
                    .containsExactly(DeadLetterReplay.Outcome.RUNNING);
            assertThat(AuditEntry.count("action = 'replay' and target = ?1", target)).isZero();
        });

        // opened again (as a takeover does), the next replay ends with its audit entry and the caller's record
        QuarkusTransaction.requiringNew().run(() -> DeadLetter.update("status = ?1 where id = ?2",
                DeadLetter.Status.OPEN, letter.id));
        List<String> recorded = new ArrayList<>();
        deadLetters.replay(letter.id, null, "a test", (outcome, detail) -> recorded.add(outcome + ": " + detail));
        assertThat(recorded).singleElement().asString().startsWith("ALREADY_POSTED: nothing sent");
        QuarkusTransaction.requiringNew().run(() -> {
            assertThat(DeadLetter.<DeadLetter>findById(letter.id).status).isEqualTo(DeadLetter.Status.REPLAYED);
            assertThat(AuditEntry.count("action = 'replay' and target = ?1 and actor = 'a test' and outcome = "
                    + "'ALREADY_POSTED'", target)).isEqualTo(1);
        });
    }

    @Test
    void replayThatFailsAgainReopensTheSameDeadLetter() {
        Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = referenceDeadLetter(project, entry);

        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay")
                .then().statusCode(200).body("outcome", is("FAILED")).body("detail", containsString("REFERENCE"));

        assertThat(Store.deadLetters(entry)).hasSize(1);
        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then().body("status", is("OPEN")).body("attempts", is(2));
    }

    @Test
    void twoConcurrentReplaysOfOneDeadLetterPostOnce() throws Exception {
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        long id = rejectedDeadLetter(project, entry);
        VendorStubs.reset();
        VendorStubs.server().stubFor(post(urlPathEqualTo(timePath(project))).willReturn(
                aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"timeEntryId\":\"4f6a2b1c-0d9e-4c8b-a7f6-1e2d3c4b5a69\"}").withFixedDelay(300)));

        Callable<Response> replay = () -> Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Response>> both = pool.invokeAll(List.of(replay, replay));
            List<Integer> statuses = both.stream().map(f -> {
                try {
                    return f.get().statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).sorted().toList();
            assertThat(statuses).containsExactly(200, 409);
        } finally {
            pool.shutdown();
        }
        VendorStubs.server().verify(1, postRequestedFor(urlPathEqualTo(timePath(project))));
    }

    /**
     * Replays that arrive together (a bulk job's lanes, operators) are claimed in shared transactions: of the
     * replays of each dead letter exactly one runs and posts, whether the others were claimed in the same
     * transaction as it or in a later one, and each is audited with what became of it.
     */
    @Test
    void replaysArrivingTogetherRunOncePerDeadLetter() throws Exception {
        Project project = TimeEntryFixtures.knownProject();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(rejectedDeadLetter(project, TimeEntryFixtures.nextId()));
        }
        VendorStubs.reset();
        int callers = 12;
        CyclicBarrier together = new CyclicBarrier(callers);
        List<Callable<Integer>> replays = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            long id = ids.get(i % ids.size());
            replays.add(() -> {
                together.await();
                return Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + id + "/replay").statusCode();
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        List<Future<Integer>> answers;
        try {
            answers = pool.invokeAll(replays);
        } finally {
            pool.shutdown();
        }
        Map<Long, List<Integer>> statuses = new TreeMap<>();
        for (int i = 0; i < callers; i++) {
            statuses.computeIfAbsent(ids.get(i % ids.size()), id -> new ArrayList<>()).add(answers.get(i).get());
        }
        assertThat(statuses.values()).allSatisfy(each -> assertThat(each).containsExactlyInAnyOrder(200, 409, 409));
        VendorStubs.server().verify(ids.size(), postRequestedFor(urlPathEqualTo(timePath(project))));
        for (long id : ids) {
            Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + id).then().body("status", is("REPLAYED"));
            List<String> audited = QuarkusTransaction.requiringNew().call(() ->
                    AuditEntry.<AuditEntry>list(
                            "target = ?1 and action = 'replay' order by outcome", "dead-letter/" + id).stream()
                            .map(entry -> entry.outcome).toList());
            assertThat(audited).as("audit of dead letter %d", id).containsExactly("POSTED", "REFUSED", "REFUSED");
        }
    }

    @Test
    void resolveAndDiscardNeedAReasonAndAreAudited() {
        long first = referenceDeadLetter(TimeEntryFixtures.unknownProject(), TimeEntryFixtures.nextId());
        long second = referenceDeadLetter(TimeEntryFixtures.unknownProject(), TimeEntryFixtures.nextId());

        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"reason\":\"\"}")
                .post("/admin/dead-letters/" + first + "/resolve")
                .then().statusCode(422).contentType("application/problem+json");
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("reason", "entered by hand in Xero"))
                .post("/admin/dead-letters/" + first + "/resolve")
                .then().statusCode(200).body("status", is("RESOLVED"));
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of("reason", "test entry, never bill"))
                .post("/admin/dead-letters/" + second + "/discard")
                .then().statusCode(200).body("status", is("DISCARDED"));
        Admin.as(Admin.OPERATOR).contentType("application/json").post("/admin/dead-letters/" + second + "/replay").then().statusCode(409);

        Admin.as(Admin.VIEWER).get("/admin/dead-letters/" + first).then()
                .body("resolution", is("operator: entered by hand in Xero"));
        Admin.as(Admin.VIEWER).queryParam("actor", "operator").get("/admin/audit").then().statusCode(200)
                .body("items.action", hasItem("resolve")).body("items.action", hasItem("discard"))
                .body("items.actor", everyItem(is("operator")));
    }

    @Test
    void aPageOutOfBoundsIsA400ProblemNamingTheParameter() {
        for (String list : List.of("/admin/dead-letters", "/admin/audit")) {
            // 2147483647 x 500 overflowed the offset into a 500
            Admin.as(Admin.VIEWER).queryParam("page", Integer.MAX_VALUE).queryParam("size", 500).get(list).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("type", containsString("bad-parameter")).body("errors[0].pointer", is("page"))
                    .body("detail", containsString("page must be less than or equal to 100000"));
            Admin.as(Admin.VIEWER).queryParam("page", -1).queryParam("size", 501).get(list).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("errors.pointer", is(List.of("page", "size")));
            Admin.as(Admin.VIEWER).queryParam("page", "2147483648").get(list).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("page"));
            Admin.as(Admin.VIEWER).queryParam("page", 100_000).queryParam("size", 500).get(list).then()
                    .statusCode(200).body("items", is(List.of()));
        }
    }

    @Test
    void openApiDocumentListsTheAdminApi() {
        given().accept("application/json").get(io.ledgerbridge.testing.Management.url("/q/openapi")).then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/dead-letters"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/dead-letters/{id}/replay"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/dead-letters/{id}/resolve"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/sync-records"))
                .body("paths", org.hamcrest.Matchers.hasKey("/admin/audit"));
    }
}
