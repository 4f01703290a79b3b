-- The audit log is tamper-evident: every event gets a position in its chain and a SHA-256 hash of
-- its content chained to the hash of the event before it, computed here in the database, so every
-- writer is covered. One chain per clinic, plus one for the events without a clinic (sign-ins with
-- an unknown email): a clinic verifies its own log without reading another clinic's events, and
-- clinics do not wait for each other.
--
-- Chained AT COMMIT. Positions follow commit order, so an event can only be chained once the
-- events before it are committed: whoever chains must hold the chain's lock until it commits. Held
-- from the audit insert on (an earlier design, a BEFORE INSERT trigger), every audited transaction
-- of a clinic waited for the previous one to commit, and one that audited before taking a row lock
-- deadlocked with one that took it first and audited last. So the events a transaction writes are
-- only noted (audit_chain_pending), and 0021's deferred apply_pending_at_commit() chains them as
-- the LAST step of its commit work: the chain locks are taken there, after the rollups, in one
-- global order, and a transaction holding one runs nothing that waits before it commits.
--
-- The chain is a table of its own, append-only like audit_events (whose rows stay untouched):
-- audit_chain(event_id, clinic_id, seq, hash). Verifying (apps/server/src/audit/verify.ts)
-- recomputes the hashes in Node.js, not with the function below: someone who can change rows can
-- also replace a function.

CREATE TABLE audit_chain (
  event_id bigint PRIMARY KEY,
  -- The chain: the event's clinic, NULL for the events without a clinic.
  clinic_id uuid,
  -- Position in the chain: 1, 2, 3, … in commit order.
  seq bigint NOT NULL,
  -- SHA-256 (hex) of the canonical text of the event with the previous event's hash.
  hash text NOT NULL
);
-- One event per position (and the newest position of a chain, by index).
CREATE UNIQUE INDEX audit_chain_position_idx ON audit_chain (clinic_id, seq) NULLS NOT DISTINCT;

-- Append-only as well; the message names the table.
CREATE OR REPLACE FUNCTION tend_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_chain_no_update_delete BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION tend_audit_events_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION tend_audit_events_append_only();

