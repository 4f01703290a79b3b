-- Per-day rollups of the reports (docs/performance.md, "Reports"): a year of the Appointments report
-- read ≈450,000 appointments on every request (1.5 s on the bench network). Each report's additive
-- sums per clinic-local day × provider × location are stored once computed, with the version of the
-- day they were computed at; a change to a day's rows bumps that day's version (triggers below), so
-- the stored sums of a changed day no longer match and are computed again on the next read — only
-- that day, never the whole range.
--
-- Why this cannot serve stale sums: a day's version is bumped in the same transaction as the
-- change (the trigger), so any snapshot that sees the change also sees the new version. The
-- reader computes a day's sums and reads its version in one statement (one snapshot) and stores
-- both; a later read uses the stored sums only while the day's version is still the one stored.
-- No lock is taken by readers.

-- How many times each clinic-local day's report rows have changed (absent = 0).
CREATE TABLE report_day_versions (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  local_date date NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (clinic_id, local_date)
);

-- A report's sums of one day (a JSON array of its rows per provider × location × key), valid while
-- `version` equals the day's version and `fingerprint` the clinic rules and formula they assumed.
CREATE TABLE report_day_rollups (
  clinic_id uuid NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
  report text NOT NULL,
  local_date date NOT NULL,
  version bigint NOT NULL,
  fingerprint text NOT NULL,
  sums jsonb NOT NULL,
  PRIMARY KEY (clinic_id, report, local_date)
);

-- The days a transaction changed wait in report_days_pending until it commits; just before it
-- does (a deferred trigger), their versions are bumped at once, in (clinic, date) order. So the
-- bump is in the changing transaction (what makes stored sums safe, above), the day rows are
-- locked only while committing — writers of the same day do not queue on them for the rest of
-- their transaction — and always in one order, whatever order the statements touched the days
-- in: two transactions cannot deadlock on them.
CREATE TABLE report_days_pending (
  txid bigint NOT NULL DEFAULT txid_current(),
  clinic_id uuid NOT NULL,
  local_date date NOT NULL
);
CREATE INDEX report_days_pending_txid_idx ON report_days_pending (txid);

-- Every trigger that changes a report's days calls this with the clinic and the local dates.
CREATE FUNCTION touch_report_days(clinic uuid, days date[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_days_pending (clinic_id, local_date)
    SELECT DISTINCT clinic, d FROM unnest(days) d WHERE d IS NOT NULL;
$$;

-- What a transaction left pending for its commit, applied in one fixed order (the day versions
-- here; 0022 adds the A/R rollups before them), so that two committing transactions always lock
-- these rows in the same order.
CREATE FUNCTION apply_pending_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH mine AS (DELETE FROM report_days_pending WHERE txid = txid_current() RETURNING clinic_id, local_date)
  INSERT INTO report_day_versions (clinic_id, local_date, version)
    SELECT DISTINCT clinic_id, local_date, 1 FROM mine ORDER BY 1, 2
    ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
  RETURN NULL;
END $$;
-- Fires at commit once per pending row: the first firing applies them all, the others find none.
CREATE CONSTRAINT TRIGGER report_days_pending_apply AFTER INSERT ON report_days_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apply_pending_at_commit();

-- The clinic-local days of the appointments a statement touched (their start, before and after an
-- update: a rescheduled visit changes two days).
CREATE FUNCTION appointments_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM touch_report_days(n.clinic_id, array_agg((n.start_at AT TIME ZONE c.timezone)::date))
      FROM inserted n JOIN clinics c ON c.id = n.clinic_id GROUP BY n.clinic_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM touch_report_days(o.clinic_id, array_agg((o.start_at AT TIME ZONE c.timezone)::date))
      FROM deleted o JOIN clinics c ON c.id = o.clinic_id GROUP BY o.clinic_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER appointments_touch_report_days_insert AFTER INSERT ON appointments
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION appointments_touch_report_days();
CREATE TRIGGER appointments_touch_report_days_update AFTER UPDATE ON appointments
  REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted FOR EACH STATEMENT
  EXECUTE FUNCTION appointments_touch_report_days();
CREATE TRIGGER appointments_touch_report_days_delete AFTER DELETE ON appointments
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION appointments_touch_report_days();
