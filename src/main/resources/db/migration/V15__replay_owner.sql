-- Which instance runs a bulk replay job and which one a dead letter's replay: a job or a replay left behind by an
-- instance that stopped beating (killed, lost its node) is taken over by another instance, instead of staying
-- RUNNING, its dead letter REPLAYING, for ever.
alter table replay_job add column claimed_by varchar(128);
alter table dead_letter_replay add column instance_id varchar(128);
-- looked for at every heartbeat: the few RUNNING replays among all replays ever made
create index ix_dead_letter_replay_outcome on dead_letter_replay (outcome);
