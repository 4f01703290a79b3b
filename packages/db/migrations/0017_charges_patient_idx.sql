-- A patient's charges (balance, ledger tab, statements) without reading the clinic's: on a network's
-- history (1.76M charges) the balance's charge query went from a parallel sequential scan (~600 ms)
-- to an index scan (docs/performance.md, "Reports (issue 7)").
CREATE INDEX charges_patient_idx ON charges (patient_id, service_date);
