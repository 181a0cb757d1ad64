-- When a dead letter was last published to the dead-letter topic (cluster profile); null = still to publish.
alter table dead_letter add column published_at timestamp(6) with time zone;
create index ix_dead_letter_unpublished on dead_letter (published_at, id);
