-- Emergency access ("break the glass"). A manager or administrator may mark a patient restricted
-- (a staff member, a public figure, a sensitive history): the clinical record of a restricted
-- patient is then open only to the providers with a care relationship (an appointment or a visit
-- of the patient) and to users holding an unexpired emergency grant. A grant is asked for with a
-- typed reason, lasts the clinic's `emergency_access_minutes`, and waits in the managers' review
-- queue. Grant rows are never deleted, and only their review columns ever change.
ALTER TABLE patients ADD COLUMN restricted boolean NOT NULL DEFAULT false;
ALTER TABLE clinics ADD COLUMN emergency_access_minutes integer NOT NULL DEFAULT 60
  CHECK (emergency_access_minutes BETWEEN 5 AND 720);

CREATE TABLE emergency_access (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics (id),
  user_id uuid NOT NULL REFERENCES users (id),
  patient_id uuid NOT NULL REFERENCES patients (id),
  reason text NOT NULL CHECK (length(btrim(reason)) >= 10),
  granted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > granted_at),
  reviewed_by uuid REFERENCES users (id),
  reviewed_at timestamptz,
  review_outcome text CHECK (review_outcome IN ('appropriate', 'inappropriate')),
  review_note text,
  CHECK ((reviewed_at IS NULL) = (review_outcome IS NULL) AND (reviewed_at IS NULL) = (reviewed_by IS NULL))
);
-- The access check: this user's live grants for this patient.
CREATE INDEX emergency_access_user_patient_idx ON emergency_access (clinic_id, user_id, patient_id, expires_at);
-- The review queue.
CREATE INDEX emergency_access_unreviewed_idx ON emergency_access (clinic_id, granted_at DESC) WHERE reviewed_at IS NULL;

-- A grant is evidence: no delete, no truncate, and an update may only record the review once.
CREATE FUNCTION tend_emergency_access_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.reviewed_at IS NULL
     AND (NEW.id, NEW.clinic_id, NEW.user_id, NEW.patient_id, NEW.reason, NEW.granted_at, NEW.expires_at)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.clinic_id, OLD.user_id, OLD.patient_id, OLD.reason, OLD.granted_at, OLD.expires_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'emergency_access rows are kept as recorded: % is not allowed', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER emergency_access_guard BEFORE UPDATE OR DELETE ON emergency_access
  FOR EACH ROW EXECUTE FUNCTION tend_emergency_access_guard();
CREATE TRIGGER emergency_access_no_truncate BEFORE TRUNCATE ON emergency_access
  FOR EACH STATEMENT EXECUTE FUNCTION tend_emergency_access_guard();
