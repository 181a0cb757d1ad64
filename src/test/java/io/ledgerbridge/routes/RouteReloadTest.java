package io.ledgerbridge.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.Store;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.ledgerbridge.testing.TimeEntryFixtures.Project;
import io.ledgerbridge.testing.VendorStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route edits take effect in the running service: the service runs from a copy of the repository's routes folder,
 * which the tests edit as an operator would. A time entry is kept in flight in the time flow by a Xero that holds
 * its answer until the test lets it go, so each change meets a message mid-route.
 */
@QuarkusTest
@TestProfile(RouteReloadTest.OwnRoutesFolder.class)
class RouteReloadTest {

    static final String TIME_FLOW = "approved-time-to-erp.camel.yaml";
    static final String FLOW_ROUTE = "approved-time-to-erp";
    static final String CONNECTORS = "system-xero.camel.yaml";
    static final String CONNECTOR_ROUTE = "xero-post-time";

    /** The routes folder of this service: a copy of the repository's, watched with a short quiet period. */
    public static class OwnRoutesFolder implements QuarkusTestProfile {
        static final Path FOLDER = copyOfTheRoutes();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ledgerbridge.routes.location", "file:" + FOLDER, "ledgerbridge.routes.quiet-period",
                    "300ms");
        }

        private static Path copyOfTheRoutes() {
            try {
                // under target/, which the build cleans (deleteOnExit cannot remove a folder with files in it)
                Path folder = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "routes-copy-");
                try (Stream<Path> files = Files.list(Path.of("routes"))) {
                    for (Path file : files.toList()) {
                        Files.copy(file, folder.resolve(file.getFileName()));
                    }
                }
                return folder;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    CamelContext camel;

    @AfterEach
    void putTheRepositorysRoutesBack() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.toList()) {
                Files.copy(file, folder().resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        reload().then().statusCode(200);
        assertThat(routes().getBoolean("inSync")).isTrue();
    }

    @Test
    void aGoodEditTakesEffectWithoutRestartAndTheMessageInFlightIsPostedOnce() throws Exception {
        InFlight held = holdAnEntryInFlight(CONNECTOR_ROUTE);
        Project slow = held.project();
        long inFlight = held.entry();
        Runnable answerXero = held.answerXero();

        // the operator's edit of Xero's post-time: a copy of every answered posting goes to a queue (the test's)
        String connectors = Files.readString(Path.of("routes", CONNECTORS));
        String edited = connectors.replace("""
                                - to:
                                    id: xero-post-time-entry
                                    uri: direct:xero-projects-api
                """, """
                                - to:
                                    id: xero-post-time-entry
                                    uri: direct:xero-projects-api
                                - to:
                                    id: copy-of-posted
                                    uri: seda:reload-probe
                """);
        assertThat(edited).isNotEqualTo(connectors);
        write(CONNECTORS, edited);

        // the folder watch validated the edit and is applying it: the swap waits for the entry in flight
        awaitApplyingWhileInFlight(CONNECTOR_ROUTE);
        answerXero.run();

        // applied; the old route finished the entry in flight before it was replaced
        await().atMost(Duration.ofSeconds(60)).until(() -> "APPLIED".equals(routes().getString("lastReload.outcome")));
        JsonPath routes = routes();
        assertThat(routes.getString("lastReload.trigger")).isEqualTo("file-watch");
        assertThat(routes.getList("lastReload.replaced", String.class)).contains(CONNECTOR_ROUTE, "xero-projects-api",
                "xero-create-invoice").allMatch(route -> route.startsWith("xero-"));
        assertThat(routes.getBoolean("inSync")).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(inFlight, V1));

        Project project = TimeEntryFixtures.knownProject();
        long after = TimeEntryFixtures.nextId();
        postEntry(project, after);
        try (ConsumerTemplate probe = camel.createConsumerTemplate()) {
            Exchange copied = probe.receive("seda:reload-probe", 30_000);
            assertThat(copied).as("the edited route posted the next entry").isNotNull();
            assertThat(copied.getMessage().getHeader("ledgerbridgeBusinessKey", String.class))
                    .as("the entry in flight went through the old route, not the new one")
                    .isEqualTo("harvest:time-entry:" + after);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(after, V1));
        assertThat(xeroPosts(slow)).as("the entry in flight was posted exactly once").isEqualTo(1);
        assertThat(Store.deadLetters(inFlight)).isEmpty();
        assertThat(Store.syncRecords(inFlight)).hasSize(1);
    }

    @Test
    void aBadEditIsRejectedWithItsReasonAndTheOldRouteKeepsProcessing() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(RouteReloader.class.getName());
        log.addHandler(capture);
        try {
            write(TIME_FLOW, time().replace("uri: direct:approved-time-to-erp", "uri: nosuchcomponent:approved"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "REJECTED".equals(routes().getString("lastReload.outcome")));
            JsonPath routes = routes();
            assertThat(routes.getList("lastReload.problems", String.class)).anySatisfy(problem -> assertThat(problem)
                    .contains("nosuchcomponent"));
            assertThat(routes.getList("lastReload.files", String.class)).containsExactly(TIME_FLOW);
            assertThat(routes.getBoolean("inSync")).as("the folder holds what does not run").isFalse();
            assertThat(String.join("\n", logged)).contains("Route change rejected").contains("nosuchcomponent");

            reload().then().statusCode(422).contentType("application/problem+json")
                    .body("title", containsString("the running routes are unchanged"))
                    .body("detail", containsString("nosuchcomponent"));
        } finally {
            log.removeHandler(capture);
        }

        // the running route is the old one, and it keeps posting
        Admin.as(Admin.VIEWER).get("/admin/routes").then().statusCode(200)
                .body("routes.find { it.id == 'approved-time-to-erp' }.status", is("Started"));
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        postEntry(project, entry);
        await().atMost(Duration.ofSeconds(30)).until(() -> Store.posted(entry, V1));
        assertThat(xeroPosts(project)).isEqualTo(1);

        // the file put back: the folder is what runs again
        write(TIME_FLOW, time());
        await().atMost(Duration.ofSeconds(60)).until(() -> routes().getBoolean("inSync")
                && "UNCHANGED".equals(routes().getString("lastReload.outcome")));
    }

    @Test
    void aRemovedRouteDrainsItsMessageInFlightBeforeItStops() throws Exception {
        InFlight held = holdAnEntryInFlight(FLOW_ROUTE);
        Project slow = held.project();
        long inFlight = held.entry();
        Runnable answerXero = held.answerXero();

        Files.delete(folder().resolve(TIME_FLOW));
        CompletableFuture<io.restassured.response.Response> reloading = CompletableFuture.supplyAsync(
                RouteReloadTest::reload);
        awaitApplyingWhileInFlight(FLOW_ROUTE);
        assertThat(reloading).as("the reload waits for the message in flight").isNotDone();
        answerXero.run();
        // done by this call or by the folder watch, which this call waited for
        assertThat(reloading.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(Store.posted(inFlight, V1)).as("the message in flight finished before its route stopped").isTrue();
        JsonPath routes = routes();
        assertThat(routes.getString("lastReload.outcome")).isEqualTo("APPLIED");
        assertThat(routes.getList("lastReload.removed", String.class)).contains(FLOW_ROUTE,
                "approved-time-from-kafka", "time-entries-webhook", "post-time-entries");
        assertThat(routes.getList("routes.id", String.class)).doesNotContain(FLOW_ROUTE, "post-time-entries");
        assertThat(camel.getRoute(FLOW_ROUTE)).isNull();
        given().contentType("application/json").body(slow.approvedEntry(TimeEntryFixtures.nextId(), "1", V1))
                .post("/api/v1/time-entries").then().statusCode(404);
        assertThat(xeroPosts(slow)).isEqualTo(1);
        assertThat(Store.deadLetters(inFlight)).isEmpty();

        // the flow comes back with its file
        write(TIME_FLOW, time());
        reload().then().statusCode(200);
        Admin.as(Admin.VIEWER).get("/admin/routes").then().body("routes.id", hasItem(FLOW_ROUTE))
                .body("lastReload.added", hasItem(FLOW_ROUTE)).body("lastReload.removed", not(hasItem(FLOW_ROUTE)));
        Project project = TimeEntryFixtures.knownProject();
        long entry = TimeEntryFixtures.nextId();
        postEntry(project, entry);
        await().atMost(Duration.ofSeconds(60)).until(() -> Store.posted(entry, V1));
    }

    @Test
    void onlyIntegratorsReload() {
        for (String role : new String[] {Admin.VIEWER, Admin.OPERATOR, Admin.APPROVER}) {
            Admin.as(role).contentType("application/json").post("/admin/routes/reload").then().statusCode(403);
        }
        reload().then().statusCode(200).body("outcome", is("UNCHANGED"));
    }

    static final String V1 = "2026-11-20T10:15:00Z";

    private static void postEntry(Project project, long entry) {
        given().contentType("application/json").body(project.approvedEntry(entry, "1", V1))
                .post("/api/v1/time-entries").then().statusCode(202);
    }

    /** The reload is validated and applying, and stays so while the message is in flight (Xero holds it). */
    private void awaitApplyingWhileInFlight(String routeId) throws InterruptedException {
        await().atMost(Duration.ofSeconds(60)).until(() -> String.valueOf(routes().getString("reloading"))
                .startsWith("applying"));
        Thread.sleep(1500);
        JsonPath routes = routes();
        assertThat(routes.getString("reloading")).as("still waiting for the message in flight").startsWith("applying");
        assertThat(camel.getInflightRepository().size(routeId)).isPositive();
    }

    /** An entry of its own project, whose Xero call is held: the entry stays in flight in {@code routeId}. */
    private InFlight holdAnEntryInFlight(String routeId) {
        VendorStubs.reset();
        Project project = TimeEntryFixtures.knownProject();
        Runnable answerXero = VendorStubs.holdTimeEntries(project.erpProjectId());
        long entry = TimeEntryFixtures.nextId();
        postEntry(project, entry);
        awaitInFlight(routeId);
        return new InFlight(project, entry, answerXero);
    }

    record InFlight(Project project, long entry, Runnable answerXero) {
    }

    private void awaitInFlight(String routeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> camel.getInflightRepository().size(routeId) > 0);
    }

    private static int xeroPosts(Project project) {
        return VendorStubs.server().findAll(postRequestedFor(urlPathEqualTo(
                VendorStubs.XERO_BASE + "/Projects/" + project.erpProjectId() + "/Time"))).size();
    }

    private static io.restassured.response.Response reload() {
        return Admin.as(Admin.INTEGRATOR).contentType("application/json").post("/admin/routes/reload");
    }

    private static JsonPath routes() {
        return Admin.as(Admin.VIEWER).get("/admin/routes").then().statusCode(200).extract().jsonPath();
    }

    private static Path folder() {
        return OwnRoutesFolder.FOLDER;
    }

    private static String time() throws IOException {
        return Files.readString(Path.of("routes", TIME_FLOW));
    }

    /** Writes a route file as editors do: a temporary file renamed over the old one. */
    private static void write(String name, String yaml) throws IOException {
        Path temporary = folder().resolve("." + name + ".tmp");
        Files.writeString(temporary, yaml);
        Files.move(temporary, folder().resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
