-- The call budget of each ERP account (a Xero organisation, a Business Central company), shared by every instance:
-- a token bucket paced so that no rolling window of the vendor's length holds more calls than it allows, and the
-- calls of the current UTC day. A call takes a token under a row lock (io.ledgerbridge.erp.budget.CallBudgets).
create table erp_call_budget (
    account_key     varchar(100) primary key,
    tokens          numeric(12, 6) not null,
    refilled_at     timestamp(6) with time zone not null,
    budget_day      date         not null,
    day_used        integer      not null,
    updated_at      timestamp(6) with time zone not null
);
