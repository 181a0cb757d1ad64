package io.ledgerbridge.testing;

import static io.restassured.RestAssured.given;

import io.ledgerbridge.sync.SyncRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Projects under a contract, loaded through the admin API as an operator does, and their approved time. */
public final class ContractFixtures {

    private ContractFixtures() {
    }

    /** A project (EU, EUR, one consultant staffed from 2026-10-01) under a contract, and what is done with it. */
    public record Contracted(long projectId, long psaProject, long user, String erpProject) {

        /** Posts an approved Harvest time entry of the consultant; answers its id. */
        public long time(String date, String hours) {
            long id = TimeEntryFixtures.nextId();
            time(id, date, hours, true, "2026-11-02T09:00:00Z");
            return id;
        }

        /** Staffs another consultant (the PSA's user {@code other}) on the project from {@code start}, as Consultant. */
        public void staff(long other, String start) {
            Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                    "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest",
                            "sourceId", String.valueOf(other), "targetSystem", "erp", "targetId",
                            UUID.randomUUID().toString())),
                    "assignments", List.of(Map.of("sourceId", "contract-" + psaProject + "-" + other, "psaProjectId",
                            String.valueOf(psaProject), "psaUserId", String.valueOf(other), "role", "Consultant",
                            "startsOn", start, "erpTaskId", UUID.randomUUID().toString()))))
                    .put("/admin/reference-data").then().statusCode(200);
        }

        /** Posts an approved Harvest time entry of consultant {@code by}; answers its id. */
        public long timeOf(long by, String date, String hours) {
            long id = TimeEntryFixtures.nextId();
            new Contracted(projectId, psaProject, by, erpProject).time(id, date, hours, true, "2026-11-02T09:00:00Z");
            return id;
        }

        /** Posts a version of time entry {@code id} (a correction: other hours, or no longer billable). */
        public void time(long id, String date, String hours, boolean billable, String updatedAt) {
            given().contentType("application/json").body("""
                    {"id": %d, "spent_date": "%s", "hours": %s, "notes": "Audit", "billable": %s,
                     "is_closed": true, "is_billed": false, "updated_at": "%s",
                     "user": {"id": %d, "name": "Ana Lima"}, "client": {"id": 1, "name": "Initech GmbH"},
                     "project": {"id": %d, "name": "Initech audit"}, "task": {"id": 77, "name": "Consultant"}}
                    """.formatted(id, date, hours, billable, updatedAt, user, psaProject))
                    .post("/api/v1/time-entries").then().statusCode(202);
        }

        /** Posts an approved Harvest expense of the consultant in EUR (a hotel); answers its id. */
        public long expense(String date, String amount) {
            long id = TimeEntryFixtures.nextId();
            given().contentType("application/json").body("""
                    {"id": %d, "spent_date": "%s", "total_cost": %s, "billable": true, "is_closed": true,
                     "is_billed": false, "notes": "Workshop", "updated_at": "2026-11-02T09:00:00Z",
                     "user": {"id": %d, "name": "Ana Lima"}, "project": {"id": %d, "name": "Initech audit"},
                     "client": {"id": 1, "name": "Initech GmbH", "currency": "EUR"},
                     "expense_category": {"id": 5, "name": "Hotel"}}
                    """.formatted(id, date, amount, user, psaProject)).post("/api/v1/expenses").then()
                    .statusCode(202);
            return id;
        }

        /** Bills a period of the project, as an operator. */
        public JsonPath bill(String period) {
            return Admin.as(Admin.OPERATOR).contentType("application/json")
                    .body(Map.of("period", period, "projects", List.of(projectId)))
                    .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        }

        /** Bills a period of the project with the invoice dated {@code issueDate}, as an operator. */
        public JsonPath bill(String period, String issueDate) {
            return Admin.as(Admin.OPERATOR).contentType("application/json")
                    .body(Map.of("period", period, "projects", List.of(projectId), "issueDate", issueDate))
                    .post("/admin/billing-runs").then().statusCode(200).extract().jsonPath();
        }
    }

    /**
     * A project of {@code contractType} (as the reference data loads it; its terms then come from a contract put
     * through the admin API), billed at {@code rate} EUR an hour from 2026-10-01, with its ERP project and contact.
     */
    public static Contracted project(String contractType, String rate) {
        return project(contractType, rate, "EU", "EUR");
    }

    /** A {@link #project} of a region (and so of its legal entity), in a currency, its rate card in it. */
    public static Contracted project(String contractType, String rate, String region, String currency) {
        return project(contractType, rate, region, currency, "2026-10-01");
    }

    /** A {@link #project} of a region and currency that starts (and is staffed) on {@code start}. */
    public static Contracted project(String contractType, String rate, String region, String currency, String start) {
        return project(contractType, rate, region, currency, start, XERO);
    }

    /**
     * What the ERP holds of a project before its work arrives: its client, the project and the consultant (ids of
     * records the ERP's stub has, where it checks them).
     */
    public interface ErpRecords {
        String client(String name);

        String project(String code, String name);

        String consultant(String email, String name);
    }

    /** Xero: the stubs take any id of a client, project or user. */
    public static final ErpRecords XERO = new ErpRecords() {
        @Override
        public String client(String name) {
            return UUID.randomUUID().toString();
        }

        @Override
        public String project(String code, String name) {
            return UUID.randomUUID().toString();
        }

        @Override
        public String consultant(String email, String name) {
            return UUID.randomUUID().toString();
        }
    };

    /** A {@link #project} whose client, project and consultant the ERP holds as {@code erp} makes them. */
    public static Contracted project(String contractType, String rate, String region, String currency, String start,
            ErpRecords erp) {
        return project(contractType, rate, region, currency, start, erp, TimeEntryFixtures.nextId());
    }

    /** A {@link #project} whose consultant is the PSA's user {@code user} (e.g. one the HR feed brought). */
    public static Contracted project(String contractType, String rate, String region, String currency, String start,
            ErpRecords erp, long user) {
        long psaProject = TimeEntryFixtures.nextId();
        String erpProject = erp.project("INI-" + psaProject, "Initech audit " + psaProject);
        String card = "CONTRACT-" + psaProject;
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "crossReferences", List.of(Map.of("entityType", "PERSON", "sourceSystem", "harvest",
                        "sourceId", String.valueOf(user), "targetSystem", "erp", "targetId",
                        erp.consultant("ana.lima+" + user + "@initech-consulting.example", "Ana Lima"))),
                "rateCards", List.of(Map.of("card", card, "role", "Consultant", "currency", currency, "billRate", rate,
                        "costRate", "55.00", "effectiveFrom", start.substring(0, 4) + "-01-01")),
                "projects", List.of(Map.ofEntries(Map.entry("psaId", String.valueOf(psaProject)),
                        Map.entry("erpProjectId", erpProject),
                        Map.entry("erpContactId", erp.client("Initech GmbH")),
                        Map.entry("name", "Initech audit " + psaProject), Map.entry("code", "INI-" + psaProject),
                        Map.entry("clientName", "Initech GmbH"), Map.entry("region", region), Map.entry("currency", currency),
                        Map.entry("contractType", contractType), Map.entry("rateCard", card),
                        Map.entry("status", "ACTIVE"), Map.entry("startsOn", start))),
                "assignments", List.of(Map.of("sourceId", "contract-" + psaProject, "psaProjectId",
                        String.valueOf(psaProject), "psaUserId", String.valueOf(user), "role", "Consultant",
                        "startsOn", start, "erpTaskId", UUID.randomUUID().toString()))))
                .put("/admin/reference-data").then().statusCode(200);
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", psaProject).get("/admin/projects").then()
                .statusCode(200).extract().jsonPath().getLong("[0].id");
        return new Contracted(projectId, psaProject, user, erpProject);
    }

    /**
     * The terms of a fixed fee of 30,000.00 EUR from 2026-10-01 (200 budgeted hours), in two milestones: {@code design}
     * ("Design signed off", due 2026-10-31) and {@code go-live} (due 2026-12-15), of the amounts given.
     */
    public static Map<String, Object> fixedFee(String design, String goLive) {
        return fixedFee(design, goLive, "2026-10-01", "PERCENT_COMPLETE");
    }

    /** The terms of {@link #fixedFee(String, String)} from {@code start}, its revenue recognised as {@code recognition}. */
    public static Map<String, Object> fixedFee(String design, String goLive, String start, String recognition) {
        return fixedFee(design, goLive, start, recognition, "EUR");
    }

    /** The terms of {@link #fixedFee(String, String, String, String)} in another currency (the project's). */
    public static Map<String, Object> fixedFee(String design, String goLive, String start, String recognition,
            String currency) {
        return Map.of("ref", Map.of("system", "salesforce", "id", "006Dn00000F1x2FIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000G1b2XIAR"),
                "type", "FIXED_FEE", "currency", currency, "start", start, "recognition", recognition,
                "fixedFee", Map.of("amount", "30000.00", "currency", currency), "budgetHours", "200",
                "milestones", List.of(
                        Map.of("code", "design", "name", "Design signed off", "due", "2026-10-31",
                                "amount", Map.of("amount", design, "currency", currency)),
                        Map.of("code", "go-live", "name", "Go-live", "due", "2026-12-15",
                                "amount", Map.of("amount", goLive, "currency", currency))));
    }

    /** A time-and-materials {@link #project} under a cap of {@code cap} EUR. */
    public static Contracted capped(String rate, String cap) {
        Contracted project = project("TIME_AND_MATERIALS", rate);
        Admin.as(Admin.OPERATOR).contentType("application/json").body(Map.of(
                "ref", Map.of("system", "salesforce", "id", "006Dn00000C4p1QIAR"),
                "client", Map.of("system", "salesforce", "id", "001Dn00000C4p1QIAR"),
                "type", "TIME_AND_MATERIALS", "currency", "EUR", "start", "2026-10-01",
                "cap", Map.of("amount", cap, "currency", "EUR")))
                .put("/admin/projects/" + project.projectId() + "/contract").then().statusCode(200);
        return project;
    }

    /** Whether every one of the time entries is posted to the ERP. */
    public static boolean posted(long... ids) {
        return posted("approved-time-to-erp", ids);
    }

    /** Whether every one of the records of a flow is posted to the ERP. */
    public static boolean posted(String flow, long... ids) {
        return QuarkusTransaction.requiringNew().call(() -> {
            for (long id : ids) {
                if (SyncRecord.count("flow = ?1 and sourceId = ?2 and status = ?3", flow,
                        String.valueOf(id), SyncRecord.Status.POSTED) == 0) {
                    return false;
                }
            }
            return true;
        });
    }
}
