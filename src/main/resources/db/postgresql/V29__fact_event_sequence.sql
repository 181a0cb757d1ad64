-- The warehouse feed's outbox row, written with every posting, takes its key from a sequence that hands out 50 at a
-- time instead of an identity column (as V16 did for sync records and billable items): a group commit's facts then go
-- to the store in its JDBC batch instead of one statement each. The sequence starts above the keys already used.
-- PostgreSQL's statements; db/h2 holds the same migration for the embedded store.
create sequence fact_event_seq increment by 50 owned by fact_event.id;
select setval('fact_event_seq', coalesce((select max(id) from fact_event), 0) + 50, false);
alter table fact_event alter column id drop identity;
alter table fact_event alter column id set default nextval('fact_event_seq');
