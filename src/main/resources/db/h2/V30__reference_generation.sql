-- The generation of the reference data that prices an entry (projects, assignments, contract terms, rate cards, FX
-- rates): every row written to those tables, by the service, a migration or an operator's own SQL, counts it up in the
-- writing transaction. Each instance keeps what it read of them in memory for as long as the generation it read with
-- them is the store's (io.ledgerbridge.store.ReferenceCache).
-- H2 has no deferred triggers: each row written counts (PostgreSQL's count once per transaction, at its commit).
-- H2's statements (its triggers are Java classes); db/postgresql holds the same migration for PostgreSQL.
create table reference_generation (
    id         integer primary key check (id = 1),
    generation bigint  not null
);
insert into reference_generation (id, generation) values (1, 0);

create trigger project_reference_generation after insert, update, delete on project
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
create trigger assignment_reference_generation after insert, update, delete on assignment
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
create trigger contract_term_reference_generation after insert, update, delete on contract_term
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
create trigger rate_card_rate_reference_generation after insert, update, delete on rate_card_rate
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
create trigger fx_rate_reference_generation after insert, update, delete on fx_rate
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
