-- Cross-references count the reference generation up too (V30): each instance keeps the ones it read while the
-- generation stands (io.ledgerbridge.xref.CrossReferences), so a cross-reference changed through any instance, or by an
-- operator's SQL, is what the next posting on every instance uses.
-- PostgreSQL's statements; db/h2 holds the same migration for the embedded store.
create constraint trigger cross_reference_reference_generation after insert or update or delete on cross_reference
    deferrable initially deferred for each row execute function count_reference_generation();
