-- A patient's requests to amend their record (HIPAA 164.526, ONC 170.315(d)(4)). Recorded as
-- received, decided once; a denied request keeps the reason and may gain the patient's statement
-- of disagreement, once. Rows are never deleted and the request itself never changes: the trigger
-- below refuses it, whatever the application does.
CREATE TABLE amendment_requests (
  id uuid PRIMARY KEY,
  clinic_id uuid NOT NULL REFERENCES clinics(id),
  patient_id uuid NOT NULL REFERENCES patients(id),
  encounter_id uuid REFERENCES encounters(id),
  received_on date NOT NULL,
  request text NOT NULL,
  recorded_by uuid NOT NULL REFERENCES users(id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'denied')),
  decided_by uuid REFERENCES users(id),
  decided_at timestamptz,
  decision_note text,
  addendum_id uuid REFERENCES encounter_addenda(id),
  disagreement text,
  disagreement_at timestamptz,
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (disagreement IS NULL OR status = 'denied')
);
CREATE INDEX amendment_requests_patient_idx ON amendment_requests (patient_id, recorded_at);

CREATE FUNCTION amendment_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'amendment requests are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.clinic_id, NEW.patient_id, NEW.encounter_id, NEW.received_on, NEW.request, NEW.recorded_by, NEW.recorded_at)
     IS DISTINCT FROM
     (OLD.id, OLD.clinic_id, OLD.patient_id, OLD.encounter_id, OLD.received_on, OLD.request, OLD.recorded_by, OLD.recorded_at)
     OR (OLD.status <> 'pending' AND (NEW.status, NEW.decided_by, NEW.decided_at, NEW.decision_note, NEW.addendum_id)
         IS DISTINCT FROM (OLD.status, OLD.decided_by, OLD.decided_at, OLD.decision_note, OLD.addendum_id))
     OR (OLD.disagreement IS NOT NULL AND (NEW.disagreement, NEW.disagreement_at)
         IS DISTINCT FROM (OLD.disagreement, OLD.disagreement_at)) THEN
    RAISE EXCEPTION 'an amendment request is decided once and never rewritten' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER amendment_requests_guard BEFORE UPDATE OR DELETE ON amendment_requests
  FOR EACH ROW EXECUTE FUNCTION amendment_requests_guard();
