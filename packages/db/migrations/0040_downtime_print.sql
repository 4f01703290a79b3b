-- Issue 9, downtime kit: a manager can have the coming days' schedule and contact sheet written as
-- PDFs into the backup folder every evening. One row per clinic that set it up (none: off).
CREATE TABLE downtime_print_settings (
  clinic_id uuid PRIMARY KEY REFERENCES clinics(id),
  enabled boolean NOT NULL DEFAULT false,
  -- Clinic-local time of day from which the evening's kit is written.
  print_time text NOT NULL DEFAULT '18:00' CHECK (print_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- The clinic day the kit was last written on: the worker's sweep claims a day by setting it
  -- (one server process does, the others find it set), so the kit is written once a day.
  printed_on date,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id)
);
