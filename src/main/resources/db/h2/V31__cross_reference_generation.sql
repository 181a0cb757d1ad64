-- Cross-references count the reference generation up too (V30): each instance keeps the ones it read while the
-- generation stands (io.ledgerbridge.xref.CrossReferences), so a cross-reference changed through any instance, or by an
-- operator's SQL, is what the next posting on every instance uses.
-- H2's statements (its triggers are Java classes); db/postgresql holds the same migration for PostgreSQL.
create trigger cross_reference_reference_generation after insert, update, delete on cross_reference
    for each row call 'io.ledgerbridge.store.ReferenceGenerationTrigger';
