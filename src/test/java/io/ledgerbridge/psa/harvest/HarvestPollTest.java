package io.ledgerbridge.psa.harvest;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.ledgerbridge.poll.PollWatermark;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The incremental poll of Harvest's approved time: pages, watermark in the store, contract-checked requests. */
@QuarkusTest
class HarvestPollTest {

    static final String ROUTE = "harvest-time-poll";
    static final String PATH = VendorStubs.HARVEST_BASE + "/time_entries";

    @Inject
    CamelContext camel;

    @BeforeEach
    void freshStart() {
        VendorStubs.reset();
        QuarkusTransaction.requiringNew().run(() -> PollWatermark.deleteById(HarvestPoll.SOURCE));
    }

    @AfterEach
    void stopPolling() throws Exception {
        camel.getRouteController().stopRoute(ROUTE);
        assertThat(VendorStubs.violations()).as("requests that break the Harvest contract").isEmpty();
    }

    @Test
    void pollTakesEveryPageOfApprovedTimeAndMovesTheWatermark() throws Exception {
        Project project = TimeEntryFixtures.knownProject();
        long first = TimeEntryFixtures.nextId();
        long second = TimeEntryFixtures.nextId();
        long third = TimeEntryFixtures.nextId();
        VendorStubs.server().stubFor(get(urlPathEqualTo(PATH)).withQueryParam("page", equalTo("1"))
                .willReturn(okJson(page(List.of(project.approvedEntry(first, "1", "2026-11-20T09:00:00Z"),
                        project.approvedEntry(second, "2", "2026-11-21T09:00:00Z")), 1, 2))));
        VendorStubs.server().stubFor(get(urlPathEqualTo(PATH)).withQueryParam("page", equalTo("2"))
                .willReturn(okJson(page(List.of(project.approvedEntry(third, "0.5", "2026-11-20T12:00:00Z")), 2, 2))));

        camel.getRouteController().startRoute(ROUTE);

        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(first, "2026-11-20T09:00:00Z")
                && Store.posted(second, "2026-11-21T09:00:00Z") && Store.posted(third, "2026-11-20T12:00:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> watermark() != null
                && watermark().equals(Instant.parse("2026-11-21T09:00:00Z")));
        List<LoggedRequest> polls = VendorStubs.server().findAll(getRequestedFor(urlPathEqualTo(PATH)));
        assertThat(polls).extracting(r -> r.queryParameter("page").firstValue()).containsExactly("1", "2");
        assertThat(polls).allSatisfy(r -> {
            assertThat(r.queryParameter("updated_since").firstValue()).isEqualTo("1970-01-01T00:00:00Z");
            assertThat(r.getHeader("Authorization")).isEqualTo("Bearer test-harvest-token");
            assertThat(r.getHeader("Harvest-Account-Id")).isEqualTo("123456");
        });
        VendorStubs.server().verify(3, postRequestedFor(urlPathEqualTo(
                VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time")));
    }

    @Test
    void nextPollAsksOnlyForWhatChangedSinceTheWatermark() throws Exception {
        QuarkusTransaction.requiringNew().run(() -> {
            PollWatermark mark = new PollWatermark();
            mark.source = HarvestPoll.SOURCE;
            mark.watermark = Instant.parse("2026-11-22T08:30:00Z");
            mark.updatedAt = Instant.now();
            mark.persist();
        });
        VendorStubs.server().stubFor(get(urlPathEqualTo(PATH)).willReturn(okJson(page(List.of(), 1, 1))));

        camel.getRouteController().startRoute(ROUTE);

        await().atMost(Duration.ofSeconds(30)).until(
                () -> !VendorStubs.server().findAll(getRequestedFor(urlPathEqualTo(PATH))).isEmpty());
        LoggedRequest poll = VendorStubs.server().findAll(getRequestedFor(urlPathEqualTo(PATH))).get(0);
        assertThat(poll.queryParameter("updated_since").firstValue()).isEqualTo("2026-11-22T08:30:00Z");
        // an empty poll keeps the watermark where it was
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> Instant.parse("2026-11-22T08:30:00Z").equals(watermark()));
    }

    static Instant watermark() {
        return QuarkusTransaction.requiringNew().call(() -> {
            PollWatermark mark = PollWatermark.findById(HarvestPoll.SOURCE);
            return mark == null ? null : mark.watermark;
        });
    }

    static String page(List<String> entries, int page, int totalPages) {
        return """
                {"time_entries": [%s], "per_page": 100, "total_pages": %d, "total_entries": %d,
                 "next_page": %s, "previous_page": %s, "page": %d,
                 "links": {"first": "x", "next": null, "previous": null, "last": "x"}}
                """.formatted(String.join(",", entries), totalPages, entries.size(),
                page < totalPages ? String.valueOf(page + 1) : "null", page > 1 ? String.valueOf(page - 1) : "null",
                page);
    }
}
