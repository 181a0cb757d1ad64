package io.ledgerbridge.replay;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replaying the approved-time topic from a timestamp re-runs every record since then, idempotently. */
@QuarkusTest
class TopicReplayTest {

    static final String V1 = "2026-11-20T10:15:00Z";

    @Test
    void replayFromATimestampRerunsTheTopicAndPostsNothingTwice() {
        VendorStubs.reset();
        Project known = TimeEntryFixtures.knownProject();
        Project unknown = TimeEntryFixtures.unknownProject();
        Instant from = Instant.now();
        List<Long> posted = List.of(TimeEntryFixtures.nextId(), TimeEntryFixtures.nextId(), TimeEntryFixtures.nextId());
        posted.forEach(id -> KafkaTopics.send("ledgerbridge.time-entries.approved", String.valueOf(id),
                known.approvedEntry(id, "1", V1)));
        long waiting = TimeEntryFixtures.nextId();
        KafkaTopics.send("ledgerbridge.time-entries.approved", String.valueOf(waiting), unknown.approvedEntry(waiting, "1", V1));
        await().atMost(Duration.ofSeconds(30)).until(() -> posted.stream().allMatch(id -> Store.posted(id, V1))
                && !Store.deadLetters(waiting).isEmpty());

        int id = Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"from\":\"" + from + "\"}")
                .post("/admin/flows/approved-time-to-erp/replay-from")
                .then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(
                Admin.as(Admin.VIEWER).get("/admin/topic-replays/" + id).then().extract().path("status")));

        Admin.as(Admin.VIEWER).get("/admin/topic-replays/" + id).then()
                .body("posted", is(0)).body("deadLettered", is(1));
        int skipped = Admin.as(Admin.VIEWER).get("/admin/topic-replays/" + id).then().extract().path("skipped");
        assertThat(skipped).isGreaterThanOrEqualTo(3);
        VendorStubs.server().verify(3, postRequestedFor(urlPathEqualTo(
                VendorStubs.XERO_BASE + "/Projects/" + known.erpProjectId() + "/Time")));
        // the record still waiting for its reference is the same dead letter, tried once more
        assertThat(Store.deadLetters(waiting)).hasSize(1);
        assertThat(Store.deadLetters(waiting).get(0).attempts).isEqualTo(2);

        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"from\":\"soon\"}")
                .post("/admin/flows/approved-time-to-erp/replay-from").then().statusCode(400);
        Admin.as(Admin.OPERATOR).contentType("application/json").body("{\"from\":\"" + from + "\"}")
                .post("/admin/flows/no-such-flow/replay-from").then().statusCode(404);
    }
}
