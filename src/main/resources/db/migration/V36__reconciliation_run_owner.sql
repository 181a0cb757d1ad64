-- The instance that runs a reconciliation: a run whose instance stopped before it ended (a pod killed or restarted
-- mid-run) stayed RUNNING for ever; another instance now fails it with the reason once the instance has stopped
-- beating (io.ledgerbridge.reconcile.AbandonedRuns). Null for runs recorded before.
alter table recon_run add column run_by varchar(128);
