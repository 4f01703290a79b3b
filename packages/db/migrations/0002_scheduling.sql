-- Scheduling: appointment types, rooms, provider working hours (date-bounded versions), extra
-- hours, time off and appointments. No double booking is an invariant of the database itself:
-- exclusion constraints on the provider's and on the room's booked time ranges.
-- Runs unchanged on PostgreSQL 15+ and on PGlite (btree_gist is created by 0001).

CREATE TABLE appointment_types (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  name text NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  color text NOT NULL DEFAULT '#228be6',
  buffer_after_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_after_minutes BETWEEN 0 AND 120),
  -- The kind of room the visit needs (e.g. 'exam', 'xray'); null = no room.
  room_type text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX appointment_types_clinic_name_key ON appointment_types (clinic_id, lower(name));

-- Which providers offer a type.
CREATE TABLE appointment_type_providers (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  appointment_type_id uuid NOT NULL REFERENCES appointment_types(id) ON DELETE CASCADE,
  provider_id uuid NOT NULL REFERENCES providers(id),
  PRIMARY KEY (appointment_type_id, provider_id)
);
CREATE INDEX appointment_type_providers_provider_idx ON appointment_type_providers (provider_id);

CREATE TABLE rooms (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  name text NOT NULL,
  room_type text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX rooms_location_name_key ON rooms (location_id, lower(name));
CREATE INDEX rooms_clinic_idx ON rooms (clinic_id);

-- Weekly working hours of a provider at a location, valid for a range of local dates.
-- `blocks` is [{ weekday 1–7 (ISO), start 'HH:MM', end 'HH:MM' }] in the location's time zone.
CREATE TABLE provider_schedules (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  valid_from date NOT NULL,
  valid_to date,
  blocks jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  -- One version of a provider's hours at a location on any date.
  CONSTRAINT provider_schedules_one_version_per_day EXCLUDE USING gist (
    provider_id WITH =, location_id WITH =, daterange(valid_from, valid_to, '[]') WITH &&
  )
);
CREATE INDEX provider_schedules_clinic_idx ON provider_schedules (clinic_id, provider_id);

-- One-off hours outside the weekly schedule (a Saturday clinic).
CREATE TABLE provider_extra_hours (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  CHECK (end_at > start_at)
);
CREATE INDEX provider_extra_hours_provider_idx ON provider_extra_hours (provider_id, start_at);

-- Vacation, a blocked afternoon; provider_id null = the whole clinic (a holiday).
CREATE TABLE time_off (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  provider_id uuid REFERENCES providers(id),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  CHECK (end_at > start_at)
);
CREATE INDEX time_off_clinic_idx ON time_off (clinic_id, start_at);

CREATE TABLE appointments (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  appointment_type_id uuid NOT NULL REFERENCES appointment_types(id),
  room_id uuid REFERENCES rooms(id),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  -- end_at + the type's buffer after: the time the provider (and room) are held.
  buffer_end_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'booked'
    CHECK (status IN ('booked', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show')),
  notes text,
  override_reason text,
  booked_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  checked_in_at timestamptz,
  started_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  no_show_at timestamptz,
  cancel_reason text,
  created_by uuid REFERENCES users(id),
  series_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (end_at > start_at AND buffer_end_at >= end_at),
  -- No double booking, whatever the application does: a provider's (and a room's) held time
  -- ranges never overlap among appointments that hold time (cancelled and no-show free it).
  CONSTRAINT appointments_no_provider_overlap EXCLUDE USING gist (
    provider_id WITH =, tstzrange(start_at, buffer_end_at) WITH &&
  ) WHERE (status NOT IN ('cancelled', 'no_show')),
  CONSTRAINT appointments_no_room_overlap EXCLUDE USING gist (
    room_id WITH =, tstzrange(start_at, buffer_end_at) WITH &&
  ) WHERE (room_id IS NOT NULL AND status NOT IN ('cancelled', 'no_show'))
);
CREATE INDEX appointments_clinic_start_idx ON appointments (clinic_id, start_at);
CREATE INDEX appointments_patient_idx ON appointments (patient_id, start_at);
CREATE INDEX appointments_provider_idx ON appointments (provider_id, start_at);
