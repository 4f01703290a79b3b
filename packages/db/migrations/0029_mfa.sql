-- Two-step sign-in (TOTP, RFC 6238). The shared secret is sealed with the server's secret key
-- (never stored plain); it is set at enrolment and in force once `mfa_enabled_at` is set.
-- `mfa_last_step` is the last accepted 30-second step: a code is accepted once.
ALTER TABLE users
  ADD COLUMN mfa_secret text,
  ADD COLUMN mfa_enabled_at timestamptz,
  ADD COLUMN mfa_last_step bigint;

-- Ten single-use recovery codes per enrolment, stored as SHA-256 (each code has 80 random bits).
CREATE TABLE user_recovery_codes (
  user_id uuid NOT NULL REFERENCES users(id),
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- The step between a correct password and the second factor: `id` is the SHA-256 of the
-- challenge the browser holds for a few minutes (shared by every server process).
CREATE TABLE mfa_challenges (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX mfa_challenges_user_idx ON mfa_challenges (user_id);

-- The roles that must use two-step sign-in (all six = all staff).
ALTER TABLE clinics
  ADD COLUMN mfa_required_roles text[] NOT NULL DEFAULT '{}';
