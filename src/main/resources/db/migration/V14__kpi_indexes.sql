-- The KPI gauges are recomputed from the store every refresh interval: the month's posted time is found by its
-- posting time instead of a scan of every sync record ever written.
create index ix_sync_record_posted on sync_record (flow, posted_at);
