package io.ledgerbridge.observe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Traces name the record they carry: the spans of a time entry, from the webhook through Kafka to the ERP call or
 * the dead letter, carry its business key and correlation id as attributes.
 */
@QuarkusTest
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void reset() {
        VendorStubs.reset();
        spans.reset();
    }

    @Test
    void theErpCallOfAnEntryCarriesItsBusinessKeyAndCorrelationId() {
        Project project = TimeEntryFixtures.knownProject();
        long entryId = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(entryId, "2.5", "2026-11-20T10:15:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entryId, "2026-11-20T10:15:00Z"));
        String key = "harvest:time-entry:" + entryId;
        String correlationId = Store.syncRecords(entryId).get(0).correlationId;

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spansOf(key))
                .anySatisfy(span -> {
                    // the ERP call itself (Camel's http span), named after the flow that made it
                    assertThat(span.getAttributes().get(AttributeKey.stringKey("component"))).isEqualTo("camel-http");
                    assertThat(span.getAttributes().get(AttributeKey.stringKey("http.method"))).isEqualTo("POST");
                    assertThat(span.getAttributes().get(TraceAttributes.FLOW)).isEqualTo("approved-time-to-erp");
                }));
        assertThat(spansOf(key)).allSatisfy(span -> assertThat(span.getAttributes()
                .get(TraceAttributes.CORRELATION_ID)).isEqualTo(correlationId));
        // webhook, Kafka and flow are one trace: the consumer continues the trace the webhook started
        Set<String> traces = spansOf(key).stream().map(SpanData::getTraceId).collect(Collectors.toSet());
        assertThat(traces).hasSize(1);
        assertThat(spans.getFinishedSpanItems()).filteredOn(s -> traces.contains(s.getTraceId()))
                .anySatisfy(s -> assertThat(s.getName()).isEqualTo("/api/v1/time-entries"));
    }

    @Test
    void aDeadLetterIsFoundOnItsTraceByBusinessKey() {
        Project project = TimeEntryFixtures.unknownProject();
        long entryId = TimeEntryFixtures.nextId();
        postWebhook(project.approvedEntry(entryId, "1", "2026-11-20T10:15:00Z"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !Store.deadLetters(entryId).isEmpty());
        DeadLetter letter = Store.deadLetters(entryId).get(0);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                spansOf("harvest:time-entry:" + entryId))
                .anySatisfy(span -> {
                    assertThat(span.getAttributes().get(TraceAttributes.DEAD_LETTER_ID))
                            .isEqualTo(String.valueOf(letter.id));
                    assertThat(span.getAttributes().get(TraceAttributes.CORRELATION_ID))
                            .isEqualTo(letter.correlationId);
                }));
    }

    private List<SpanData> spansOf(String businessKey) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> businessKey.equals(s.getAttributes().get(TraceAttributes.BUSINESS_KEY))).toList();
    }

    private static void postWebhook(String body) {
        given().contentType("application/json").body(body).post("/api/v1/time-entries").then().statusCode(202);
    }
}
