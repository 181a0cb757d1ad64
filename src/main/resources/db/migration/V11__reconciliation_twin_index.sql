-- The duplicate check looks for an ERP entry of the same run, project, person, task, day and minutes: without this
-- index it reads the whole snapshot for every ERP entry nobody posted (minutes on a period of 1,000,000 entries).
create index ix_recon_erp_twin on recon_erp_entry (run_id, project_id, erp_user_id, erp_task_id, work_date, minutes);
