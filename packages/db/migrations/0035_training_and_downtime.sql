-- Issue 9, the parts several features share. Training clinics: a clinic beside a real one,
-- filled with mock data, that staff switch into with their own role. Backups: one row per run,
-- so /api/health and the admin screen can say when the last good backup was taken.

-- A training clinic is a clinic row like any other (every table already scopes by clinic_id),
-- marked `is_training`. `training_of` names the real clinic it belongs to; it is NULL for the
-- stand-alone training clinic a fresh install offers from its setup page.
ALTER TABLE clinics ADD COLUMN is_training boolean NOT NULL DEFAULT false;
ALTER TABLE clinics ADD COLUMN training_of uuid REFERENCES clinics(id);
ALTER TABLE clinics ADD CONSTRAINT clinics_training_of_check CHECK (training_of IS NULL OR is_training);
CREATE UNIQUE INDEX clinics_training_of_key ON clinics (training_of) WHERE training_of IS NOT NULL;

-- A staff member's stand-in inside a training clinic (same role), made on their first switch.
ALTER TABLE users ADD COLUMN training_for uuid REFERENCES users(id);
CREATE UNIQUE INDEX users_training_for_key ON users (training_for) WHERE training_for IS NOT NULL;

-- The real session a training session was opened from: leaving training returns to it.
ALTER TABLE sessions ADD COLUMN parent_session_id text REFERENCES sessions(id);

-- Backups of the whole installation (not of one clinic, like icd10_codes).
CREATE TABLE backup_runs (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('manual', 'scheduled')),
  engine text NOT NULL CHECK (engine IN ('pglite', 'postgres')),
  status text NOT NULL CHECK (status IN ('running', 'ok', 'failed')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  file text,
  bytes bigint,
  sha256 text,
  error text,
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX backup_runs_finished_idx ON backup_runs (finished_at DESC) WHERE status = 'ok';
