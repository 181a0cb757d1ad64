-- A reconciliation run pairs its two snapshots as their pages arrive instead of joining them after the last page: an
-- ERP page looks up the source entries posted as its entries (by the ERP id they were posted as), a source page the
-- ERP entries already read; a source entry the ERP holds is marked paired, so the match after the last page only
-- reads the posted entries left unpaired (MISSING_IN_TARGET) instead of joining a million entries with a million.
alter table recon_source_entry add column paired boolean default false not null;
create index ix_recon_source_target on recon_source_entry (run_id, target_id);
