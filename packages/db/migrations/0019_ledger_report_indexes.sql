-- Reports over the ledger (docs/performance.md, "Reports (issue 7)"):
-- A/R aging sums every open charge's balance in the database: the allocations and adjustments of a
-- charge are read in charge order from these covering indexes (index-only, no table reads).
CREATE INDEX allocations_charge_sum_idx ON allocations (charge_id) INCLUDE (responsibility, amount_cents, created_at);
DROP INDEX allocations_charge_idx;
CREATE INDEX adjustments_charge_sum_idx ON adjustments (charge_id) INCLUDE (responsibility, amount_cents, posted_at);
DROP INDEX adjustments_charge_idx;
-- The day sheet reads the entries posted in a range of days.
CREATE INDEX charges_created_idx ON charges (clinic_id, created_at);
CREATE INDEX charges_voided_idx ON charges (clinic_id, voided_at) WHERE status = 'void';
CREATE INDEX allocations_created_idx ON allocations (clinic_id, created_at);
CREATE INDEX adjustments_posted_idx ON adjustments (clinic_id, posted_at);
-- Reconciliation: is a charge on an invoice or a statement.
CREATE INDEX invoice_lines_charge_idx ON invoice_lines (charge_id);
CREATE INDEX statement_lines_charge_idx ON statement_lines (charge_id);
-- The open charges' columns the aging sums, in id order (time-ordered ids: the order the
-- allocations index is read in), so the per-charge sums can be merged without sorting or hashing.
CREATE INDEX charges_balance_idx ON charges (clinic_id, id)
  INCLUDE (status, patient_id, payer_id, service_date, insurer_cents, patient_cents);