-- The hash of an event at a position: SHA-256 (hex) of the UTF-8 of a JSON array of strings (or
-- null) without spaces — previous hash (null for the first event), position, id, clinic, time (UTC,
-- microseconds), acting user, role, action, outcome, patient, record type, record id, IP address,
-- user agent, and details as jsonb's text — exactly what JSON.stringify() of that array gives in
-- Node.js (to_json escapes strings as JSON.stringify does). PL/pgSQL: its plan is kept for the
-- session (a SQL function would be planned again for every row).
CREATE FUNCTION tend_audit_chain_hash(prev_hash text, seq bigint, e audit_events) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN encode(sha256(convert_to('[' || concat_ws(',',
    coalesce(to_json(prev_hash)::text, 'null'),
    coalesce(to_json(seq::text)::text, 'null'),
    coalesce(to_json(e.id::text)::text, 'null'),
    coalesce(to_json(e.clinic_id::text)::text, 'null'),
    coalesce(to_json(to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text, 'null'),
    coalesce(to_json(e.actor_user_id::text)::text, 'null'),
    coalesce(to_json(e.actor_role)::text, 'null'),
    coalesce(to_json(e.action)::text, 'null'),
    coalesce(to_json(e.outcome)::text, 'null'),
    coalesce(to_json(e.patient_id::text)::text, 'null'),
    coalesce(to_json(e.entity_type)::text, 'null'),
    coalesce(to_json(e.entity_id)::text, 'null'),
    coalesce(to_json(e.ip)::text, 'null'),
    coalesce(to_json(e.user_agent)::text, 'null'),
    coalesce(to_json(e.details::text)::text, 'null')
  ) || ']', 'UTF8')), 'hex');
END
$$;

-- Chains the given events, after those already chained: each chain's events in id order. The
-- caller holds the chains' locks (or, in this migration, the table's).
CREATE FUNCTION tend_audit_chain_append(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  e audit_events;
  started boolean := false;
  chain_clinic uuid;
  head_seq bigint;
  head_hash text;
  event_ids bigint[] := '{}';
  clinic_ids uuid[] := '{}';
  seqs bigint[] := '{}';
  hashes text[] := '{}';
BEGIN
  FOR e IN SELECT * FROM audit_events WHERE id = ANY (ids) ORDER BY clinic_id NULLS FIRST, id LOOP
    IF NOT started OR e.clinic_id IS DISTINCT FROM chain_clinic THEN
      started := true;
      chain_clinic := e.clinic_id;
      head_seq := NULL;
      head_hash := NULL;
      IF chain_clinic IS NULL THEN
        SELECT c.seq, c.hash INTO head_seq, head_hash FROM audit_chain c
          WHERE c.clinic_id IS NULL ORDER BY c.seq DESC LIMIT 1;
      ELSE
        SELECT c.seq, c.hash INTO head_seq, head_hash FROM audit_chain c
          WHERE c.clinic_id = chain_clinic ORDER BY c.seq DESC LIMIT 1;
      END IF;
      head_seq := coalesce(head_seq, 0);
    END IF;
    head_seq := head_seq + 1;
    head_hash := tend_audit_chain_hash(head_hash, head_seq, e);
    event_ids := event_ids || e.id;
    clinic_ids := clinic_ids || e.clinic_id;
    seqs := seqs || head_seq;
    hashes := hashes || head_hash;
  END LOOP;
  INSERT INTO audit_chain (event_id, clinic_id, seq, hash)
    SELECT * FROM unnest(event_ids, clinic_ids, seqs, hashes);
END
$$;

-- The events a transaction wrote, until its commit chains them: one row per audited statement.
CREATE TABLE audit_chain_pending (
  txid bigint NOT NULL DEFAULT txid_current(),
  event_ids bigint[] NOT NULL
);
CREATE INDEX audit_chain_pending_txid_idx ON audit_chain_pending (txid);

CREATE FUNCTION audit_events_note_for_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_chain_pending (event_ids) SELECT array_agg(id) FROM inserted HAVING count(*) > 0;
  RETURN NULL;
END $$;

-- At commit, in this order: the A/R rollups and the report day versions (as 0022's function did),
-- then, LAST, the transaction's audit events into their chains. The chain locks
-- (transaction-level advisory locks, class 7365; 7364 is the migration lock) are taken only here,
-- in the order of their keys — one global order, so two committing transactions cannot wait for
-- each other's chain locks in a cycle — and after every row lock the commit work takes, so a
-- transaction holding a chain lock waits for nothing before its commit releases it: it reads the
-- chains' newest positions (committed by the previous holders) and inserts new positions no one
-- else can insert meanwhile. A transaction that audited nothing takes no chain lock.
-- Deferred triggers fire in the order of their events; whichever of this function's triggers
-- fires first does all of this, the later firings find nothing pending. No other deferred trigger
-- exists, so nothing runs between the chain step and the commit.
CREATE OR REPLACE FUNCTION apply_pending_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  audited bigint[];
  chain_key integer;
BEGIN
  INSERT INTO ar_open_by_date AS r (clinic_id, service_date, payer_id, insurer_cents, patient_cents)
    SELECT p.clinic_id, p.service_date, p.payer_id, sum(p.insurer_cents), sum(p.patient_cents)
    FROM ar_open_pending p WHERE p.txid = txid_current()
    GROUP BY p.clinic_id, p.service_date, p.payer_id
    HAVING sum(p.insurer_cents) <> 0 OR sum(p.patient_cents) <> 0
    ORDER BY p.clinic_id, p.service_date, p.payer_id
    ON CONFLICT (clinic_id, service_date, payer_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents;
  INSERT INTO ar_open_by_patient AS r (patient_id, clinic_id, insurer_cents, patient_cents)
    SELECT p.patient_id, p.clinic_id, sum(p.insurer_cents), sum(p.patient_cents)
    FROM ar_open_pending p WHERE p.txid = txid_current()
    GROUP BY p.patient_id, p.clinic_id
    HAVING sum(p.insurer_cents) <> 0 OR sum(p.patient_cents) <> 0
    ORDER BY p.patient_id
    ON CONFLICT (patient_id) DO UPDATE
      SET insurer_cents = r.insurer_cents + excluded.insurer_cents,
          patient_cents = r.patient_cents + excluded.patient_cents;
  DELETE FROM ar_open_pending WHERE txid = txid_current();
  WITH mine AS (DELETE FROM report_days_pending WHERE txid = txid_current() RETURNING clinic_id, local_date)
  INSERT INTO report_day_versions (clinic_id, local_date, version)
    SELECT DISTINCT clinic_id, local_date, 1 FROM mine ORDER BY 1, 2
    ON CONFLICT (clinic_id, local_date) DO UPDATE SET version = report_day_versions.version + 1;

  WITH mine AS (DELETE FROM audit_chain_pending WHERE txid = txid_current() RETURNING event_ids)
  SELECT array_agg(id) INTO audited FROM mine, unnest(mine.event_ids) AS id;
  IF audited IS NULL THEN
    RETURN NULL;
  END IF;
  FOR chain_key IN
    SELECT DISTINCT hashtext(coalesce(e.clinic_id::text, '')) FROM audit_events e WHERE e.id = ANY (audited) ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(7365, chain_key);
  END LOOP;
  PERFORM tend_audit_chain_append(audited);
  RETURN NULL;
END $$;

-- No audit event is written while the existing ones are chained (the lock is held to the end of
-- this migration's transaction; writers then wait, and are chained by the trigger below).
LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER audit_events_note_for_chain AFTER INSERT ON audit_events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_events_note_for_chain();
-- Fires at commit once per audited statement: the first firing chains them all.
CREATE CONSTRAINT TRIGGER audit_chain_pending_apply AFTER INSERT ON audit_chain_pending
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION apply_pending_at_commit();

-- The events written before: each chain in id order.
SELECT tend_audit_chain_append(coalesce(array_agg(id), '{}')) FROM audit_events;
ANALYZE audit_chain;
