-- Open balances rolled up for the A/R aging (docs/performance.md, "A/R aging"): summing the
-- 364,000 charges still owing on the bench network took seconds on every request, and the
-- billing dashboard's A/R tile paid for it too. Two rollups of every open charge's open balance
-- per side (its portion less what was allocated and adjusted, 0020; a void charge owes nothing):
--   ar_open_by_date     per clinic × date of service × payer (NULL: no insurer): the aging's
--                       bucket totals and per-payer rows are sums over a few thousand rows;
--   ar_open_by_patient  per patient: the aging's patient list is paged by balance from an index.
--
-- Kept in the transaction of each change that moves an open balance: a charge inserted, voided,
-- or its allocated/adjusted columns bumped by the 0020 triggers (an UPDATE of charges).
-- Statement-level triggers on charges note new-open minus old-open of the statement's rows in
-- ar_open_pending; just before the transaction commits (0021's deferred apply_pending_at_commit)
-- they are added to the rollups — increments, exact under concurrent postings (recomputing from a
-- snapshot would not be) — with INSERT … ON CONFLICT DO UPDATE in key order, the date rollup
-- first. Adding them as each statement ran instead held the rollup rows for the rest of the
-- transaction, and a visit signed (its new charge, then the patient's credit applied) while the
-- desk applied the same credit by hand deadlocked on them and the payment's lock. Rows that fall
-- to zero stay (a few per patient and per day): deleting them would race with an increment.

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

-- The open-balance changes a transaction made, until its commit adds them to the rollups.
CREATE TABLE ar_open_pending (
  txid bigint NOT NULL DEFAULT txid_current(),
  clinic_id uuid NOT NULL,
  service_date date NOT NULL,
  payer_id uuid,
  patient_id uuid NOT NULL,
  insurer_cents bigint NOT NULL,
  patient_cents bigint NOT NULL
);
CREATE INDEX ar_open_pending_txid_idx ON ar_open_pending (txid);

-- Notes new-open minus old-open of the statement's charges. The transition tables are named per
-- event, so the statement is built for this one (EXECUTE sees them too).
CREATE FUNCTION ar_open_rollups_add() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  changes text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
    ELSE 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1 AS sign, * FROM old_rows' END;
BEGIN
  EXECUTE format($q$
    INSERT INTO ar_open_pending (clinic_id, service_date, payer_id, patient_id, insurer_cents, patient_cents)
    SELECT d.clinic_id, d.service_date, d.payer_id, d.patient_id, sum(d.insurer), sum(d.patient)
    FROM (SELECT c.clinic_id, c.service_date, c.payer_id, c.patient_id,
            c.sign * charge_open_cents(c.status, c.insurer_cents, c.insurer_allocated_cents, c.insurer_adjusted_cents) AS insurer,
            c.sign * charge_open_cents(c.status, c.patient_cents, c.patient_allocated_cents, c.patient_adjusted_cents) AS patient
          FROM (%s) c) d
    GROUP BY d.clinic_id, d.service_date, d.payer_id, d.patient_id
    HAVING sum(d.insurer) <> 0 OR sum(d.patient) <> 0$q$, changes);
  RETURN NULL;
END $fn$;

-- At commit: the transaction's pending open-balance changes into both rollups (the date rollup
-- first, each in key order), then the report day versions, as 0021's function did.
CREATE OR REPLACE FUNCTION apply_pending_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ar_open_by_date AS r (clinic_id, service_date, payer_id, insurer_cents, patient_cents)
    SELECT p.clinic_id, p.service_date, p.payer_id, sum(p.insurer_cents), sum(p.patient_cents)
    FROM ar_open_pending p WHERE p.txid = txid_current()
    GROUP BY p.clinic_id, p.service_date, p.payer_id
    HAVING sum(p.insurer_cents) <> 0 OR sum(p.patient_cents) <> 0
    ORDER BY p.clinic_id, p.service_date, p.payer_id
    ON CONFLICT (clinic_id, service_date, payer_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents;
  INSERT INTO ar_open_by_patient AS r (patient_id, clinic_id, insurer_cents, patient_cents)
    SELECT p.patient_id, p.clinic_id, sum(p.insurer_cents), sum(p.patient_cents)
    FROM ar_open_pending p WHERE p.txid = txid_current()
    GROUP BY p.patient_id, p.clinic_id
    HAVING sum(p.insurer_cents) <> 0 OR sum(p.patient_cents) <> 0
    ORDER BY p.patient_id
    ON CONFLICT (patient_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents;
  DELETE FROM ar_open_pending WHERE txid = txid_current();
  WITH mine AS (DELETE FROM report_days_pending WHERE txid = txid_current() RETURNING clinic_id, local_date)
  INSERT INTO report_day_versions (clinic_id, local_date, version)
    SELECT DISTINCT clinic_id, local_date, 1 FROM mine ORDER BY 1, 2
    ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
  RETURN NULL;
END $$;
-- Fires at commit once per pending row: the first firing applies everything, the others find none.
CREATE CONSTRAINT TRIGGER ar_open_pending_apply AFTER INSERT ON ar_open_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apply_pending_at_commit();

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
