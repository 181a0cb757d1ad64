-- A reconciliation run matches each page of its snapshots against the store as the page arrives: a source entry keeps
-- the sync record that posted its version (and the ERP id it was posted as), an ERP entry the sync record that posted
-- it (null: nobody did). The match at the end pairs the two snapshots without joining the store's sync records again.
alter table recon_source_entry add column sync_record_id bigint;
alter table recon_source_entry add column target_id varchar(128);
alter table recon_erp_entry add column sync_record_id bigint;
