-- The audit log is tamper-evident: every row carries a SHA-256 hash of its content chained to the
-- hash of the row before it, computed here in the database, so every writer is covered.
--
-- One chain per clinic, plus one for the events without a clinic (sign-ins with an unknown email):
-- a clinic's administrators verify their own clinic's log without reading another clinic's events,
-- and clinics on one installation do not wait for each other's audit writes.
--
-- `chain_seq` is the row's position in its chain (1, 2, 3, … without gaps), assigned under a
-- transaction-level advisory lock per chain that is held until commit. The bigserial `id` is
-- drawn before the trigger runs, so two transactions may take ids in one order and the lock in
-- the other: the chain order is `chain_seq`, not `id`. A transaction that wrote an audit row holds
-- its chain's lock to its end, so the next writer of that chain waits, then (READ COMMITTED: a new
-- snapshot per statement) sees the committed row as its predecessor — or, when the holder rolled
-- back, the one before it, and reuses the freed position. The unique indexes below refuse a second
-- row at one position, so a writer that could not see its predecessor fails instead of forking.

ALTER TABLE audit_events ADD COLUMN chain_seq bigint, ADD COLUMN hash text;

-- The canonical text of a row: a JSON array of every column but the hash, the time as UTC with
-- microseconds (independent of the session's time zone), `details` as jsonb text (keys sorted by
-- jsonb). The previous row's hash (hex; '' for the first row) goes in front.
-- PL/pgSQL, not SQL: its plan is kept for the session (a SQL function called from the trigger is
-- planned again for every row, which made a 1,800-row insert several times slower).
CREATE FUNCTION tend_audit_event_hash(prev_hash text, e audit_events) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN encode(sha256(convert_to(coalesce(prev_hash, '') || jsonb_build_array(
    e.chain_seq,
    e.id,
    e.clinic_id,
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id,
    e.actor_role,
    e.action,
    e.outcome,
    e.patient_id,
    e.entity_type,
    e.entity_id,
    e.ip,
    e.user_agent,
    e.details
  )::text, 'UTF8')), 'hex');
END
$$;

-- Existing rows, in id order per chain (the append-only trigger is off for this one transaction;
-- ALTER TABLE holds the table's lock, so nothing else writes meanwhile).
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
DO $$
DECLARE
  r audit_events;
  prev text;
  chain_clinic uuid;
  started boolean := false;
  pos bigint;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY clinic_id NULLS FIRST, id LOOP
    IF NOT started OR r.clinic_id IS DISTINCT FROM chain_clinic THEN
      started := true;
      chain_clinic := r.clinic_id;
      pos := 0;
      prev := NULL;
    END IF;
    pos := pos + 1;
    r.chain_seq := pos;
    r.hash := tend_audit_event_hash(prev, r);
    UPDATE audit_events SET chain_seq = r.chain_seq, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
END
$$;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;

ALTER TABLE audit_events ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (clinic_id, chain_seq);
CREATE UNIQUE INDEX audit_events_no_clinic_chain_idx ON audit_events (chain_seq) WHERE clinic_id IS NULL;

-- Whatever an insert says, the database sets the position and the hash.
CREATE FUNCTION tend_audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  -- 7365: the audit chains' lock class (7364 is the migration lock); one lock per chain.
  PERFORM pg_advisory_xact_lock(7365, hashtext(coalesce(NEW.clinic_id::text, '')));
  IF NEW.clinic_id IS NULL THEN
    SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_events
      WHERE clinic_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
  ELSE
    SELECT chain_seq, hash INTO last_seq, last_hash FROM audit_events
      WHERE clinic_id = NEW.clinic_id ORDER BY chain_seq DESC LIMIT 1;
  END IF;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.hash := tend_audit_event_hash(last_hash, NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION tend_audit_events_chain();
