-- Issue 9, guided exercises in a training clinic. An exercise's checklist ticks itself from what
-- the person did in the training clinic since they started it: the audit log says most of it;
-- the page visits below say what no audited read does (opening the home dashboard).

-- One row per person and exercise they started; starting again moves `started_at` (a fresh
-- checklist). `completed_at` is when its last step was done.
CREATE TABLE training_exercise_runs (
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  user_id uuid NOT NULL REFERENCES users(id),
  exercise_id text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (clinic_id, user_id, exercise_id),
  CHECK (completed_at IS NULL OR completed_at >= started_at)
);

-- The pages the web app opened in a training clinic (recorded only there).
CREATE TABLE training_page_visits (
  id bigserial PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  user_id uuid NOT NULL REFERENCES users(id),
  page text NOT NULL,
  visited_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_page_visits_user_idx ON training_page_visits (clinic_id, user_id, visited_at);
