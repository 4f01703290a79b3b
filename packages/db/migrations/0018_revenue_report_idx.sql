-- The Revenue report reads a clinic's payments by the date received and its adjustments by the
-- instant posted (charges by date of service use charges_clinic_idx (0005): clinic, status, date).
CREATE INDEX payments_clinic_received_idx ON payments (clinic_id, received_on);
CREATE INDEX adjustments_clinic_posted_idx ON adjustments (clinic_id, posted_at);
