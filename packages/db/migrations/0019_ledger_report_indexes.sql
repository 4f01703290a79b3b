-- Reports over the ledger (docs/performance.md, "Reports (issue 7)").
-- A/R aging sums every open charge's balance in the database: the allocations and adjustments of
-- each charge are read in charge order from these covering indexes (index-only: no table reads)
-- and merged with the charges read in id order (ids are time-ordered, as the table is). They
-- replace the plain charge_id indexes, which they serve as well.
CREATE INDEX allocations_charge_sum_idx ON allocations (charge_id) INCLUDE (clinic_id, responsibility, amount_cents, created_at);
DROP INDEX allocations_charge_idx;
CREATE INDEX adjustments_charge_sum_idx ON adjustments (charge_id) INCLUDE (clinic_id, responsibility, amount_cents, posted_at);
DROP INDEX adjustments_charge_idx;
-- The day sheet reads the entries posted in a range of days, and sums those before it (the A/R
-- at its start) index-only.
CREATE INDEX charges_created_idx ON charges (clinic_id, created_at) INCLUDE (amount_cents, voided_at);
CREATE INDEX charges_voided_idx ON charges (clinic_id, voided_at) WHERE status = 'void';
CREATE INDEX allocations_created_idx ON allocations (clinic_id, created_at) INCLUDE (amount_cents);
CREATE INDEX adjustments_posted_idx ON adjustments (clinic_id, posted_at);
-- Reconciliation: is a charge on an invoice or a statement.
CREATE INDEX invoice_lines_charge_idx ON invoice_lines (charge_id);
CREATE INDEX statement_lines_charge_idx ON statement_lines (charge_id);
