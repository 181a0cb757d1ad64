-- The generation of the reference data that prices an entry (projects, assignments, contract terms, rate cards, FX
-- rates): every transaction that writes rows to those tables, the service's, a migration's or an operator's own SQL,
-- counts it up once as it commits. Each instance keeps what it read of them in memory for as long as the generation it
-- read with them is the store's (io.ledgerbridge.store.ReferenceCache): a change committed anywhere is seen by the next
-- pricing on every instance.
-- The triggers are deferred to the commit, so the one row is locked only while its writer commits (a writer holding it
-- from its first statement on could deadlock with another that inserted a row it wants), and count once per
-- transaction (a transaction-local setting says it has).
-- PostgreSQL's statements; db/h2 holds the same migration for the embedded store.
create table reference_generation (
    id         integer primary key check (id = 1),
    generation bigint  not null
);
insert into reference_generation (id, generation) values (1, 0);

create function count_reference_generation() returns trigger language plpgsql as $$
begin
    if current_setting('ledgerbridge.reference_generation_counted', true) = 'yes' then
        return null;
    end if;
    update reference_generation set generation = generation + 1 where id = 1;
    perform set_config('ledgerbridge.reference_generation_counted', 'yes', true);
    return null;
end
$$;

create constraint trigger project_reference_generation after insert or update or delete on project
    deferrable initially deferred for each row execute function count_reference_generation();
create constraint trigger assignment_reference_generation after insert or update or delete on assignment
    deferrable initially deferred for each row execute function count_reference_generation();
create constraint trigger contract_term_reference_generation after insert or update or delete on contract_term
    deferrable initially deferred for each row execute function count_reference_generation();
create constraint trigger rate_card_rate_reference_generation after insert or update or delete on rate_card_rate
    deferrable initially deferred for each row execute function count_reference_generation();
create constraint trigger fx_rate_reference_generation after insert or update or delete on fx_rate
    deferrable initially deferred for each row execute function count_reference_generation();
