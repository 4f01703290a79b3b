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

-- Bumps the versions of the clinic-local days of the appointments a statement touched (their
-- start, before and after an update: a rescheduled visit changes two days). One upsert per
-- statement, in date order (concurrent writers lock the day rows in the same order).
CREATE FUNCTION appointments_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_day_versions (clinic_id, local_date, version)
      SELECT DISTINCT n.clinic_id, (n.start_at AT TIME ZONE c.timezone)::date, 1
      FROM inserted n JOIN clinics c ON c.id = n.clinic_id
      ORDER BY 1, 2
      ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO report_day_versions (clinic_id, local_date, version)
      SELECT DISTINCT t.clinic_id, (t.start_at AT TIME ZONE c.timezone)::date, 1
      FROM (SELECT clinic_id, start_at FROM inserted UNION ALL SELECT clinic_id, start_at FROM deleted) t
      JOIN clinics c ON c.id = t.clinic_id
      ORDER BY 1, 2
      ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
  ELSE
    INSERT INTO report_day_versions (clinic_id, local_date, version)
      SELECT DISTINCT o.clinic_id, (o.start_at AT TIME ZONE c.timezone)::date, 1
      FROM deleted o JOIN clinics c ON c.id = o.clinic_id
      ORDER BY 1, 2
      ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
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
