package io.ledgerbridge.testing;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Harvest-shaped time entries and the cross-references they need, unique per test. */
public final class TimeEntryFixtures {

    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 100);

    private TimeEntryFixtures() {
    }

    /** A fresh source id. */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /** A project in Harvest with its ERP counterparts (project, person, task) registered as cross-references. */
    public record Project(long projectId, long userId, long taskId, String erpProjectId, String erpUserId,
            String erpTaskId) {

        /** An approved entry of this project, as Harvest's API shows it. */
        public String approvedEntry(long entryId, String hours, String updatedAt) {
            return entry(entryId, hours, updatedAt, true);
        }

        /**
         * The dead letter an ERP outage leaves for an approved entry of this project (TARGET_UNAVAILABLE at the post,
         * already published to the dead-letter topic), in {@code status}; not stored yet.
         */
        public io.ledgerbridge.deadletter.DeadLetter outageDeadLetter(long entryId, String hours, String updatedAt,
                io.ledgerbridge.deadletter.DeadLetter.Status status) {
            io.ledgerbridge.deadletter.DeadLetter letter = new io.ledgerbridge.deadletter.DeadLetter();
            letter.flow = "approved-time-to-erp";
            letter.step = "post-to-erp";
            letter.businessKey = "harvest:time-entry:" + entryId;
            letter.sourceSystem = "harvest";
            letter.sourceId = String.valueOf(entryId);
            letter.sourceVersion = updatedAt;
            letter.errorClass = io.ledgerbridge.flow.ErrorClass.TARGET_UNAVAILABLE;
            letter.errorMessage = "xero answered 503";
            letter.attempts = 7;
            letter.payload = approvedEntry(entryId, hours, updatedAt);
            letter.status = status;
            letter.createdAt = io.ledgerbridge.store.StoreTime.now();
            letter.updatedAt = letter.createdAt;
            letter.publishedAt = letter.createdAt;
            return letter;
        }

        public String entry(long entryId, String hours, String updatedAt, boolean approved) {
            return """
                    {"id": %d, "spent_date": "2026-11-19", "hours": %s, "notes": "Sprint planning",
                     "billable": true, "is_closed": %s, "is_billed": false, "is_locked": false,
                     "created_at": "2026-11-19T17:00:00Z", "updated_at": "%s",
                     "user": {"id": %d, "name": "Kim Allen"}, "client": {"id": 5735776, "name": "ABC Corp"},
                     "project": {"id": %d, "name": "Website Redesign"}, "task": {"id": %d, "name": "Programming"}}
                    """.formatted(entryId, hours, approved, updatedAt, userId, projectId, taskId);
        }
    }

    /** A project whose cross-references are not loaded. */
    public static Project unknownProject() {
        return new Project(nextId(), nextId(), nextId(), UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
    }

    /** A project whose cross-references are loaded through the admin API. */
    public static Project knownProject() {
        return register(unknownProject());
    }

    /** The rate card of fixture projects: 120.00 EUR an hour for the role of their entries. */
    public static final String RATE_CARD = "FIXTURE-EU";
    public static final String ROLE = "Programming";

    /**
     * Loads what the time flow needs through the admin API, as an operator does: the project (active all year, EU),
     * the person's assignment in the role (with the project's ERP task), the rate card and the person's ERP id.
     */
    public static Project register(Project project) {
        return register(project, "EU");
    }

    /** {@link #register(Project)} with the project in another region (legal entity) of mappings/regions.json. */
    public static Project register(Project project, String region) {
        loadProjectAndStaffing(project, region);
        operator().body(List.of(xref("PERSON", String.valueOf(project.userId()), project.erpUserId())))
                .put("/admin/cross-references").then().statusCode(200);
        return project;
    }

    /** Gives the project's person another ERP id through the admin API; returns the project as it is now. */
    public static Project movePerson(Project project, String erpUserId) {
        operator().body(List.of(xref("PERSON", String.valueOf(project.userId()), erpUserId)))
                .put("/admin/cross-references").then().statusCode(200).body("changed", org.hamcrest.Matchers.is(1));
        return new Project(project.projectId(), project.userId(), project.taskId(), project.erpProjectId(), erpUserId,
                project.erpTaskId());
    }

    /** Everything {@link #register} loads but the person's ERP id. */
    public static Project loadProjectAndStaffing(Project project) {
        return loadProjectAndStaffing(project, "EU");
    }

    private static Project loadProjectAndStaffing(Project project, String region) {
        operator().body(List.of(Map.of("card", RATE_CARD, "role", ROLE, "currency", "EUR", "billRate", "120.00",
                        "costRate", "70.00", "effectiveFrom", "2026-01-01")))
                .put("/admin/rate-cards").then().statusCode(200);
        operator().body(List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(project.projectId())),
                        Map.entry("erpProjectId", project.erpProjectId()), Map.entry("name", "Website Redesign"),
                        Map.entry("clientName", "ABC Corp"), Map.entry("region", region), Map.entry("currency", "EUR"),
                        Map.entry("contractType", "TIME_AND_MATERIALS"), Map.entry("rateCard", RATE_CARD),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", "2026-01-01"))))
                .put("/admin/projects").then().statusCode(200);
        operator().body(List.of(Map.of("sourceId", "fixture-" + project.projectId() + "-" + project.userId(),
                        "psaProjectId", String.valueOf(project.projectId()),
                        "psaUserId", String.valueOf(project.userId()), "role", ROLE, "startsOn", "2026-01-01",
                        "erpTaskId", project.erpTaskId())))
                .put("/admin/assignments").then().statusCode(200);
        return project;
    }

    /**
     * A reference-data seed file ({@code ledgerbridge.seed.reference-data}) for a service started as its own process:
     * the project with its ERP project, the person's ERP id, rate card {@code card} and the person's assignment.
     */
    public static void writeSeedFile(java.nio.file.Path file, long project, long user, String erpProject, String card)
            throws java.io.IOException {
        java.nio.file.Files.writeString(file, """
                {"crossReferences": [{"entityType":"PERSON","sourceSystem":"harvest","sourceId":"%2$d","targetSystem":"erp","targetId":"5f9e1c3a-8d2b-4e7f-a1c6-3b8d9e0f1a2b"}],
                 "rateCards": [{"card":"%4$s","role":"Programming","currency":"EUR","billRate":100,"costRate":60,"effectiveFrom":"2026-01-01"}],
                 "projects": [{"psaId":"%1$d","erpProjectId":"%3$s","name":"Website Redesign","clientName":"ABC Corp","region":"EU",
                               "currency":"EUR","contractType":"TIME_AND_MATERIALS","rateCard":"%4$s","status":"ACTIVE","startsOn":"2026-01-01"}],
                 "assignments": [{"sourceId":"seed-%2$d","psaProjectId":"%1$d","psaUserId":"%2$d","role":"Programming","startsOn":"2026-01-01",
                                  "erpTaskId":"0c4d2e6f-1a3b-4c5d-8e9f-a0b1c2d3e4f5"}]}
                """.formatted(project, user, erpProject, card));
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return given().auth().preemptive().basic(Admin.OPERATOR, Admin.OPERATOR_PASSWORD)
                .contentType("application/json");
    }

    private static Map<String, String> xref(String type, String sourceId, String targetId) {
        return Map.of("entityType", type, "sourceSystem", "harvest", "sourceId", sourceId, "targetSystem", "erp",
                "targetId", targetId);
    }
}
