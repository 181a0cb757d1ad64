package io.ledgerbridge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.TimeEntryFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/**
 * A run matches each page against the store as it arrives: what a source page alone shows (an approved version never
 * transferred) is a finding before the ERP is read, an ERP page is paired with the source entries posted as its
 * entries (other minutes: a finding at once), in whichever order the two arrive, and the match at the end finds the
 * posted entries no ERP page brought. The page steps are called as the route calls them (ReconciliationTest runs the
 * whole route, with the page's other finding: a version not transferred for which a dead letter waits).
 */
@QuarkusTest
class ReconciliationPagesTest {

    static final String VERSION = "2026-11-20T10:00:00Z";

    @Inject
    Reconciliations reconciliations;
    @Inject
    DataSource dataSource;
    @Inject
    CamelContext camel;

    @Test
    void aSourcePageIsMatchedAgainstTheStoreBeforeTheErpIsRead() throws Exception {
        long projectId = knownProjectId();
        long posted = TimeEntryFixtures.nextId();
        long stale = TimeEntryFixtures.nextId();
        long syncRecordId = postedAsErpEntry(posted);
        ReconRun run = reconciliations.record("2026-11", List.of(projectId), "test");
        reconciliations.prepareStore();

        reconciliations.sourcePage(page(run.id, projectId, "{\"entries\": [" + entry(posted, VERSION) + ", "
                + entry(stale, "2025-11-01T09:00:00Z") + "], \"page\": 1, \"more\": false}"));

        // the never-transferred version is found with its page; the posted one carries its sync record
        assertThat(findings(run.id)).containsExactly("STALE " + stale);
        assertThat(QuarkusTransaction.requiringNew().call(() -> ReconRun.<ReconRun>findById(run.id).findings))
                .isEqualTo(1);
        assertThat(query("select sync_record_id, target_id from recon_source_entry where run_id = ? and source_id = ?",
                run.id, String.valueOf(posted))).containsExactly(syncRecordId + " erp-" + posted);

        // the ERP holds our entry with other minutes, and one nobody posted
        Exchange erp = page(run.id, projectId, "{\"entries\": [{\"id\": \"erp-" + posted + "\", \"userId\": \"u\", "
                + "\"taskId\": \"t\", \"workDate\": \"2026-11-12\", \"minutes\": 95}, {\"id\": \"theirs-" + posted
                + "\", \"userId\": \"v\", \"taskId\": \"t\", \"workDate\": \"2026-11-12\", \"minutes\": 30}], "
                + "\"page\": 1, \"more\": false}");
        reconciliations.erpPage(erp);
        assertThat(query("select erp_entry_id, sync_record_id from recon_erp_entry where run_id = ? order by "
                + "erp_entry_id", run.id)).containsExactly("erp-" + posted + " " + syncRecordId, "theirs-" + posted
                + " null");
        // paired with the source entry posted as it as the page arrived: 95 min held, 1.5 h = 90 min approved
        assertThat(findings(run.id)).containsExactlyInAnyOrder("STALE " + stale, "AMOUNT_DIFFERS " + posted);
        assertThat(query("select expected, actual, detail from recon_finding where run_id = ? and finding_type = "
                + "'AMOUNT_DIFFERS'", run.id))
                .containsExactly("90 95 the ERP holds 95 min, the source approved 90 min");
        assertThat(query("select source_id, paired from recon_source_entry where run_id = ? order by source_id",
                run.id)).containsExactlyInAnyOrder(posted + " true", stale + " false");
        assertThat(QuarkusTransaction.requiringNew().call(() -> ReconRun.<ReconRun>findById(run.id).findings))
                .isEqualTo(2);

        Exchange match = new DefaultExchange(camel);
        match.getMessage().setHeader(Reconciliations.RUN, run.id);
        reconciliations.match(match);

        assertThat(findings(run.id)).containsExactlyInAnyOrder("STALE " + stale, "AMOUNT_DIFFERS " + posted,
                "ORPHAN_IN_TARGET theirs-" + posted);
        ReconRun done = QuarkusTransaction.requiringNew().call(() -> ReconRun.<ReconRun>findById(run.id));
        assertThat(done.status).isEqualTo(ReconRun.Status.COMPLETED);
        assertThat(done.findings).isEqualTo(3);
        deleteSyncRecords(syncRecordId);
    }

