-- Messages: one outbox for every email and text Tend sends. A message is a row written in the
-- same transaction as what caused it (a booking, a signed visit, an invoice), then delivered by
-- a worker: claimed with FOR UPDATE SKIP LOCKED (several server processes never send the same
-- row), retried with backoff, and finally `failed` with the reason. The idempotency key goes to
-- the gateway too, so a resend after a crash between sending and recording is harmless.

ALTER TABLE email_messages RENAME TO messages;
ALTER TABLE email_attachments RENAME TO message_attachments;
ALTER INDEX email_messages_clinic_created_idx RENAME TO messages_clinic_created_idx;
ALTER INDEX email_messages_related_idx RENAME TO messages_related_idx;

-- sending: claimed by a worker until locked_until; withdrawn: no longer to be sent (the
-- appointment moved or was cancelled, the patient opted out), with the reason.
ALTER TABLE messages DROP CONSTRAINT email_messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
  CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'captured', 'withdrawn'));
ALTER TABLE messages ADD COLUMN channel text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'sms'));
-- What it is (reminder, booked, rescheduled, cancelled, recall, waitlist_offer, balance); null for
-- messages a person sends (invoices, statements, tests: see related_type).
ALTER TABLE messages ADD COLUMN kind text;
ALTER TABLE messages ADD COLUMN patient_id uuid REFERENCES patients(id);
-- Not before this instant (a reminder's due time, or the next retry).
ALTER TABLE messages ADD COLUMN send_after timestamptz NOT NULL DEFAULT now();
ALTER TABLE messages ADD COLUMN locked_until timestamptz;
ALTER TABLE messages ADD COLUMN claimed_by text;
ALTER TABLE messages ADD COLUMN last_attempt_at timestamptz;
ALTER TABLE messages ADD COLUMN idempotency_key text;
-- The SMS gateway's id for the text, and the delivery status its callbacks report.
ALTER TABLE messages ADD COLUMN provider_message_id text;
ALTER TABLE messages ADD COLUMN delivery_status text;
ALTER TABLE messages ADD COLUMN withdrawn_reason text;
CREATE UNIQUE INDEX messages_idempotency_key ON messages (clinic_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX messages_due_idx ON messages (send_after) WHERE status IN ('queued', 'sending');
CREATE INDEX messages_patient_idx ON messages (patient_id, created_at DESC) WHERE patient_id IS NOT NULL;
CREATE INDEX messages_provider_message_idx ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- The clinic's SMS gateway (an HTTP API in the common account SID + token shape). The token is
-- sealed like the SMTP password.
CREATE TABLE sms_settings (
  clinic_id uuid PRIMARY KEY REFERENCES clinics(id),
  base_url text NOT NULL,
  account_sid text NOT NULL,
  auth_token_encrypted text NOT NULL,
  from_number text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id)
);

-- No texts at night: local times, the range may cross midnight.
ALTER TABLE clinics ADD COLUMN quiet_hours_start text NOT NULL DEFAULT '21:00' CHECK (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
ALTER TABLE clinics ADD COLUMN quiet_hours_end text NOT NULL DEFAULT '08:00' CHECK (quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');

-- A patient's "STOP" (or the front desk, on their word) ends texts; email can be refused too.
ALTER TABLE patients ADD COLUMN sms_opt_out_at timestamptz;
ALTER TABLE patients ADD COLUMN email_opt_out_at timestamptz;

-- The clinic's reminder rules ("email 3 days before", "text 2 hours before").
CREATE TABLE reminder_rules (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  -- Whole days keep the wall-clock time; hours and minutes are real time (see packages/domain).
  minutes_before integer NOT NULL CHECK (minutes_before BETWEEN 15 AND 20160),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (clinic_id, channel, minutes_before)
);
ALTER TABLE messages ADD COLUMN rule_id uuid REFERENCES reminder_rules(id);
-- Reminders per appointment type (e.g. none for a phone consultation).
ALTER TABLE appointment_types ADD COLUMN reminders boolean NOT NULL DEFAULT true;

-- A clinic's own wording, per kind, channel and language (Tend's defaults otherwise).
CREATE TABLE message_templates (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  kind text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  language text NOT NULL DEFAULT 'en',
  subject text NOT NULL DEFAULT '',
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id),
  PRIMARY KEY (clinic_id, kind, channel, language)
);

-- A link from a message works once: its use is recorded (by the token's hash).
CREATE TABLE link_uses (
  token_hash text PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  action text NOT NULL,
  record_id uuid NOT NULL,
  used_at timestamptz NOT NULL DEFAULT now()
);
