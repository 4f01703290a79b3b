-- Resetting a training clinic removes every row it has, including the ones the database otherwise
-- keeps forever (the audit trail and its chain, the ledger, claim events, signed visits, emergency
-- grants, amendment requests). Each of those guards lets a DELETE through only when the
-- transaction declared the purge of that very clinic (`SET LOCAL tend.purge_training = '<id>'`,
-- apps/server/src/training/purge.ts) AND the row's clinic is a training clinic: the setting alone
-- never opens a real clinic's records. UPDATE and TRUNCATE stay refused as before.

CREATE FUNCTION tend_purging_training(clinic uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT clinic IS NOT NULL
     AND coalesce(current_setting('tend.purge_training', true), '') = clinic::text
     AND EXISTS (SELECT 1 FROM clinics c WHERE c.id = clinic AND c.is_training)
$$;

CREATE OR REPLACE FUNCTION tend_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' AND tend_purging_training(OLD.clinic_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END
$$;

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND tend_purging_training(OLD.clinic_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the ledger is append-only: post a reversal instead' USING ERRCODE = 'check_violation';
END $$;

CREATE OR REPLACE FUNCTION encounters_signed_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' AND NOT tend_purging_training(OLD.clinic_id) THEN
    RAISE EXCEPTION 'a signed encounter is never deleted' USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;

CREATE OR REPLACE FUNCTION tend_emergency_access_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.reviewed_at IS NULL
     AND (NEW.id, NEW.clinic_id, NEW.user_id, NEW.patient_id, NEW.reason, NEW.granted_at, NEW.expires_at)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.clinic_id, OLD.user_id, OLD.patient_id, OLD.reason, OLD.granted_at, OLD.expires_at) THEN
    RETURN NEW;
  END IF;
  IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' AND tend_purging_training(OLD.clinic_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'emergency_access rows are kept as recorded: % is not allowed', TG_OP USING ERRCODE = '42501';
END
$$;

CREATE OR REPLACE FUNCTION amendment_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF tend_purging_training(OLD.clinic_id) THEN
      RETURN OLD;
    END IF;
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
