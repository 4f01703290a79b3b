-- Monthly patient statements: a patient's open balance as of the end of a month, numbered per
-- clinic. A statement keeps the amounts and lines it was made with (what the patient was told);
-- the ledger stays the source of what is owed now. (0009 is the claims migration.)

CREATE TABLE statements (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  -- Per clinic, from clinic_counters ('statement'): 1001, 1002 …
  number integer NOT NULL,
  patient_id uuid NOT NULL REFERENCES patients(id),
  -- The month it covers, YYYY-MM.
  month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  issued_on date NOT NULL,
  due_on date NOT NULL,
  previous_balance_cents integer NOT NULL,
  charges_cents integer NOT NULL CHECK (charges_cents >= 0),
  credits_cents integer NOT NULL CHECK (credits_cents >= 0),
  total_due_cents integer NOT NULL CHECK (total_due_cents > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  -- The last time it was emailed, and that message in the outbox.
  sent_at timestamptz,
  email_message_id uuid REFERENCES email_messages(id),
  CHECK (due_on >= issued_on),
  CHECK (total_due_cents = previous_balance_cents + charges_cents - credits_cents),
  UNIQUE (clinic_id, number),
  -- One statement per patient and month: making the month's statements again adds only the missing.
  UNIQUE (clinic_id, patient_id, month)
);
CREATE INDEX statements_month_idx ON statements (clinic_id, month);

CREATE TABLE statement_lines (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  statement_id uuid NOT NULL REFERENCES statements(id),
  position integer NOT NULL,
  charge_id uuid NOT NULL REFERENCES charges(id),
  date date NOT NULL,
  description text NOT NULL,
  charge_cents integer NOT NULL CHECK (charge_cents >= 0),
  credit_cents integer NOT NULL CHECK (credit_cents >= 0),
  UNIQUE (statement_id, position)
);
