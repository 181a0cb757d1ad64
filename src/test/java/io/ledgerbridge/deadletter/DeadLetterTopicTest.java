package io.ledgerbridge.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.testing.KafkaTopics;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cluster profile: every dead letter is also published to the dead-letter topic as a CloudEvent. */
@QuarkusTest
class DeadLetterTopicTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void deadLetterIsPublishedAsACloudEventWithItsErrorAttributes() {
        Project project = TimeEntryFixtures.unknownProject();
        long entry = TimeEntryFixtures.nextId();
        given().contentType("application/json").body(project.approvedEntry(entry, "2", "2026-11-20T10:15:00Z"))
                .post("/api/v1/time-entries").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entry).isEmpty());
        long id = Store.deadLetters(entry).get(0).id;

        JsonNode event = await().atMost(Duration.ofSeconds(30)).until(() -> find("harvest:time-entry:" + entry),
                Optional::isPresent).orElseThrow();

        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("type").asText()).isEqualTo("io.ledgerbridge.deadletter.opened");
        assertThat(event.path("source").asText()).isEqualTo("/ledgerbridge/flows/approved-time-to-erp");
        assertThat(event.path("deadletterid").asLong()).isEqualTo(id);
        assertThat(event.path("errorclass").asText()).isEqualTo("REFERENCE");
        assertThat(event.path("errorstep").asText()).isEqualTo("apply-business-rules");
        assertThat(event.path("data").path("id").asLong()).isEqualTo(entry);
    }

    static Optional<JsonNode> find(String subject) {
        return KafkaTopics.readAll("ledgerbridge.dead-letters").stream().map(DeadLetterTopicTest::read)
                .filter(e -> subject.equals(e.path("subject").asText())).findFirst();
    }

    static JsonNode read(String value) {
        try {
            return JSON.readTree(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
