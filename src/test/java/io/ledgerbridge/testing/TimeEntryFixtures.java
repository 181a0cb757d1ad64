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

    /** Loads the project's cross-references through the admin API, as an operator does. */
    public static Project register(Project project) {
        given().auth().preemptive().basic(Admin.OPERATOR, Admin.OPERATOR_PASSWORD).contentType("application/json")
                .body(List.of(
                        xref("PROJECT", String.valueOf(project.projectId()), project.erpProjectId()),
                        xref("PERSON", String.valueOf(project.userId()), project.erpUserId()),
                        xref("TASK", project.projectId() + ":" + project.taskId(), project.erpTaskId())))
                .put("/admin/cross-references")
                .then().statusCode(200);
        return project;
    }

    private static Map<String, String> xref(String type, String sourceId, String targetId) {
        return Map.of("entityType", type, "sourceSystem", "harvest", "sourceId", sourceId, "targetSystem", "erp",
                "targetId", targetId);
    }
}
