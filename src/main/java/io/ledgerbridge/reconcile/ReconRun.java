package io.ledgerbridge.reconcile;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** One reconciliation of a period: approved in the source vs transferred by ledgerbridge vs held by the ERP. */
@Entity
@Table(name = "recon_run")
public class ReconRun extends PanacheEntityBase {

    public enum Status { RUNNING, COMPLETED, FAILED }

    /** The tables of a run's snapshots (its run_id their key): analyzed before the match, removed by the retention. */
    public static final List<String> SNAPSHOT_TABLES = List.of("recon_source_entry", "recon_erp_entry",
            "recon_erp_line");

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** YYYY-MM. */
    public String period;
    /** Comma-separated store ids of the projects reconciled; null: every project with a PSA and ERP id. */
    @Column(name = "project_filter")
    public String projectFilter;
    @Enumerated(EnumType.STRING)
    public Status status;
    @Column(name = "requested_by")
    public String requestedBy;
    /** The instance running it (null for runs recorded before V36). */
    @Column(name = "run_by")
    public String runBy;
    @Column(name = "source_entries")
    public int sourceEntries;
    @Column(name = "erp_entries")
    public int erpEntries;
    @Column(name = "erp_invoice_lines")
    public int erpInvoiceLines;
    public int findings;
    public String error;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** When the store's retention removed the two snapshots the run read (null: they are kept). */
    @Column(name = "snapshots_removed_at")
    public Instant snapshotsRemovedAt;
}
