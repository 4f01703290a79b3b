-- Recalls: the follow-ups providers order during a visit ("return in 2 weeks", "6-month
-- cleaning") are recalls — one list, with a due date. When one comes due and nothing is booked,
-- the patient is messaged (at most twice, see the clinic's recall settings) with a link to book;
-- the front desk works the same list: open (due or upcoming) → contacted → booked, or closed with
-- a reason. A recall booked keeps the appointment it became.

ALTER TABLE follow_ups RENAME TO recalls;
ALTER INDEX follow_ups_clinic_status_idx RENAME TO recalls_clinic_status_idx;

ALTER TABLE recalls DROP CONSTRAINT follow_ups_status_check;
UPDATE recalls SET status = 'closed' WHERE status = 'dismissed';
ALTER TABLE recalls ADD CONSTRAINT recalls_status_check
  CHECK (status IN ('open', 'contacted', 'booked', 'closed'));
-- Why the front desk closed it (e.g. "Patient moved away"), and who did.
ALTER TABLE recalls ADD COLUMN close_reason text;
ALTER TABLE recalls ADD COLUMN closed_by uuid REFERENCES users(id);
-- Dismissed follow-ups had no reason; say so rather than leave it empty.
UPDATE recalls SET close_reason = 'Dismissed' WHERE status = 'closed';
-- The last time the patient was reached: a recall message sent (email, sms) or a call the front
-- desk logged (phone, with a short note).
ALTER TABLE recalls ADD COLUMN last_contact_at timestamptz;
ALTER TABLE recalls ADD COLUMN last_contact_channel text CHECK (last_contact_channel IN ('email', 'sms', 'phone'));
ALTER TABLE recalls ADD COLUMN last_contact_note text;
ALTER TABLE recalls ADD COLUMN last_contact_by uuid REFERENCES users(id);
-- Automatic messages the sweep has handled (0, 1 or 2) and when the last one was due: the sweep
-- claims a recall by raising the count, so two servers never write the same notice.
ALTER TABLE recalls ADD COLUMN notices integer NOT NULL DEFAULT 0 CHECK (notices BETWEEN 0 AND 2);
ALTER TABLE recalls ADD COLUMN last_notice_at timestamptz;
-- What the sweep looks at: recalls still waiting for a booking.
CREATE INDEX recalls_waiting_idx ON recalls (due_date) WHERE status IN ('open', 'contacted');

-- When the recall messages go: the first this many days before the due date, a second this many
-- days after the first if nothing is booked yet (0: no second message).
ALTER TABLE clinics ADD COLUMN recall_lead_days integer NOT NULL DEFAULT 7 CHECK (recall_lead_days BETWEEN 0 AND 90);
ALTER TABLE clinics ADD COLUMN recall_second_notice_days integer NOT NULL DEFAULT 14
  CHECK (recall_second_notice_days BETWEEN 0 AND 90);
