-- Email: each clinic's SMTP settings and the outbox/log of every message Tend sends (or, in
-- development and training, captures instead of sending). 0006 is the billing ledger.

-- One row per clinic that has set up email. The password is encrypted by the server
-- (AES-256-GCM with the key from TEND_SECRET_KEY or the data folder's secret.key, see
-- docs/security.md): the database alone never reveals it.
CREATE TABLE email_settings (
  clinic_id uuid PRIMARY KEY REFERENCES clinics(id),
  host text NOT NULL,
  port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  -- tls: TLS from the first byte (usually 465); starttls: upgrade after connecting (587, 25);
  -- none: plain text (a relay on the same machine or network only).
  security text NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
  username text,
  password_encrypted text,
  from_address text NOT NULL,
  from_name text,
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id)
);

-- Every message, whatever became of it: nothing is lost when the server refuses it, and a
-- failed message can be sent again.
CREATE TABLE email_messages (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'captured')),
  error text,
  attempts integer NOT NULL DEFAULT 0,
  -- What the message is about, e.g. ('invoice', <id>).
  related_type text,
  related_id uuid,
  -- The SMTP Message-ID header (for finding it in the server's logs).
  message_id text,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  CHECK ((related_type IS NULL) = (related_id IS NULL)),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX email_messages_clinic_created_idx ON email_messages (clinic_id, created_at DESC);
CREATE INDEX email_messages_related_idx ON email_messages (clinic_id, related_type, related_id);

-- Attachments with their bytes, so a retry sends the same files and the outbox can show them.
CREATE TABLE email_attachments (
  message_id uuid NOT NULL REFERENCES email_messages(id),
  position integer NOT NULL CHECK (position >= 0),
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  filename text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  content bytea NOT NULL,
  PRIMARY KEY (message_id, position)
);
