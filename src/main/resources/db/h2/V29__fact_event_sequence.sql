-- The warehouse feed's outbox row, written with every posting, takes its key from a sequence that hands out 50 at a
-- time instead of an identity column (as V16 did for sync records and billable items): a group commit's facts then go
-- to the store in its JDBC batch instead of one statement each. The sequence starts above the keys already used.
-- H2's statements; db/postgresql holds the same migration for PostgreSQL.
create sequence fact_event_seq increment by 50;
alter sequence fact_event_seq restart with (select coalesce(max(id), 0) + 50 from fact_event);
alter table fact_event alter column id drop identity;
alter table fact_event alter column id set default next value for fact_event_seq;
