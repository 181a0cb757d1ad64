-- The two rows every posting inserts (its sync record when claimed, its billable item when completed) take their keys
-- from sequences that hand out 50 at a time, instead of identity columns: Hibernate then knows a row's key before
-- inserting it, and a group commit's inserts go to the store as one JDBC batch instead of one statement each.
-- The sequences start above the keys already used; a plain insert (no key given) still gets one from the sequence.
-- H2's statements; db/postgresql holds the same migration for PostgreSQL.
create sequence sync_record_seq increment by 50;
alter sequence sync_record_seq restart with (select coalesce(max(id), 0) + 50 from sync_record);
alter table sync_record alter column id drop identity;
alter table sync_record alter column id set default next value for sync_record_seq;

create sequence billable_item_seq increment by 50;
alter sequence billable_item_seq restart with (select coalesce(max(id), 0) + 50 from billable_item);
alter table billable_item alter column id drop identity;
alter table billable_item alter column id set default next value for billable_item_seq;
