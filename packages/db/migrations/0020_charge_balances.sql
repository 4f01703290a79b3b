-- What has been allocated to and adjusted off each charge, per side, kept on the charge itself
-- (docs/performance.md, "A/R aging"). The A/R aging summed every charge's allocations and
-- adjustments on each request (7 s on the bench network); it now reads these columns, and only
-- the charges still owing through the partial index below.
--
-- Allocations and adjustments are append-only (0006: a reversal is a new negative row), so the
-- rollups only ever change by the rows inserted: an AFTER INSERT trigger per table adds each
-- statement's rows to their charges, in the inserting transaction (the rollup commits or rolls
-- back with them). Charges' own portions never change (voiding changes only the status), so a
-- side's open balance is always `<side>_cents - <side>_allocated_cents - <side>_adjusted_cents`.
ALTER TABLE charges ADD COLUMN insurer_allocated_cents integer NOT NULL DEFAULT 0;
ALTER TABLE charges ADD COLUMN patient_allocated_cents integer NOT NULL DEFAULT 0;
ALTER TABLE charges ADD COLUMN insurer_adjusted_cents integer NOT NULL DEFAULT 0;
ALTER TABLE charges ADD COLUMN patient_adjusted_cents integer NOT NULL DEFAULT 0;

CREATE FUNCTION charges_add_allocations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE charges c
    SET insurer_allocated_cents = c.insurer_allocated_cents + s.insurer,
        patient_allocated_cents = c.patient_allocated_cents + s.patient
    FROM (SELECT n.charge_id,
            coalesce(sum(n.amount_cents) FILTER (WHERE n.responsibility = 'insurer'), 0) AS insurer,
            coalesce(sum(n.amount_cents) FILTER (WHERE n.responsibility = 'patient'), 0) AS patient
          FROM inserted n GROUP BY n.charge_id) s
    WHERE c.id = s.charge_id;
  RETURN NULL;
END $$;
CREATE TRIGGER allocations_add_to_charges AFTER INSERT ON allocations
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION charges_add_allocations();

CREATE FUNCTION charges_add_adjustments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE charges c
    SET insurer_adjusted_cents = c.insurer_adjusted_cents + s.insurer,
        patient_adjusted_cents = c.patient_adjusted_cents + s.patient
    FROM (SELECT n.charge_id,
            coalesce(sum(n.amount_cents) FILTER (WHERE n.responsibility = 'insurer'), 0) AS insurer,
            coalesce(sum(n.amount_cents) FILTER (WHERE n.responsibility = 'patient'), 0) AS patient
          FROM inserted n GROUP BY n.charge_id) s
    WHERE c.id = s.charge_id;
  RETURN NULL;
END $$;
CREATE TRIGGER adjustments_add_to_charges AFTER INSERT ON adjustments
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION charges_add_adjustments();

-- The rows posted before: one grouped pass per table.
UPDATE charges c
  SET insurer_allocated_cents = s.insurer, patient_allocated_cents = s.patient
  FROM (SELECT a.charge_id,
          coalesce(sum(a.amount_cents) FILTER (WHERE a.responsibility = 'insurer'), 0) AS insurer,
          coalesce(sum(a.amount_cents) FILTER (WHERE a.responsibility = 'patient'), 0) AS patient
        FROM allocations a GROUP BY a.charge_id) s
  WHERE c.id = s.charge_id;
UPDATE charges c
  SET insurer_adjusted_cents = s.insurer, patient_adjusted_cents = s.patient
  FROM (SELECT d.charge_id,
          coalesce(sum(d.amount_cents) FILTER (WHERE d.responsibility = 'insurer'), 0) AS insurer,
          coalesce(sum(d.amount_cents) FILTER (WHERE d.responsibility = 'patient'), 0) AS patient
        FROM adjustments d GROUP BY d.charge_id) s
  WHERE c.id = s.charge_id;

-- The open charges still owing something, by clinic and date of service: the A/R aging reads
-- only these (the expression must stay exactly as written in apps/server/src/billing/aging.ts).
CREATE INDEX charges_owing_idx ON charges (clinic_id, service_date)
  WHERE status = 'open'
    AND (insurer_cents - insurer_allocated_cents - insurer_adjusted_cents <> 0
      OR patient_cents - patient_allocated_cents - patient_adjusted_cents <> 0);
-- Statistics on the two open balances, so that the planner knows how few charges still owe (without
-- them it assumes nearly all, scans the table and compiles the query with JIT: seconds).
CREATE STATISTICS charges_open_stats ON
  (insurer_cents - insurer_allocated_cents - insurer_adjusted_cents),
  (patient_cents - patient_allocated_cents - patient_adjusted_cents)
  FROM charges;
ANALYZE charges;
