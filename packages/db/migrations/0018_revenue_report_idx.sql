-- The Revenue report reads a clinic's payments by the date received and its adjustments by the
-- instant posted (charges by date of service use charges_clinic_idx (0005): clinic, status, date).
CREATE INDEX payments_clinic_received_idx ON payments (clinic_id, received_on);
CREATE INDEX adjustments_clinic_posted_idx ON adjustments (clinic_id, posted_at);

-- Collections by provider, location or service are allocations by their payment's date received
-- and their charge's provider, location and code. A year of them (1.5M allocations on the bench
-- network) joined to payments and charges took seconds: each allocation keeps copies of those
-- keys instead, set on insert from its payment and charge (both never change them: the ledger is
-- append-only, and voiding a charge changes only its status), and read through one index.
ALTER TABLE allocations ADD COLUMN received_on date;
ALTER TABLE allocations ADD COLUMN payer_id uuid;
ALTER TABLE allocations ADD COLUMN provider_id uuid;
ALTER TABLE allocations ADD COLUMN location_id uuid;
ALTER TABLE allocations ADD COLUMN service_code text;

CREATE FUNCTION allocations_report_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.received_on, p.payer_id INTO NEW.received_on, NEW.payer_id FROM payments p WHERE p.id = NEW.payment_id;
  SELECT c.provider_id, c.location_id, c.code INTO NEW.provider_id, NEW.location_id, NEW.service_code
    FROM charges c WHERE c.id = NEW.charge_id;
  RETURN NEW;
END $$;
CREATE TRIGGER allocations_report_keys BEFORE INSERT ON allocations
  FOR EACH ROW EXECUTE FUNCTION allocations_report_keys();

-- The allocations posted before: the same copies (the append-only trigger paused for this only).
ALTER TABLE allocations DISABLE TRIGGER allocations_append_only;
UPDATE allocations a
  SET received_on = p.received_on, payer_id = p.payer_id,
      provider_id = c.provider_id, location_id = c.location_id, service_code = c.code
  FROM payments p, charges c
  WHERE p.id = a.payment_id AND c.id = a.charge_id;
ALTER TABLE allocations ENABLE TRIGGER allocations_append_only;

CREATE INDEX allocations_clinic_received_idx ON allocations (clinic_id, received_on);
