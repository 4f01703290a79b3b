-- Insurance claims: the CMS-1500 data set of a visit billed to one coverage, its service lines,
-- and the history of its statuses. Payments and write-offs from an insurer's EOB are ledger rows
-- (payments, allocations, adjustments) that name the claim.

-- The clinic as billing provider (CMS-1500 boxes 25 and 33).
ALTER TABLE clinics ADD COLUMN billing_npi text;
ALTER TABLE clinics ADD COLUMN tax_id text;
ALTER TABLE clinics ADD COLUMN phone text;
-- Where services are rendered (CMS place of service code; 11 = office).
ALTER TABLE locations ADD COLUMN place_of_service text NOT NULL DEFAULT '11'
  CHECK (place_of_service ~ '^[0-9]{2}$');

CREATE TABLE claims (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  -- Per clinic, from clinic_counters ('claim'); the patient control number (CLM01, box 26).
  number integer NOT NULL,
  encounter_id uuid NOT NULL REFERENCES encounters(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  coverage_id uuid NOT NULL REFERENCES coverages(id),
  payer_id uuid NOT NULL REFERENCES payers(id),
  provider_id uuid NOT NULL REFERENCES providers(id),
  location_id uuid NOT NULL REFERENCES locations(id),
  rank text NOT NULL CHECK (rank IN ('primary', 'secondary')),
  service_date date NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN
    ('draft', 'ready', 'submitted', 'accepted', 'rejected', 'paid', 'partially_paid', 'denied')),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  -- The CMS-1500 data set as submitted (null before: built from the current records).
  submitted_data jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  -- When the status last changed (work lists: submitted and not paid after N days).
  status_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (clinic_id, number),
  -- One claim per visit and coverage rank.
  UNIQUE (encounter_id, rank)
);
CREATE INDEX claims_clinic_status_idx ON claims (clinic_id, status, status_at);
CREATE INDEX claims_patient_idx ON claims (patient_id);

CREATE TABLE claim_lines (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  claim_id uuid NOT NULL REFERENCES claims(id),
  charge_id uuid NOT NULL REFERENCES charges(id),
  line_number integer NOT NULL CHECK (line_number BETWEEN 1 AND 50),
  modifiers text[] NOT NULL DEFAULT '{}' CHECK (cardinality(modifiers) <= 4),
  -- Positions into the claim's diagnosis codes (box 24E), 1–4 of them.
  diagnosis_pointers integer[] NOT NULL CHECK (cardinality(diagnosis_pointers) BETWEEN 1 AND 4),
  charge_cents integer NOT NULL CHECK (charge_cents >= 0),
  -- The insurer's decision on the line, from its EOB (null until then).
  adjudication text CHECK (adjudication IN ('paid', 'denied')),
  UNIQUE (claim_id, line_number),
  UNIQUE (claim_id, charge_id)
);
CREATE INDEX claim_lines_charge_idx ON claim_lines (charge_id);

-- Every status change, who made it and why (the claim's history).
CREATE TABLE claim_events (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  claim_id uuid NOT NULL REFERENCES claims(id),
  from_status text,
  to_status text NOT NULL,
  note text,
  payment_id uuid REFERENCES payments(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id)
);
CREATE INDEX claim_events_claim_idx ON claim_events (claim_id, created_at);
CREATE TRIGGER claim_events_append_only BEFORE UPDATE OR DELETE ON claim_events
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- An insurer's payment names the claim it pays (from an EOB or a remittance).
ALTER TABLE payments ADD COLUMN claim_id uuid REFERENCES claims(id);
CREATE INDEX payments_claim_idx ON payments (claim_id) WHERE claim_id IS NOT NULL;
