-- The waitlist (patients who want an earlier slot) and the clinic's slot grid.

-- Open slots start every `slot_grid_minutes` of local time (08:00, 08:15 … for 15).
ALTER TABLE clinics ADD COLUMN slot_grid_minutes integer NOT NULL DEFAULT 15
  CHECK (slot_grid_minutes IN (5, 10, 15, 20, 30, 60));

CREATE TABLE waitlist_entries (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  appointment_type_id uuid NOT NULL REFERENCES appointment_types(id),
  -- null: any provider who offers the type.
  provider_id uuid REFERENCES providers(id),
  -- Local dates (clinic time zone) the patient can come; null = open-ended.
  available_from date,
  available_until date,
  note text,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'booked', 'removed')),
  -- The appointment booked from this entry.
  appointment_id uuid REFERENCES appointments(id),
  remove_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  resolved_at timestamptz,
  resolved_by uuid REFERENCES users(id),
  CHECK (available_until IS NULL OR available_from IS NULL OR available_until >= available_from),
  CHECK ((status = 'booked') = (appointment_id IS NOT NULL))
);
-- A patient waits once per appointment type.
CREATE UNIQUE INDEX waitlist_one_waiting_per_type ON waitlist_entries (patient_id, appointment_type_id)
  WHERE status = 'waiting';
CREATE INDEX waitlist_clinic_status_idx ON waitlist_entries (clinic_id, status, created_at);
