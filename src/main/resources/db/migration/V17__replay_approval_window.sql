-- Four eyes over what one person replays in a window, not per job: a bulk replay waits for approval when, with the
-- unapproved replays its requester asked for within ledgerbridge.replay.approval-window, it passes the threshold
-- (two jobs of 60 and 62 no longer each run alone where one of 122 would wait). Why a job waits is kept on it.
alter table replay_job add column approval_reason varchar(500);
create index ix_replay_job_requested_by_created_at on replay_job (requested_by, created_at);
