-- Patient invoices: what a patient owes for a visit (their portions of its charges), numbered per
-- clinic. An invoice keeps the amounts it was issued with; what is still due is always computed
-- from the ledger.

CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  -- Per clinic, from clinic_counters ('invoice'): 1001, 1002 …
  number integer NOT NULL,
  patient_id uuid NOT NULL REFERENCES patients(id),
  encounter_id uuid REFERENCES encounters(id),
  issued_on date NOT NULL,
  due_on date NOT NULL,
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  -- The last time it was emailed, and that message in the outbox.
  sent_at timestamptz,
  email_message_id uuid REFERENCES email_messages(id),
  CHECK (due_on >= issued_on),
  UNIQUE (clinic_id, number)
);
CREATE INDEX invoices_patient_idx ON invoices (patient_id, issued_on);
-- One invoice per visit.
CREATE UNIQUE INDEX invoices_one_per_visit ON invoices (encounter_id) WHERE encounter_id IS NOT NULL;

CREATE TABLE invoice_lines (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  invoice_id uuid NOT NULL REFERENCES invoices(id),
  charge_id uuid NOT NULL REFERENCES charges(id),
  -- The patient's portion of the charge when the invoice was issued.
  amount_cents integer NOT NULL CHECK (amount_cents >= 0)
);
CREATE INDEX invoice_lines_invoice_idx ON invoice_lines (invoice_id);
