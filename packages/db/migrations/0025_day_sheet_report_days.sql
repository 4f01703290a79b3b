-- The Day sheet's per-day rollups (0021) sum the ledger entries by the clinic-local day they were
-- posted: a charge on the day it was created and on the day it was voided, an allocation (of a
-- payment or a refund) and an adjustment on the day they were posted. Each such write bumps the
-- version of that day, in its own transaction. Allocations and adjustments are append-only.
CREATE FUNCTION touch_report_days(clinic uuid, instants timestamptz[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_day_versions (clinic_id, local_date, version)
    SELECT DISTINCT clinic, (i AT TIME ZONE c.timezone)::date, 1
    FROM unnest(instants) i JOIN clinics c ON c.id = clinic
    WHERE i IS NOT NULL
    ORDER BY 2
    ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;
$$;

CREATE FUNCTION charges_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  clinic record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR clinic IN SELECT n.clinic_id, array_agg(n.created_at) AS instants FROM inserted n GROUP BY 1 ORDER BY 1 LOOP
      PERFORM touch_report_days(clinic.clinic_id, clinic.instants);
    END LOOP;
  ELSE
    FOR clinic IN
      SELECT n.clinic_id, array_agg(n.voided_at) || array_agg(o.voided_at) AS instants
      FROM inserted n JOIN deleted o ON o.id = n.id
      WHERE n.voided_at IS DISTINCT FROM o.voided_at
      GROUP BY 1 ORDER BY 1
    LOOP
      PERFORM touch_report_days(clinic.clinic_id, clinic.instants);
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER charges_touch_report_days_insert AFTER INSERT ON charges
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION charges_touch_report_days();
CREATE TRIGGER charges_touch_report_days_update AFTER UPDATE ON charges
  REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted FOR EACH STATEMENT
  EXECUTE FUNCTION charges_touch_report_days();

CREATE FUNCTION allocations_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  clinic record;
BEGIN
  FOR clinic IN SELECT n.clinic_id, array_agg(n.created_at) AS instants FROM inserted n GROUP BY 1 ORDER BY 1 LOOP
    PERFORM touch_report_days(clinic.clinic_id, clinic.instants);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER allocations_touch_report_days AFTER INSERT ON allocations
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION allocations_touch_report_days();

CREATE FUNCTION adjustments_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  clinic record;
BEGIN
  FOR clinic IN SELECT n.clinic_id, array_agg(n.posted_at) AS instants FROM inserted n GROUP BY 1 ORDER BY 1 LOOP
    PERFORM touch_report_days(clinic.clinic_id, clinic.instants);
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER adjustments_touch_report_days AFTER INSERT ON adjustments
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION adjustments_touch_report_days();
