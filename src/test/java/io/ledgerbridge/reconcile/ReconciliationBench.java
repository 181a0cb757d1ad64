package io.ledgerbridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.bench.BenchFigures;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (make bench, not part of make test): one project's period with 1,000,000 approved time entries, each
 * transferred (1,000,000 sync records) and held by the ERP, with 4,000 deliberate gaps. Times the two phases of a
 * run on real PostgreSQL: the pages (the same page handlers the route calls, fed canonical pages as psa-read-time
 * and read-time answer them: 2,000 and 500 entries, Harvest's and Xero's page sizes; each page is kept, matched
 * against the store and paired with the other snapshot as it arrives) and the set-based match after the last page,
 * which finds what only the whole snapshots show. The findings must be exactly the 4,000 gaps.
 * Figures are printed and written to target/bench/reconciliation.txt.
 */
@QuarkusTest
class ReconciliationBench {

    static final int ENTRIES = Integer.getInteger("bench.reconciliation.entries", 1_000_000);
    static final int GAP = Math.max(1, ENTRIES / 1000);
    static final String VERSION = "2026-11-20T10:00:00Z";

    @Inject
    Reconciliations reconciliations;
    @Inject
    DataSource dataSource;
    @Inject
    CamelContext camel;

    @Test
    void reconcileAMillionEntries() throws Exception {
        long tag = TimeEntryFixtures.nextId();
        TimeEntryFixtures.Project fixture = TimeEntryFixtures.knownProject();
        long projectId = Admin.as(Admin.VIEWER).queryParam("psaId", fixture.projectId()).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
        long base = tag * 10_000_000L;
        // transferred: every entry but the stale gap (1..GAP), as version VERSION
        long seedStart = System.nanoTime();
        int synced = sql("insert into sync_record (flow, entity_type, source_system, source_id, source_version, "
                + "business_key, target_system, target_id, operation, payload_hash, status, attempts, created_at, "
                + "updated_at, posted_at) select 'approved-time-to-erp', 'TIME_ENTRY', 'harvest', cast(? + g as "
                + "varchar(20)), ?, 'harvest:time-entry:' || cast(? + g as varchar(20)), 'erp', 'erp-' || cast(? "
                + "+ g as varchar(20)), 'CREATE', 'bench', 'POSTED', 1, now(), now(), now() from generate_series(?, "
                + "?) g", base, VERSION, base, base, GAP + 1, ENTRIES);
        double seedSeconds = seconds(seedStart);

        ReconRun run = reconciliations.record("2026-11", List.of(projectId), "bench");
        // as a run does before its first page: the store's statistics after the seed (not timed)
        reconciliations.prepareStore();

        long loadStart = System.nanoTime();
        for (int first = 1; first <= ENTRIES; first += 2000) {
            int last = Math.min(ENTRIES, first + 1999);
            reconciliations.sourcePage(page(run.id, projectId, harvestPage(base, first, last)));
        }
        double sourceSeconds = seconds(loadStart);
        int erpEntries = ENTRIES - GAP;
        long erpStart = System.nanoTime();
        for (int first = 1; first <= erpEntries; first += 500) {
            reconciliations.erpPage(page(run.id, projectId, erpPage(base, first, Math.min(erpEntries, first + 499))));
        }
        double erpSeconds = seconds(erpStart);

        long matchStart = System.nanoTime();
        Exchange match = new DefaultExchange(camel);
        match.getMessage().setHeader(Reconciliations.RUN, run.id);
        reconciliations.match(match);
        double matchSeconds = seconds(matchStart);

        Map<String, Long> findings = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement("select finding_type, count(*) from "
                        + "recon_finding where run_id = ? group by finding_type order by finding_type")) {
            query.setLong(1, run.id);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    findings.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        String report = """
                reconciliation benchmark (PostgreSQL, one project, one period)
                  approved entries (PSA pages of 2000)       %,d   kept and matched in %.1f s (%,.0f entries/s)
                  ERP entries (pages of 500)                 %,d   kept and matched in %.1f s (%,.0f entries/s)
                  sync records compared                      %,d   (seeded in %.1f s, not timed)
                  the match after the last page              %.2f s
                  findings                                   %s
                """.formatted(ENTRIES, sourceSeconds, ENTRIES / sourceSeconds, erpEntries, erpSeconds,
                erpEntries / erpSeconds, synced, seedSeconds, matchSeconds, findings);
        System.out.println(report);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/reconciliation.txt"), report);
        BenchFigures.write("reconciliation", Map.of("entries", ENTRIES, "source.load.seconds", sourceSeconds,
                "erp.load.seconds", erpSeconds, "match.seconds", matchSeconds, "findings", findings.values().stream()
                        .mapToLong(Long::longValue).sum(), "findings.expected", 4L * GAP));

        // the deliberate gaps, no more, no fewer
        assertThat(findings).containsExactlyInAnyOrderEntriesOf(Map.of("STALE", (long) GAP, "AMOUNT_DIFFERS",
                (long) GAP, "MISSING_IN_TARGET", (long) GAP, "ORPHAN_IN_TARGET", (long) GAP));

        // the shared test store keeps its size: the bench's rows go again
        sql("delete from recon_finding where run_id = ?", run.id);
        sql("delete from recon_source_entry where run_id = ?", run.id);
        sql("delete from recon_erp_entry where run_id = ?", run.id);
        sql("delete from sync_record where payload_hash = 'bench' and business_key like ?",
                "harvest:time-entry:" + tag + "%");
    }

