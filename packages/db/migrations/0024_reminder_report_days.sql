-- The Reminders report's per-day rollups (0021) count each appointment's reminder messages on the
-- clinic-local day the appointment starts: a reminder sent, failed or reported delivered changes
-- that day's figures, so it touches that day as a change to the appointment does.
CREATE FUNCTION messages_touch_report_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM touch_report_days(ap.clinic_id, array_agg((ap.start_at AT TIME ZONE c.timezone)::date))
    FROM changed n
    JOIN appointments ap ON ap.id = n.related_id AND ap.clinic_id = n.clinic_id
    JOIN clinics c ON c.id = ap.clinic_id
    WHERE n.related_type = 'appointment' AND n.kind = 'reminder'
    GROUP BY ap.clinic_id;
  RETURN NULL;
END $$;

CREATE TRIGGER messages_touch_report_days_insert AFTER INSERT ON messages
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION messages_touch_report_days();
-- A message's appointment never changes; its status and delivery do.
CREATE TRIGGER messages_touch_report_days_update AFTER UPDATE ON messages
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION messages_touch_report_days();
