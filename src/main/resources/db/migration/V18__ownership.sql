-- Owners of exceptions: every dead letter and every reconciliation finding has an owning team (mappings/ownership.json,
-- by flow, error class or finding type and legal entity), may have an assignee, is due by its flow's SLA and is
-- escalated once when overdue. Findings get a lifecycle: OPEN until an operator resolves them or a later run of the
-- same period and project supersedes them.
alter table dead_letter add column entity varchar(16);
alter table dead_letter add column owner_team varchar(64);
alter table dead_letter add column assignee varchar(128);
alter table dead_letter add column due_at timestamp(6) with time zone;
alter table dead_letter add column escalated_at timestamp(6) with time zone;
create index ix_dead_letter_status_due on dead_letter (status, due_at);
create index ix_dead_letter_owner on dead_letter (owner_team, assignee);

alter table recon_finding add column status varchar(16) default 'OPEN' not null;
alter table recon_finding add column entity varchar(16);
alter table recon_finding add column owner_team varchar(64);
alter table recon_finding add column assignee varchar(128);
alter table recon_finding add column due_at timestamp(6) with time zone;
alter table recon_finding add column escalated_at timestamp(6) with time zone;
alter table recon_finding add column created_at timestamp(6) with time zone;
alter table recon_finding add column resolution varchar(1000);
create index ix_recon_finding_status_due on recon_finding (status, due_at);

-- findings of earlier runs: created when their run finished; only the last completed run of a period stays open
update recon_finding set created_at = (select coalesce(r.finished_at, r.started_at) from recon_run r
    where r.id = recon_finding.run_id);
update recon_finding set status = 'SUPERSEDED' where exists (select 1 from recon_run mine join recon_run later
    on later.period = mine.period and later.id > mine.id and later.status = 'COMPLETED'
    where mine.id = recon_finding.run_id);
