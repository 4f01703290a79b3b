-- Issue 10, scale-out: every server process on one database must use the same secret key
-- (TEND_SECRET_KEY, or the data folder's secret.key): it seals the SMTP/SMS passwords and the
-- two-step sign-in secrets and signs the links in patients' messages. The first server to start
-- stores a check value of its key here (an HMAC of a fixed text: it does not reveal the key), and a
-- server whose key gives another value refuses to start. One row.
CREATE TABLE secret_key_check (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  check_value text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
