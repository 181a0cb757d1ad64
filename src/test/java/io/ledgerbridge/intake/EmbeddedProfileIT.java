package io.ledgerbridge.intake;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `make run` starts: the packaged service on its embedded defaults, posting into the file outbox. */
class EmbeddedProfileIT {

    @Test
    void readmeExamplePostsApprovedTimeIntoTheFileOutbox() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "embedded-");
        Path outbox = work.resolve("erp-outbox");
        Map<String, String> config = Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("db/ledgerbridge") + ";WRITE_DELAY=0",
                "ledgerbridge.erp.outbox.dir", outbox.toString(),
                "ledgerbridge.seed.reference-data", Path.of("mappings/seed/reference-data.example.json").toAbsolutePath().toString(),
                // the store's retention every second, processed inbox messages kept for none
                "ledgerbridge.retention.cron", "* * * * * ?",
                "ledgerbridge.retention.processed-inbox", "0s");

        try (ServiceProcess service = ServiceProcess.start(config, work.resolve("service.log"))) {
            given().baseUri(service.baseUrl()).contentType("application/json")
                    .body(Files.readString(Path.of("mappings/examples/harvest-time-entry.json")))
                    .post("/api/v1/time-entries")
                    .then().statusCode(202).body("accepted[0]", is(636709355));

            Path document = outbox.resolve("harvest-636709355-20261120T101500Z.json");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(document));
            JsonNode posted = new ObjectMapper().readTree(document.toFile());
            assertThat(posted.path("operation").asText()).isEqualTo("CREATE");
            assertThat(posted.path("project").asText()).isEqualTo("b6c0f6f4-5a2e-4a8e-9d1c-2f4a7d9e1b20");
            assertThat(posted.path("durationMinutes").asInt()).isEqualTo(90);
            assertThat(posted.path("hours").decimalValue()).isEqualByComparingTo("1.5");
            try (var files = Files.list(outbox)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly(document.getFileName().toString());
            }

            // November closed for NL-BV (the project's entity): the 1.5 h at 120.00, not invoiced, are WIP of 180.00,
            // accrued on 30 November and reversed on 1 December, both journals written into the outbox
            JsonNode closed = new ObjectMapper().readTree(given().baseUri(service.baseUrl()).auth().preemptive()
                    .basic("operator", "operator-local").contentType("application/json")
                    .body("{\"entity\": \"NL-BV\", \"period\": \"2026-11\"}").post("/admin/period-closes")
                    .then().statusCode(200).extract().asString());
            assertThat(closed.path("outcome").asText()).as(closed.toString()).isEqualTo("CLOSED");
            for (JsonNode journal : closed.path("close").path("journals")) {
                Path file = outbox.resolve("journal-" + journal.path("reference").asText() + ".json");
                assertThat(file).exists();
                JsonNode lines = new ObjectMapper().readTree(file.toFile()).path("document").path("lines");
                assertThat(lines.findValuesAsText("accountCode")).containsExactly("630", "200");
                assertThat(lines.findValuesAsText("amount")).containsExactly(
                        journal.path("kind").asText().equals("ACCRUAL") ? "180.00" : "-180.00",
                        journal.path("kind").asText().equals("ACCRUAL") ? "-180.00" : "180.00");
            }
            assertThat(closed.path("close").path("journals").size()).isEqualTo(2);

            // the delivery was processed: the store's retention removes it from the inbox at its next firing
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(work.resolve("service.log"))
                    .contains("retention removed 1 processed inbox messages"));
        }
        // the embedded store (H2), read once the service stopped: the inbox is empty, the entry's lineage is kept
        try (var store = java.sql.DriverManager.getConnection("jdbc:h2:file:" + work.resolve("db/ledgerbridge"),
                "ledgerbridge", "");
                var statement = store.createStatement();
                var inbox = statement.executeQuery("select count(*) from inbox_message")) {
            assertThat(inbox.next() && inbox.getLong(1) == 0).as("the inbox is empty").isTrue();
            try (var posted = statement.executeQuery(
                    "select count(*) from sync_record where source_id = '636709355' and status = 'POSTED'")) {
                assertThat(posted.next() && posted.getLong(1) == 1).as("the posted entry's sync record").isTrue();
            }
        }
    }

    @Test
    void operatorsWalkthroughBreakTheErpSeeTheDeadLetterFixAndReplay() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "walkthrough-");
        Path outbox = work.resolve("erp-outbox");
        Map<String, String> config = Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:h2:file:" + work.resolve("db/ledgerbridge") + ";WRITE_DELAY=0",
                "ledgerbridge.erp.outbox.dir", outbox.toString(),
                "ledgerbridge.retry.initial-delay", "50",
                "ledgerbridge.retry.maximum-delay", "200",
                // the log format of the cluster profile: JSON lines with the MDC
                "quarkus.log.console.json.enabled", "true",
                "ledgerbridge.seed.reference-data", Path.of("mappings/seed/reference-data.example.json").toAbsolutePath().toString());

        try (ServiceProcess service = ServiceProcess.start(config, work.resolve("service.log"))) {
            // break the ERP: its import folder is a plain file
            Files.writeString(outbox, "not a folder");
            given().baseUri(service.baseUrl()).contentType("application/json")
                    .body(Files.readString(Path.of("mappings/examples/harvest-time-entry.json")))
                    .post("/api/v1/time-entries").then().statusCode(202);

            String key = "harvest:time-entry:636709355";
            await().atMost(Duration.ofSeconds(60)).until(() -> given().baseUri(service.baseUrl())
                    .auth().preemptive().basic("viewer", "viewer-local").queryParam("key", key)
                    .get("/admin/dead-letters").then().extract().<Integer>path("total") == 1);
            int id = given().baseUri(service.baseUrl()).auth().preemptive().basic("viewer", "viewer-local")
                    .queryParam("key", key).queryParam("status", "OPEN").get("/admin/dead-letters")
                    .then().statusCode(200).body("items[0].errorClass", is("TARGET_UNAVAILABLE"))
                    .body("items[0].attempts", is(7)).extract().path("items[0].id");

            // the dead letter's log line is JSON and carries its business key and correlation id
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode line = Files.readAllLines(work.resolve("service.log")).stream()
                    .filter(l -> l.startsWith("{") && l.contains("dead letter " + id + ":")).findFirst()
                    .map(l -> {
                        try {
                            return json.readTree(l);
                        } catch (java.io.IOException e) {
                            throw new AssertionError("not a JSON log line: " + l, e);
                        }
                    }).orElseThrow(() -> new AssertionError("no JSON log line of dead letter " + id));
            assertThat(line.path("level").asText()).isEqualTo("WARN");
            assertThat(line.path("mdc").path("businessKey").asText()).isEqualTo(key);
            assertThat(line.path("mdc").path("correlationId").asText()).isNotBlank().isNotEqualTo("null");
            assertThat(line.path("mdc").path("camel.routeId").asText()).isNotBlank();

            given().baseUri(service.baseUrl()).auth().preemptive().basic("viewer", "viewer-local")
                    .contentType("application/json").post("/admin/dead-letters/" + id + "/replay").then().statusCode(403);
            Files.delete(outbox);
            given().baseUri(service.baseUrl()).auth().preemptive().basic("operator", "operator-local")
                    .contentType("application/json").post("/admin/dead-letters/" + id + "/replay").then().statusCode(200).body("outcome", is("POSTED"));
            given().baseUri(service.baseUrl()).auth().preemptive().basic("operator", "operator-local")
                    .contentType("application/json").post("/admin/dead-letters/" + id + "/replay").then().statusCode(409);

            assertThat(outbox.resolve("harvest-636709355-20261120T101500Z.json")).exists();
            given().baseUri(service.baseUrl()).auth().preemptive().basic("viewer", "viewer-local")
                    .queryParam("key", key).get("/admin/sync-records")
                    .then().statusCode(200).body("postings[0].status", is("POSTED"))
                    .body("deadLetters[0].status", is("REPLAYED"));
        }
    }
}