    /**
     * Approved entries first..last (id base+g, 90 minutes) as psa-read-time answers them, canonical, whatever the PSA:
     * 1..GAP approved a year ago and never transferred. Each page is handed to the page step on its own exchange, as
     * page 1 of 1 (the route's paging and its max-pages check are ReconciliationTest's; here the cost of a page).
     */
    private static String harvestPage(long base, int first, int last) {
        StringBuilder page = new StringBuilder((last - first + 1) * 120).append("{\"entries\": [");
        for (int g = first; g <= last; g++) {
            if (g > first) {
                page.append(',');
            }
            page.append("{\"id\": \"").append(base + g).append("\", \"workDate\": \"2026-11-").append(10 + g % 19)
                    .append("\", \"hours\": 1.5, \"version\": \"")
                    .append(g <= GAP ? "2025-11-01T09:00:00Z" : VERSION).append("\", \"userId\": \"7\"}");
        }
        return page.append("], \"page\": 1, \"more\": false}").toString();
    }

    /**
     * ERP entries 1..ENTRIES-GAP, as read-time answers them: first ours, erp-(base+g) for g = GAP+1..ENTRIES-GAP (GAP+1..2*GAP with 95 minutes
     * instead of 90: AMOUNT_DIFFERS; the last GAP transferred entries are absent: MISSING_IN_TARGET), then GAP
     * entries of other people nobody sent (ORPHAN_IN_TARGET).
     */
    private static String erpPage(long base, int first, int last) {
        int ours = ENTRIES - 2 * GAP;
        StringBuilder page = new StringBuilder((last - first + 1) * 150).append("{\"entries\": [");
        for (int j = first; j <= last; j++) {
            if (j > first) {
                page.append(',');
            }
            int g = GAP + j;
            boolean orphan = j > ours;
            page.append("{\"id\": \"").append(orphan ? "orphan-" + base + "-" + j : "erp-" + (base + g))
                    .append("\", \"userId\": \"").append(orphan ? "someone-" + j : "u").append("\", \"taskId\": ")
                    .append("\"t\", \"workDate\": \"2026-11-").append(10 + g % 19).append("\", ")
                    .append("\"minutes\": ").append(!orphan && g <= 2 * GAP ? 95 : 90).append('}');
        }
        return page.append("], \"page\": 1, \"more\": false}").toString();
    }

    private Exchange page(long runId, long projectId, String body) {
        return ReconciliationPagesTest.page(camel, runId, projectId, body);
    }

    private int sql(String statement, Object... params) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                prepared.setObject(i + 1, params[i]);
            }
            return prepared.executeUpdate();
        }
    }

    private static double seconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis() / 1000.0;
    }
}
