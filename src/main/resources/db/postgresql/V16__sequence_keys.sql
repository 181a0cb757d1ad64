-- The two rows every posting inserts (its sync record when claimed, its billable item when completed) take their keys
-- from sequences that hand out 50 at a time, instead of identity columns: Hibernate then knows a row's key before
-- inserting it, and a group commit's inserts go to the store as one JDBC batch instead of one statement each.
-- The sequences start above the keys already used; a plain insert (no key given) still gets one from the sequence.
-- PostgreSQL's statements; db/h2 holds the same migration for the embedded store.
create sequence sync_record_seq increment by 50 owned by sync_record.id;
select setval('sync_record_seq', coalesce((select max(id) from sync_record), 0) + 50, false);
alter table sync_record alter column id drop identity;
alter table sync_record alter column id set default nextval('sync_record_seq');

create sequence billable_item_seq increment by 50 owned by billable_item.id;
select setval('billable_item_seq', coalesce((select max(id) from billable_item), 0) + 50, false);
alter table billable_item alter column id drop identity;
alter table billable_item alter column id set default nextval('billable_item_seq');
