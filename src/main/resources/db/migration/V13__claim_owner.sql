-- Which running instance holds a posting's claim, and which instances are running: a claim whose instance stopped
-- beating (killed, lost its node) is taken over at once instead of waiting for its lease; one held by a live
-- instance is waited for, never skipped.
alter table sync_record add column claimed_by varchar(128);

create table service_instance (
    id          varchar(128) not null primary key,
    started_at  timestamp(6) with time zone not null,
    seen_at     timestamp(6) with time zone not null
);
