-- What the ERP's invoices of a reconciled period hold, line by line, to compare with the billing runs' plans.
create table recon_erp_line (
    run_id            bigint        not null references recon_run (id),
    billing_run_id    bigint        not null,
    project_id        bigint        not null,
    line_no           integer       not null,
    description       varchar(1000) not null,
    quantity          numeric(19, 4),
    line_amount       numeric(19, 4) not null
);
create index ix_recon_erp_line on recon_erp_line (run_id, billing_run_id);
alter table recon_run add column erp_invoice_lines integer not null default 0;
alter table recon_finding add column billing_run_id bigint;
