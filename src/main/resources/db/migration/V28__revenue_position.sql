-- The revenue position of a project at a period's end (io.ledgerbridge.reconcile.RevenuePositions): what was
-- approved through the period's end equals what was invoiced by then, less what was credited by then, plus what the
-- period's close accrued, plus what is held beyond a cap or written off, to the cent, in the project's currency.
-- An accrual line is booked in the legal entity's currency; the amount it was measured from, in the project's
-- currency and with the line's sign, is kept beside it so that the comparison does not depend on an FX rate.
alter table revenue_journal_line add column project_amount numeric(19, 2);
