-- Open balances rolled up for the A/R aging (docs/performance.md, "A/R aging"): summing the
-- 364,000 charges still owing on the bench network took seconds on every request, and the
-- billing dashboard's A/R tile paid for it too. Two rollups of every open charge's open balance
-- per side (its portion less what was allocated and adjusted, 0020; a void charge owes nothing):
--   ar_open_by_date     per clinic × date of service × payer (NULL: no insurer): the aging's
--                       bucket totals and per-payer rows are sums over a few thousand rows;
--   ar_open_by_patient  per patient: the aging's patient list is paged by balance from an index.
--
-- Kept by statement-level triggers on charges, in the transaction of each change that moves an
-- open balance: a charge inserted, voided, or its allocated/adjusted columns bumped by the 0020
-- triggers (an UPDATE of charges). Each adds new-open minus old-open of the statement's rows —
-- an increment, exact under concurrent postings (recomputing from a snapshot would not be) — with
-- INSERT … ON CONFLICT DO UPDATE in key order, so that two statements lock shared rollup rows in
-- the same order (no deadlock between them on these rows). Rows that fall to zero stay (a few
-- per patient and per day): deleting them would race with a concurrent increment.

CREATE TABLE ar_open_by_date (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  service_date date NOT NULL,
  payer_id uuid REFERENCES payers(id),
  insurer_cents bigint NOT NULL,
  patient_cents bigint NOT NULL
);
-- One row per clinic, day and payer, the uninsured (NULL payer) included.
CREATE UNIQUE INDEX ar_open_by_date_key ON ar_open_by_date (clinic_id, service_date, payer_id) NULLS NOT DISTINCT;

CREATE TABLE ar_open_by_patient (
  patient_id uuid PRIMARY KEY REFERENCES patients(id),
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  insurer_cents bigint NOT NULL,
  patient_cents bigint NOT NULL
);
-- The aging's patient list: the patients who owe, largest balance first.
CREATE INDEX ar_open_by_patient_owing_idx ON ar_open_by_patient (clinic_id, patient_cents DESC)
  WHERE patient_cents <> 0;

-- What a side of a charge still owes: nothing once it is void.
CREATE FUNCTION charge_open_cents(status text, portion integer, allocated integer, adjusted integer)
  RETURNS integer LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN status = 'open' THEN portion - allocated - adjusted ELSE 0 END $$;

-- Adds new-open minus old-open of the statement's charges to both rollups, the date rollup first
-- and each in key order (a consistent lock order between concurrent statements). The transition
-- tables are named per event, so the statement is built for this one (EXECUTE sees them too).
CREATE FUNCTION ar_open_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  changes text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
    ELSE 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows' END;
  deltas text := format($q$
    SELECT c.clinic_id, c.service_date, c.payer_id, c.patient_id,
      c.sign * charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents) AS insurer,
      c.sign * charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents) AS patient
    FROM (%s) c$q$, changes);
BEGIN
  EXECUTE format($q$
    INSERT INTO ar_open_by_date AS r (clinic_id, service_date, payer_id, insurer_cents, patient_cents)
    SELECT d.clinic_id, d.service_date, d.payer_id, sum(d.insurer), sum(d.patient) FROM (%s) d
    GROUP BY d.clinic_id, d.service_date, d.payer_id
    HAVING sum(d.insurer) <> 0 OR sum(d.patient) <> 0
    ORDER BY d.clinic_id, d.service_date, d.payer_id
    ON CONFLICT (clinic_id, service_date, payer_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents$q$, deltas);
  EXECUTE format($q$
    INSERT INTO ar_open_by_patient AS r (patient_id, clinic_id, insurer_cents, patient_cents)
    SELECT d.patient_id, d.clinic_id, sum(d.insurer), sum(d.patient) FROM (%s) d
    GROUP BY d.patient_id, d.clinic_id
    HAVING sum(d.insurer) <> 0 OR sum(d.patient) <> 0
    ORDER BY d.patient_id
    ON CONFLICT (patient_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents$q$, deltas);
  RETURN NULL;
END $fn$;

CREATE TRIGGER charges_ar_open_insert AFTER INSERT ON charges
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ar_open_rollups_add();
CREATE TRIGGER charges_ar_open_update AFTER UPDATE ON charges
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ar_open_rollups_add();
CREATE TRIGGER charges_ar_open_delete AFTER DELETE ON charges
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ar_open_rollups_add();

-- The charges made before: one grouped pass per rollup.
INSERT INTO ar_open_by_date (clinic_id, service_date, payer_id, insurer_cents, patient_cents)
SELECT c.clinic_id, c.service_date, c.payer_id,
  sum(charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents)),
  sum(charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents))
FROM charges c GROUP BY c.clinic_id, c.service_date, c.payer_id;
INSERT INTO ar_open_by_patient (patient_id, clinic_id, insurer_cents, patient_cents)
SELECT c.patient_id, c.clinic_id,
  sum(charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents)),
  sum(charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents))
FROM charges c GROUP BY c.patient_id, c.clinic_id;
ANALYZE ar_open_by_date;
ANALYZE ar_open_by_patient;
