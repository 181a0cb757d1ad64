-- The cross-references a REFERENCE dead letter waits for, as |TYPE:system:id| tokens, so that it is replayed by
-- itself when they arrive.
alter table dead_letter add column missing_references varchar(2000);