    @Test
    void anErpPageReadBeforeTheSourcesIsPairedWhenTheSourcePageArrives() throws Exception {
        long projectId = knownProjectId();
        long differs = TimeEntryFixtures.nextId();
        long same = TimeEntryFixtures.nextId();
        long gone = TimeEntryFixtures.nextId();
        long[] syncRecords = {postedAsErpEntry(differs), postedAsErpEntry(same), postedAsErpEntry(gone)};
        ReconRun run = reconciliations.record("2026-11", List.of(projectId), "test");
        reconciliations.prepareStore();

        // the ERP's time first (e.g. another project's pages moved it there): no source entry to pair with yet
        reconciliations.erpPage(page(run.id, projectId, "{\"entries\": [" + erpEntry(differs, 100) + ", "
                + erpEntry(same, 90) + "], \"page\": 1, \"more\": false}"));
        assertThat(findings(run.id)).isEmpty();

        reconciliations.sourcePage(page(run.id, projectId, "{\"entries\": [" + entry(differs, VERSION) + ", "
                + entry(same, VERSION) + ", " + entry(gone, VERSION) + "], \"page\": 1, \"more\": false}"));
        assertThat(findings(run.id)).containsExactly("AMOUNT_DIFFERS " + differs);
        assertThat(query("select expected, actual, currency from recon_finding where run_id = ?", run.id))
                .containsExactly("90 100 " + query("select currency from project where id = ?", projectId).get(0));
        assertThat(query("select source_id, paired from recon_source_entry where run_id = ?", run.id))
                .containsExactlyInAnyOrder(differs + " true", same + " true", gone + " false");

        Exchange match = new DefaultExchange(camel);
        match.getMessage().setHeader(Reconciliations.RUN, run.id);
        reconciliations.match(match);

        // the posted entry no ERP page brought is missing there; the one the ERP holds as approved is no finding
        assertThat(findings(run.id)).containsExactlyInAnyOrder("AMOUNT_DIFFERS " + differs,
                "MISSING_IN_TARGET " + gone);
        deleteSyncRecords(syncRecords);
    }

    /** The store's id of the fixtures' known project (known in both PSA and ERP). */
    private static long knownProjectId() {
        TimeEntryFixtures.Project fixture = TimeEntryFixtures.knownProject();
        return Admin.as(Admin.VIEWER).queryParam("psaId", fixture.projectId()).get("/admin/projects").then()
                .extract().jsonPath().getLong("[0].id");
    }

    /** A posted sync record of the source entry, as the ERP's entry erp-{id}; answers its id. */
    private long postedAsErpEntry(long sourceId) throws Exception {
        return insert("insert into sync_record (flow, entity_type, source_system, source_id, source_version, "
                + "business_key, target_system, target_id, operation, payload_hash, status, attempts, created_at, "
                + "updated_at, posted_at) values ('approved-time-to-erp', 'TIME_ENTRY', 'harvest', ?, ?, ?, 'erp', ?, "
                + "'CREATE', 'pages', 'POSTED', 1, now(), now(), now())", String.valueOf(sourceId), VERSION,
                "harvest:time-entry:" + sourceId, "erp-" + sourceId);
    }

    private void deleteSyncRecords(long... ids) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("delete from sync_record where id = ?")) {
            for (long id : ids) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        }
    }

    private static String erpEntry(long sourceId, int minutes) {
        return "{\"id\": \"erp-" + sourceId + "\", \"userId\": \"u\", \"taskId\": \"t\", \"workDate\": "
                + "\"2026-11-12\", \"minutes\": " + minutes + "}";
    }

    private static String entry(long id, String version) {
        return "{\"id\": \"" + id + "\", \"workDate\": \"2026-11-12\", \"hours\": 1.5, \"version\": \"" + version
                + "\", \"userId\": \"7\"}";
    }

    private Exchange page(long runId, long projectId, String body) {
        return page(camel, runId, projectId, body);
    }

    /** A page of a run's project as the reconciliation route hands it to {@link Reconciliations}. */
    static Exchange page(CamelContext camel, long runId, long projectId, String body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Reconciliations.RUN, runId);
        exchange.setProperty(Reconciliations.PROJECT, projectId);
        exchange.setProperty(Reconciliations.PAGE, 1);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    /** The run's findings as "TYPE source-or-ERP-id". */
    private List<String> findings(long runId) throws Exception {
        return query("select finding_type, coalesce(source_id, erp_entry_id) from recon_finding where run_id = ?",
                runId);
    }

    /** Each row's columns, joined by a space. */
    private List<String> query(String statement, Object... params) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(statement)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            try (ResultSet result = query.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> values = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        values.add(String.valueOf(result.getObject(c)));
                    }
                    rows.add(String.join(" ", values));
                }
            }
        }
        return rows;
    }

    /** Runs an insert; answers the key it generated. */
    private long insert(String statement, Object... params) throws Exception {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement prepared = connection.prepareStatement(statement, new String[] {"id"})) {
            for (int i = 0; i < params.length; i++) {
                prepared.setObject(i + 1, params[i]);
            }
            prepared.executeUpdate();
            try (ResultSet keys = prepared.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }
}
