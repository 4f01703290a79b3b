-- The Reconciliation report's work lists read their candidates, not every row of the range
-- (issue 10; docs/performance.md "The three slow reports"). Its "visits not charged" probed every
-- completed appointment and signed visit of the range for an open charge, and its "charges not
-- billed" read every open charge of the range: linear in the range's rows (0.23 s for a quarter of
-- 6 locations, ≈1.9 s projected at 50), while the rows it lists are few.
--
-- 1. encounters.open_charges: how many of the visit's charges are open, kept by triggers on
--    charges (a charge is inserted open when a visit is signed or an addendum adds a line, and
--    voided by status; charges are deleted only with a training clinic).
-- 2. appointments.charged: whether the appointment's visit (at most one: encounters.appointment_id
--    is unique) has an open charge, kept by a trigger on encounters when that changes.
-- 3. Partial indexes on what is left: completed appointments not charged, signed visits without an
--    open charge, and open charges with a side owed on which nothing was ever allocated (the
--    charge's allocated and adjusted cents are kept on the row by 0020). The report's conditions
--    stay as they were; these are the rows that can meet them.
--
-- Reads and writes of the three tables wait until the backfill, the triggers and the indexes are in
-- place (ADD COLUMN holds an ACCESS EXCLUSIVE lock until the migration commits; servers of the old
-- release in a rolling upgrade wait too): 143 s on the 6-location bench network, ≈20 minutes
-- projected for a 50-location network — upgrade a network that size in a maintenance window.
LOCK TABLE appointments, encounters, charges IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE encounters ADD COLUMN open_charges integer NOT NULL DEFAULT 0 CHECK (open_charges >= 0);
-- Added as true (no rewrite: most appointments of a clinic's history are charged visits), then set
-- false where it is not so; new appointments start false.
ALTER TABLE appointments ADD COLUMN charged boolean NOT NULL DEFAULT true;

-- The rows written before. The appointments' flag is not an input of any report day or of the
-- patients' first visits, so their update triggers (which would mark every day of the history
-- for recomputation) are held for the backfill.
UPDATE encounters e SET open_charges = s.n
  FROM (SELECT c.encounter_id, count(*)::int AS n FROM charges c WHERE c.status = 'open' GROUP BY c.encounter_id) s
  WHERE e.id = s.encounter_id;
ALTER TABLE appointments DISABLE TRIGGER appointments_touch_report_days_update;
ALTER TABLE appointments DISABLE TRIGGER appointments_set_first_visits_update;
UPDATE appointments a SET charged = false
  WHERE NOT EXISTS (SELECT 1 FROM encounters e WHERE e.appointment_id = a.id AND e.open_charges > 0);
ALTER TABLE appointments ENABLE TRIGGER appointments_touch_report_days_update;
ALTER TABLE appointments ENABLE TRIGGER appointments_set_first_visits_update;
ALTER TABLE appointments ALTER COLUMN charged SET DEFAULT false;

-- A statement's new open charges, counted once per visit (signing inserts all its lines at once).
CREATE FUNCTION encounters_add_open_charges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE encounters e SET open_charges = e.open_charges + n.n
    FROM (SELECT i.encounter_id, count(*)::int AS n FROM inserted i WHERE i.status = 'open' GROUP BY i.encounter_id) n
    WHERE e.id = n.encounter_id;
  RETURN NULL;
END $$;
CREATE TRIGGER charges_count_open_insert AFTER INSERT ON charges
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION encounters_add_open_charges();

-- A charge voided (or, in a training clinic's purge, deleted): row by row, as these are few.
CREATE FUNCTION encounters_move_open_charge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'open' THEN
    UPDATE encounters SET open_charges = open_charges - 1 WHERE id = OLD.encounter_id;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.status = 'open' THEN
    UPDATE encounters SET open_charges = open_charges + 1 WHERE id = NEW.encounter_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER charges_count_open_update AFTER UPDATE OF status, encounter_id ON charges
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.encounter_id IS DISTINCT FROM NEW.encounter_id)
  EXECUTE FUNCTION encounters_move_open_charge();
CREATE TRIGGER charges_count_open_delete AFTER DELETE ON charges
  FOR EACH ROW WHEN (OLD.status = 'open') EXECUTE FUNCTION encounters_move_open_charge();

-- The appointment follows its visit: only when the visit gains its first open charge, loses its
-- last, or is linked to another appointment. (A visit is inserted before its charges and deleted
-- after them, so its inserts and deletes change nothing here.)
CREATE FUNCTION appointments_set_charged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.appointment_id IS DISTINCT FROM NEW.appointment_id THEN
    UPDATE appointments SET charged = false WHERE id = OLD.appointment_id AND charged;
  END IF;
  UPDATE appointments SET charged = (NEW.open_charges > 0)
    WHERE id = NEW.appointment_id AND charged <> (NEW.open_charges > 0);
  RETURN NULL;
END $$;
CREATE TRIGGER encounters_set_appointment_charged AFTER UPDATE OF open_charges, appointment_id ON encounters
  FOR EACH ROW WHEN ((OLD.open_charges > 0) <> (NEW.open_charges > 0) OR OLD.appointment_id IS DISTINCT FROM NEW.appointment_id)
  EXECUTE FUNCTION appointments_set_charged();

-- The report's candidates (apps/server/src/reports/reconciliation.ts writes these predicates
-- exactly so, for the planner to use the indexes).
CREATE INDEX appointments_uncharged_idx ON appointments (clinic_id, start_at)
  WHERE status = 'completed' AND NOT charged;
CREATE INDEX encounters_uncharged_idx ON encounters (clinic_id, service_date)
  WHERE status = 'signed' AND open_charges = 0;
CREATE INDEX charges_unbilled_idx ON charges (clinic_id, service_date)
  WHERE status = 'open'
    AND ((insurer_cents - insurer_allocated_cents - insurer_adjusted_cents > 0 AND insurer_allocated_cents <= 0)
      OR (patient_cents - patient_allocated_cents - patient_adjusted_cents > 0 AND patient_allocated_cents <= 0));
ANALYZE appointments, encounters, charges;
