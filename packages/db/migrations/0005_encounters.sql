-- Visit documentation: encounters with a SOAP note, vitals, diagnoses and services; addenda after
-- signing; the charges signing creates; the chart's problem list, allergies and medications;
-- follow-up requests; the clinic's service catalogue and note templates.

-- How vitals are shown (always stored metric).
ALTER TABLE clinics ADD COLUMN unit_system text NOT NULL DEFAULT 'us' CHECK (unit_system IN ('us', 'metric'));

-- The clinic's service catalogue: CPT/HCPCS/CDT or its own codes, with the fee.
CREATE TABLE services (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  code text NOT NULL,
  code_system text NOT NULL CHECK (code_system IN ('CPT', 'HCPCS', 'CDT', 'CLINIC')),
  description text NOT NULL,
  fee_cents integer NOT NULL CHECK (fee_cents >= 0),
  default_units integer NOT NULL DEFAULT 1 CHECK (default_units BETWEEN 1 AND 99),
  -- ICD-10 code prefixes that justify the service (e.g. {Z012} for a dental cleaning); empty = any.
  diagnosis_prefixes text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX services_clinic_code_key ON services (clinic_id, code_system, upper(code));

-- SOAP templates per appointment type (null: the clinic's default).
CREATE TABLE note_templates (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  appointment_type_id uuid REFERENCES appointment_types(id),
  name text NOT NULL,
  subjective text NOT NULL DEFAULT '',
  objective text NOT NULL DEFAULT '',
  assessment text NOT NULL DEFAULT '',
  plan text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX note_templates_clinic_name_key ON note_templates (clinic_id, lower(name));

CREATE TABLE encounters (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  -- The appointment it documents; null for a walk-in.
  appointment_id uuid UNIQUE REFERENCES appointments(id),
  -- The local date of service (the location's time zone).
  service_date date NOT NULL,
  status text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'signed')),
  chief_complaint text NOT NULL DEFAULT '',
  subjective text NOT NULL DEFAULT '',
  objective text NOT NULL DEFAULT '',
  assessment text NOT NULL DEFAULT '',
  plan text NOT NULL DEFAULT '',
  -- Bumped by every saved change of the note: an autosave from an older copy is refused.
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  signed_at timestamptz,
  signed_by uuid REFERENCES users(id),
  CHECK ((status = 'signed') = (signed_at IS NOT NULL))
);
CREATE INDEX encounters_patient_idx ON encounters (patient_id, service_date);
CREATE INDEX encounters_provider_idx ON encounters (provider_id, service_date);
CREATE INDEX encounters_clinic_status_idx ON encounters (clinic_id, status, service_date);

-- A signed note is locked: its text never changes again (corrections are addenda).
CREATE FUNCTION encounters_locked_after_signing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' AND (
    NEW.chief_complaint IS DISTINCT FROM OLD.chief_complaint OR NEW.subjective IS DISTINCT FROM OLD.subjective OR
    NEW.objective IS DISTINCT FROM OLD.objective OR NEW.assessment IS DISTINCT FROM OLD.assessment OR
    NEW.plan IS DISTINCT FROM OLD.plan OR NEW.status IS DISTINCT FROM OLD.status OR
    NEW.signed_at IS DISTINCT FROM OLD.signed_at OR NEW.signed_by IS DISTINCT FROM OLD.signed_by OR
    NEW.patient_id IS DISTINCT FROM OLD.patient_id OR NEW.provider_id IS DISTINCT FROM OLD.provider_id OR
    NEW.service_date IS DISTINCT FROM OLD.service_date
  ) THEN
    RAISE EXCEPTION 'a signed encounter is locked; add an addendum' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER encounters_locked BEFORE UPDATE ON encounters
  FOR EACH ROW EXECUTE FUNCTION encounters_locked_after_signing();
CREATE FUNCTION encounters_signed_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'a signed encounter is never deleted' USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER encounters_signed_kept BEFORE DELETE ON encounters
  FOR EACH ROW EXECUTE FUNCTION encounters_signed_never_deleted();

-- Corrections after signing: who, when, why; the original stays readable.
CREATE TABLE encounter_addenda (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  author_id uuid NOT NULL REFERENCES users(id),
  reason text NOT NULL,
  text text NOT NULL DEFAULT '',
  -- What the addendum changed in codes: { addedDiagnoses, addedServices, removedServices }.
  changes jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX encounter_addenda_encounter_idx ON encounter_addenda (encounter_id, created_at);

CREATE TABLE encounter_diagnoses (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  -- 1-based order on the claim (service lines point at these).
  position integer NOT NULL CHECK (position BETWEEN 1 AND 12),
  code text NOT NULL,
  description text NOT NULL,
  -- Kept on the patient's problem list across visits.
  chronic boolean NOT NULL DEFAULT false,
  addendum_id uuid REFERENCES encounter_addenda(id),
  UNIQUE (encounter_id, position),
  UNIQUE (encounter_id, code)
);

CREATE TABLE encounter_services (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  service_id uuid NOT NULL REFERENCES services(id),
  code text NOT NULL,
  code_system text NOT NULL,
  description text NOT NULL,
  units integer NOT NULL CHECK (units BETWEEN 1 AND 99),
  -- The catalogue fee per unit when the line was last saved (signing takes the fee then in force).
  fee_cents integer NOT NULL CHECK (fee_cents >= 0),
  -- Diagnosis positions (1–4 of them) this line is for, in order.
  diagnosis_pointers integer[] NOT NULL CHECK (cardinality(diagnosis_pointers) BETWEEN 1 AND 4),
  added_by_addendum_id uuid REFERENCES encounter_addenda(id),
  removed_by_addendum_id uuid REFERENCES encounter_addenda(id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX encounter_services_encounter_idx ON encounter_services (encounter_id);

-- What signing bills: one charge per service line. Never deleted: a removed line voids its charge.
CREATE TABLE charges (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  service_line_id uuid NOT NULL UNIQUE REFERENCES encounter_services(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  service_date date NOT NULL,
  code text NOT NULL,
  code_system text NOT NULL,
  description text NOT NULL,
  units integer NOT NULL CHECK (units BETWEEN 1 AND 99),
  unit_fee_cents integer NOT NULL CHECK (unit_fee_cents >= 0),
  amount_cents integer NOT NULL CHECK (amount_cents = units * unit_fee_cents),
  -- The ICD-10 codes the line points at, in pointer order.
  diagnosis_codes text[] NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'void')),
  addendum_id uuid REFERENCES encounter_addenda(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  voided_at timestamptz,
  voided_by uuid REFERENCES users(id),
  void_reason text,
  CHECK ((status = 'void') = (voided_at IS NOT NULL))
);
CREATE INDEX charges_clinic_idx ON charges (clinic_id, status, service_date);
CREATE INDEX charges_encounter_idx ON charges (encounter_id);

CREATE TABLE vitals (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  taken_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid REFERENCES users(id),
  systolic integer CHECK (systolic BETWEEN 50 AND 300),
  diastolic integer CHECK (diastolic BETWEEN 20 AND 200),
  heart_rate integer CHECK (heart_rate BETWEEN 20 AND 250),
  respiratory_rate integer CHECK (respiratory_rate BETWEEN 4 AND 80),
  -- Tenths of a degree Celsius (37.2 °C = 372).
  temperature_dc integer CHECK (temperature_dc BETWEEN 300 AND 450),
  spo2 integer CHECK (spo2 BETWEEN 50 AND 100),
  height_mm integer CHECK (height_mm BETWEEN 300 AND 2500),
  weight_g integer CHECK (weight_g BETWEEN 500 AND 400000),
  pain integer CHECK (pain BETWEEN 0 AND 10),
  -- Borderline values the recorder confirmed (e.g. {'systolic'}).
  flags text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX vitals_patient_idx ON vitals (patient_id, taken_at);

-- The chart: chronic diagnoses across visits, allergies, medications.
CREATE TABLE problems (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  code text NOT NULL,
  description text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved')),
  encounter_id uuid REFERENCES encounters(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  resolved_at timestamptz
);
CREATE UNIQUE INDEX problems_one_active_per_code ON problems (patient_id, code) WHERE status = 'active';

CREATE TABLE allergies (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  substance text NOT NULL,
  reaction text NOT NULL DEFAULT '',
  severity text NOT NULL DEFAULT 'unknown' CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
  code text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allergies_patient_idx ON allergies (patient_id);

CREATE TABLE medications (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  name text NOT NULL,
  dose text NOT NULL DEFAULT '',
  code text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX medications_patient_idx ON medications (patient_id);

-- "Return in 2 weeks for X": the front desk's to-book list (and later the reminders' recalls).
CREATE TABLE follow_ups (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  appointment_type_id uuid REFERENCES appointment_types(id),
  due_date date NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'booked', 'dismissed')),
  appointment_id uuid REFERENCES appointments(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  resolved_at timestamptz
);
CREATE INDEX follow_ups_clinic_status_idx ON follow_ups (clinic_id, status, due_date);
