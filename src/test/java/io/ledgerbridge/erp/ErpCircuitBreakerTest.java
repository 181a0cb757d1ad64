package io.ledgerbridge.erp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.ledgerbridge.deadletter.DeadLetter;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The circuit breaker in front of the ERP: a dead ERP is not hammered, and nothing is lost while it is down. */
@QuarkusTest
class ErpCircuitBreakerTest {

    @AfterEach
    void erpRecoversAndTheCircuitClosesAgain() {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            long probe = TimeEntryFixtures.nextId();
            given().contentType("application/json").body(project.approvedEntry(probe, "1", "2026-11-20T10:15:00Z"))
                    .post("/api/v1/time-entries").then().statusCode(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> Store.posted(probe, "2026-11-20T10:15:00Z")
                    || !Store.deadLetters(probe).isEmpty());
            assertThat(Store.posted(probe, "2026-11-20T10:15:00Z")).isTrue();
        });
    }

    @Inject
    ErpGateway erp;

    /**
     * A 429 says the ERP is there and busy: the calls wait its Retry-After, and the circuit stays closed however many
     * there are (an open circuit would hold back calls the ERP's budget allows, and its closing would be taken for
     * the end of an outage). Entries limited at every attempt end as RATE_LIMITED dead letters, not refused by a
     * circuit.
     */
    @Test
    void aRateLimitStormDoesNotOpenTheCircuit() {
        Project project = TimeEntryFixtures.knownProject();
        List<Long> ids = fourEntriesToAnErpAnswering(project, aResponse().withStatus(429).withHeader("Retry-After", "1"));
        AtomicBoolean opened = new AtomicBoolean();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
            opened.compareAndSet(false, erp.circuitOpen());
            return ids.stream().allMatch(id -> !Store.deadLetters(id).isEmpty());
        });
        int limited = VendorStubs.server().findAll(postRequestedFor(urlPathMatching(
                VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time"))).size();
        // 4 entries x 5 attempts, every one answered 429: twice the circuit's request volume, all failures
        assertThat(limited).isEqualTo(20);
        assertThat(opened).as("the circuit opened during the 429s").isFalse();
        List<DeadLetter> letters = ids.stream().map(id -> Store.deadLetters(id).get(0)).toList();
        assertThat(letters).extracting(l -> l.errorClass).containsOnly(ErrorClass.RATE_LIMITED);
        assertThat(letters).allSatisfy(l -> assertThat(l.errorMessage).contains("429").doesNotContainIgnoringCase("circuit"));
    }

    @Test
    void downErpOpensTheCircuitAndEveryEntryIsDeadLetteredAsTargetUnavailable() {
        Project project = TimeEntryFixtures.knownProject();
        // the whole organisation is down, its reads too: the invoice-status poll's reads of earlier tests' invoices
        // must not keep the circuit's window full of successes
        VendorStubs.reset();
        VendorStubs.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching(
                VendorStubs.XERO_ACCOUNTING_BASE + "/.*")).atPriority(1).willReturn(aResponse().withStatus(503)));
        List<Long> ids = fourEntriesToAnErpAnswering(project, aResponse().withStatus(503), false);

        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> !Store.deadLetters(id).isEmpty()));
        List<DeadLetter> letters = ids.stream().map(id -> Store.deadLetters(id).get(0)).toList();
        assertThat(letters).extracting(l -> l.errorClass).containsOnly(ErrorClass.TARGET_UNAVAILABLE);
        assertThat(letters).extracting(l -> l.attempts).containsOnly(5);
        // 4 entries x 5 attempts = 20 deliveries, but the open circuit kept most of them from reaching the ERP
        int reached = VendorStubs.server().findAll(postRequestedFor(urlPathMatching(
                VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time"))).size();
        assertThat(reached).isLessThan(20);
        assertThat(letters).anySatisfy(l -> assertThat(l.errorMessage).containsIgnoringCase("circuit"));
    }

    /** Four approved entries of the project through the webhook, to an ERP that answers every time entry so. */
    private static List<Long> fourEntriesToAnErpAnswering(Project project, ResponseDefinitionBuilder answer) {
        return fourEntriesToAnErpAnswering(project, answer, true);
    }

    private static List<Long> fourEntriesToAnErpAnswering(Project project, ResponseDefinitionBuilder answer,
            boolean reset) {
        if (reset) {
            VendorStubs.reset();
        }
        VendorStubs.server().stubFor(post(urlPathMatching(VendorStubs.XERO_BASE + "/Projects/.*/Time"))
                .atPriority(1).willReturn(answer));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long id = TimeEntryFixtures.nextId();
            ids.add(id);
            given().contentType("application/json").body(project.approvedEntry(id, "1", "2026-11-20T10:15:00Z"))
                    .post("/api/v1/time-entries").then().statusCode(202);
        }
        return ids;
    }
}
