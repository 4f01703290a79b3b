-- The billing ledger: who owes what of each charge, payments and their allocations to charges,
-- adjustments, and payer-specific fees. Nothing posted is updated or deleted: a mistake is
-- reversed by a new entry, and every balance is a sum over these rows.

-- The patient's share after the copay, in basis points (2000 = 20 %).
ALTER TABLE coverages ADD COLUMN coinsurance_bps integer NOT NULL DEFAULT 0
  CHECK (coinsurance_bps BETWEEN 0 AND 10000);

-- Who owes what of a charge, fixed when the charge is made (coverage on the date of service).
ALTER TABLE charges ADD COLUMN coverage_id uuid REFERENCES coverages(id);
ALTER TABLE charges ADD COLUMN payer_id uuid REFERENCES payers(id);
ALTER TABLE charges ADD COLUMN insurer_cents integer NOT NULL DEFAULT 0 CHECK (insurer_cents >= 0);
ALTER TABLE charges ADD COLUMN patient_cents integer NOT NULL DEFAULT 0 CHECK (patient_cents >= 0);
-- Existing charges (made before the ledger) are the patient's.
UPDATE charges SET patient_cents = amount_cents;
ALTER TABLE charges ADD CONSTRAINT charges_portions_add_up CHECK (insurer_cents + patient_cents = amount_cents);

-- The fee schedule by date: a standard fee (payer null) overriding the catalogue's from a date, or
-- a payer's contracted (allowed) amount. One rate per service, payer and day.
CREATE TABLE fee_rates (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  service_id uuid NOT NULL REFERENCES services(id),
  payer_id uuid REFERENCES payers(id),
  fee_cents integer NOT NULL CHECK (fee_cents >= 0),
  valid_from date NOT NULL,
  valid_to date,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users(id),
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CONSTRAINT fee_rates_one_per_day EXCLUDE USING gist (
    service_id WITH =,
    (coalesce(payer_id, '00000000-0000-0000-0000-000000000000'::uuid)) WITH =,
    daterange(valid_from, valid_to, '[]') WITH &&
  )
);

CREATE TABLE payments (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  source text NOT NULL CHECK (source IN ('patient', 'insurer')),
  patient_id uuid REFERENCES patients(id),
  payer_id uuid REFERENCES payers(id),
  method text NOT NULL CHECK (method IN ('cash', 'card', 'check', 'eft', 'other')),
  -- The card transaction, check number or remittance trace: the same one is never posted twice.
  reference text,
  -- Negative only for a reversal (a mistake or a refund) of an earlier payment.
  amount_cents integer NOT NULL CHECK (amount_cents <> 0),
  received_on date NOT NULL,
  note text,
  reverses_id uuid UNIQUE REFERENCES payments(id),
  posted_by uuid REFERENCES users(id),
  posted_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((source = 'patient' AND patient_id IS NOT NULL) OR (source = 'insurer' AND payer_id IS NOT NULL)),
  CHECK ((reverses_id IS NULL) = (amount_cents > 0))
);
CREATE UNIQUE INDEX payments_reference_once ON payments
  (clinic_id, source, coalesce(payer_id, patient_id), lower(reference))
  WHERE reference IS NOT NULL AND reverses_id IS NULL;
CREATE INDEX payments_patient_idx ON payments (patient_id);

-- Which charge a payment pays, and whose portion (the insurer's or the patient's).
CREATE TABLE allocations (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  payment_id uuid NOT NULL REFERENCES payments(id),
  charge_id uuid NOT NULL REFERENCES charges(id),
  responsibility text NOT NULL CHECK (responsibility IN ('insurer', 'patient')),
  amount_cents integer NOT NULL CHECK (amount_cents <> 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allocations_charge_idx ON allocations (charge_id);
CREATE INDEX allocations_payment_idx ON allocations (payment_id);

-- Contractual write-offs, discounts, bad debt, transfers between insurer and patient, corrections.
CREATE TABLE adjustments (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  charge_id uuid NOT NULL REFERENCES charges(id),
  responsibility text NOT NULL CHECK (responsibility IN ('insurer', 'patient')),
  kind text NOT NULL CHECK (kind IN ('contractual', 'discount', 'bad_debt', 'transfer', 'correction')),
  -- Positive lowers what is owed; negative raises it (the receiving side of a transfer, a reversal).
  amount_cents integer NOT NULL CHECK (amount_cents <> 0),
  reason text NOT NULL,
  -- The two sides of a transfer share a group.
  group_id uuid,
  reverses_id uuid UNIQUE REFERENCES adjustments(id),
  posted_by uuid REFERENCES users(id),
  posted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX adjustments_charge_idx ON adjustments (charge_id);

-- Posted money is never changed or removed.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: post a reversal instead' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER allocations_append_only BEFORE UPDATE OR DELETE ON allocations
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER adjustments_append_only BEFORE UPDATE OR DELETE ON adjustments
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
