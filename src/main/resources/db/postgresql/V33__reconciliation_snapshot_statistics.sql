-- A reconciliation run analyzes its snapshot tables before pairing them (Reconciliations.match): the planner needs to
-- know that the run holds up to millions of their rows to join them by hash. Row counts and the run's share need no
-- fine histograms, so ANALYZE samples 3,000 rows of each (statistics target 10) instead of 30,000: the match of a
-- 1,000,000-entry run spent 0.3-1.3 s analyzing with the default target.
-- PostgreSQL only: H2's ANALYZE takes no per-column target (and the embedded store holds small runs).
alter table recon_source_entry alter column run_id set statistics 10;
alter table recon_source_entry alter column project_id set statistics 10;
alter table recon_source_entry alter column source_id set statistics 10;
alter table recon_source_entry alter column source_version set statistics 10;
alter table recon_source_entry alter column psa_user_id set statistics 10;
alter table recon_source_entry alter column work_date set statistics 10;
alter table recon_source_entry alter column hours set statistics 10;
alter table recon_source_entry alter column approved_at set statistics 10;
alter table recon_source_entry alter column sync_record_id set statistics 10;
alter table recon_source_entry alter column target_id set statistics 10;
alter table recon_erp_entry alter column run_id set statistics 10;
alter table recon_erp_entry alter column project_id set statistics 10;
alter table recon_erp_entry alter column erp_entry_id set statistics 10;
alter table recon_erp_entry alter column erp_user_id set statistics 10;
alter table recon_erp_entry alter column erp_task_id set statistics 10;
alter table recon_erp_entry alter column work_date set statistics 10;
alter table recon_erp_entry alter column minutes set statistics 10;
alter table recon_erp_entry alter column sync_record_id set statistics 10;
