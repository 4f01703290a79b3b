-- Tend foundation: clinics (tenants), staff, sessions, API tokens, providers, locations,
-- payers, patients, coverages and the append-only audit log.
-- Runs unchanged on PostgreSQL 15+ and on PGlite (PostgreSQL 18).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE clinics (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  timezone text NOT NULL,
  currency char(3) NOT NULL DEFAULT 'USD',
  country char(2) NOT NULL DEFAULT 'US',
  address jsonb,
  idle_timeout_minutes integer NOT NULL DEFAULT 15 CHECK (idle_timeout_minutes BETWEEN 1 AND 240),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per-clinic human numbers (MRN now; invoice and claim numbers later).
CREATE TABLE clinic_counters (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  name text NOT NULL,
  next_value bigint NOT NULL,
  PRIMARY KEY (clinic_id, name)
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'manager', 'receptionist', 'provider', 'nurse', 'billing')),
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- One account per email address across the installation: sign-in needs no clinic picker.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_clinic_idx ON users (clinic_id);

-- Server-side sessions, shared by every application server. `id` is the SHA-256 of the cookie.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  user_id uuid NOT NULL REFERENCES users(id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_clinic_idx ON api_tokens (clinic_id);

CREATE TABLE providers (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  user_id uuid REFERENCES users(id),
  name text NOT NULL,
  title text,
  credentials text,
  npi text,
  color text NOT NULL DEFAULT '#228be6',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX providers_clinic_idx ON providers (clinic_id);

CREATE TABLE locations (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  name text NOT NULL,
  address jsonb,
  timezone text NOT NULL,
  phone text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_clinic_idx ON locations (clinic_id);

CREATE TABLE payers (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  name text NOT NULL,
  payer_code text,
  member_id_pattern text,
  member_id_example text,
  phone text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payers_clinic_name_key ON payers (clinic_id, lower(name));

CREATE TABLE patients (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  mrn text NOT NULL,
  given_name text NOT NULL,
  family_name text NOT NULL,
  preferred_name text,
  birth_date date NOT NULL,
  sex text NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  phones jsonb NOT NULL DEFAULT '[]'::jsonb,
  email text,
  address jsonb,
  preferred_contact_method text CHECK (preferred_contact_method IN ('phone', 'sms', 'email', 'mail')),
  preferred_language text,
  emergency_contact jsonb,
  front_desk_notes text,
  -- Maintained by the application: normalised names and phone digits for trigram search.
  search_name text NOT NULL,
  search_phonetic text NOT NULL DEFAULT '',
  search_phones text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  updated_by uuid REFERENCES users(id),
  UNIQUE (clinic_id, mrn)
);
CREATE INDEX patients_search_name_trgm ON patients USING gin (search_name gin_trgm_ops);
CREATE INDEX patients_search_phonetic_idx ON patients USING gin (string_to_array(search_phonetic, ' '));
CREATE INDEX patients_search_phones_trgm ON patients USING gin (search_phones gin_trgm_ops);
CREATE INDEX patients_birth_date_idx ON patients (clinic_id, birth_date);
CREATE INDEX patients_email_idx ON patients (clinic_id, lower(email));

CREATE TABLE coverages (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  payer_id uuid NOT NULL REFERENCES payers(id),
  rank text NOT NULL CHECK (rank IN ('primary', 'secondary', 'tertiary')),
  member_id text NOT NULL,
  group_number text,
  subscriber_name text,
  subscriber_relationship text NOT NULL DEFAULT 'self'
    CHECK (subscriber_relationship IN ('self', 'spouse', 'child', 'other')),
  subscriber_birth_date date,
  copay_cents integer CHECK (copay_cents >= 0),
  valid_from date NOT NULL,
  valid_to date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  -- A patient has one primary (one secondary…) coverage on any given day.
  CONSTRAINT coverages_one_rank_per_day EXCLUDE USING gist (
    patient_id WITH =, rank WITH =, daterange(valid_from, valid_to, '[]') WITH &&
  )
);
CREATE INDEX coverages_patient_idx ON coverages (patient_id);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  clinic_id uuid REFERENCES clinics(id),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid REFERENCES users(id),
  actor_role text,
  action text NOT NULL,
  outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
  patient_id uuid REFERENCES patients(id),
  entity_type text,
  entity_id text,
  ip text,
  user_agent text,
  details jsonb
);
CREATE INDEX audit_events_clinic_time_idx ON audit_events (clinic_id, occurred_at DESC);
CREATE INDEX audit_events_patient_idx ON audit_events (clinic_id, patient_id, occurred_at DESC);

-- The audit log is append-only: the database itself refuses to change or remove a row.
CREATE FUNCTION tend_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION tend_audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION tend_audit_events_append_only();
