-- The Day sheet's per-day rollups (0021) sum the ledger entries by the clinic-local day they were
-- posted: a charge on the day it was created and on the day it was voided, an allocation (of a
-- payment or a refund) and an adjustment on the day they were posted. Each such write touches
-- that day. Allocations and adjustments are append-only.

-- The clinic-local days of `instants` (in the clinic's time zone), touched.
CREATE FUNCTION touch_report_instants(clinic uuid, instants timestamptz[]) RETURNS void LANGUAGE sql AS $$
  SELECT touch_report_days(clinic, array_agg((i AT TIME ZONE c.timezone)::date))
  FROM unnest(instants) i JOIN clinics c ON c.id = clinic;
$$;

CREATE FUNCTION charges_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM touch_report_instants(n.clinic_id, array_agg(n.created_at)) FROM inserted n GROUP BY n.clinic_id;
  ELSE
    PERFORM touch_report_instants(n.clinic_id, array_agg(n.voided_at) || array_agg(o.voided_at))
      FROM inserted n JOIN deleted o ON o.id = n.id
      WHERE n.voided_at IS DISTINCT FROM o.voided_at
      GROUP BY n.clinic_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER charges_touch_report_days_insert AFTER INSERT ON charges
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION charges_touch_report_days();
CREATE TRIGGER charges_touch_report_days_update AFTER UPDATE ON charges
  REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted FOR EACH STATEMENT
  EXECUTE FUNCTION charges_touch_report_days();

CREATE FUNCTION allocations_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM touch_report_instants(n.clinic_id, array_agg(n.created_at)) FROM inserted n GROUP BY n.clinic_id;
  RETURN NULL;
END $$;
CREATE TRIGGER allocations_touch_report_days AFTER INSERT ON allocations
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION allocations_touch_report_days();

CREATE FUNCTION adjustments_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM touch_report_instants(n.clinic_id, array_agg(n.posted_at)) FROM inserted n GROUP BY n.clinic_id;
  RETURN NULL;
END $$;
CREATE TRIGGER adjustments_touch_report_days AFTER INSERT ON adjustments
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION adjustments_touch_report_days();
