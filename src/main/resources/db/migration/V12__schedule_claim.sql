-- One instance per scheduled firing: every replica's scheduler fires at the same time, the first to claim the
-- firing runs the job, the others skip it.
create table schedule_claim (
    job         varchar(64)  not null,
    fire_time   timestamp(6) with time zone not null,
    claimed_by  varchar(128) not null,
    claimed_at  timestamp(6) with time zone not null,
    primary key (job, fire_time)
);
