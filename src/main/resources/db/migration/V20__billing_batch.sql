-- A billing batch: the invoices of several billing runs sent to the ERP in one call (Xero takes an array of invoices
-- in PUT /Invoices, about 50 at most). The batch is kept as it was sent, so that a retry or replay sends the same
-- request under the same idempotency key and the ERP answers what it created then (io.ledgerbridge.billing
-- .BillingBatches). A run in a batch names it; a run whose invoice the ERP refused leaves it and is sent alone.
create table billing_batch (
    batch_key       varchar(100) primary key,
    legal_entity    varchar(100),
    run_ids         varchar(2000) not null,
    invoices        text          not null,
    created_at      timestamp(6) with time zone not null
);
alter table billing_run add column batch_key varchar(100);
create index ix_billing_run_batch on billing_run (batch_key);
