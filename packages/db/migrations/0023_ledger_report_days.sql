-- Per-day rollups of the Revenue report (0021, docs/performance.md, "Reports"): a change to the
-- ledger bumps the versions of the clinic-local days whose Revenue figures it changes, in the
-- changing transaction, so the stored sums of those days are computed again on the next read.
-- The days are the ones the report's SQL (apps/server/src/reports/revenue.ts) puts each row on:
-- - a charge: its date of service (its status too: a voided charge is left out);
-- - a payment: its date received;
-- - an allocation: its payment's date received (its copy, set on insert by 0018);
-- - an adjustment: the clinic-local date of the instant it was posted — bumped for every report
--   by 0025's adjustments_touch_report_days (the Day sheet's day of an adjustment is the same).
-- Payments, allocations and adjustments are append-only (0006: a reversal is a new row) and
-- charges are never deleted; an update of a charge bumps its days (before and after) only when
-- something the report reads changed, not for the balances 0020 keeps on it. One
-- call of touch_report_days (0021) per clinic and statement.

CREATE FUNCTION charges_touch_revenue_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM touch_report_days(n.clinic_id, array_agg(n.service_date)) FROM inserted n GROUP BY n.clinic_id;
  ELSE
    PERFORM touch_report_days(t.clinic_id, array_agg(t.service_date))
      FROM inserted n JOIN deleted o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.clinic_id, n.service_date), (o.clinic_id, o.service_date)) t (clinic_id, service_date)
      WHERE (n.clinic_id, n.status, n.service_date, n.amount_cents, n.insurer_cents, n.patient_cents, n.payer_id,
             n.provider_id, n.location_id, n.code)
        IS DISTINCT FROM (o.clinic_id, o.status, o.service_date, o.amount_cents, o.insurer_cents, o.patient_cents,
             o.payer_id, o.provider_id, o.location_id, o.code)
      GROUP BY t.clinic_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER charges_touch_revenue_days_insert AFTER INSERT ON charges
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION charges_touch_revenue_days();
CREATE TRIGGER charges_touch_revenue_days_update AFTER UPDATE ON charges
  REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted FOR EACH STATEMENT
  EXECUTE FUNCTION charges_touch_revenue_days();

CREATE FUNCTION payments_touch_revenue_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM touch_report_days(n.clinic_id, array_agg(n.received_on)) FROM inserted n GROUP BY n.clinic_id;
  ELSE
    PERFORM touch_report_days(t.clinic_id, array_agg(t.received_on))
      FROM (SELECT clinic_id, received_on FROM inserted UNION ALL SELECT clinic_id, received_on FROM deleted) t
      GROUP BY t.clinic_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER payments_touch_revenue_days_insert AFTER INSERT ON payments
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION payments_touch_revenue_days();
CREATE TRIGGER payments_touch_revenue_days_update AFTER UPDATE ON payments
  REFERENCING NEW TABLE AS inserted OLD TABLE AS deleted FOR EACH STATEMENT
  EXECUTE FUNCTION payments_touch_revenue_days();

CREATE FUNCTION allocations_touch_revenue_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM touch_report_days(n.clinic_id, array_agg(n.received_on)) FROM inserted n GROUP BY n.clinic_id;
  RETURN NULL;
END $$;

CREATE TRIGGER allocations_touch_revenue_days_insert AFTER INSERT ON allocations
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION allocations_touch_revenue_days();
