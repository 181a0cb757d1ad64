-- Work beyond a time-and-materials cap is held, not invoiced: its billable items are HELD and point at the
-- CAP_EXCEEDED finding that shows it; an approver decides (cap_decision BILL_ANYWAY: billed by the next run;
-- WRITE_OFF: status WRITTEN_OFF, never billed). Such a finding comes from billing, not from a reconciliation run.
alter table recon_finding alter column run_id drop not null;
alter table billable_item add column finding_id bigint;
alter table billable_item add column cap_decision varchar(16);
create index ix_billable_item_finding on billable_item (finding_id);
