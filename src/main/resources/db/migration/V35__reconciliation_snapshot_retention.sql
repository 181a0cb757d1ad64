-- A finished reconciliation run keeps its two snapshots for ledgerbridge.retention.reconciliation-snapshots (7 days by
-- default), then the store's retention job removes them (io.ledgerbridge.store.Retention) and notes when here: the
-- run, its counts and its findings stay. Without it every run kept up to a million rows per snapshot for ever.
alter table recon_run add column snapshots_removed_at timestamp(6) with time zone;
