-- Whether each side of a charge was billed, kept on the charge (issue 10; docs/performance.md
-- "Charges billed, kept on the charge (0051)"). The Reconciliation report's "charges not billed"
-- asked, for every open charge of its range owed on a side with nothing allocated on it (0050's
-- candidates), whether a submitted claim or an invoice or statement holds it: three index probes
-- per candidate, linear in the unpaid charges of the range (≈1.1–1.5 s projected at 50 locations).
--
-- - insurer_billed: a line of a submitted claim (claims.submitted_at set) holds the charge;
-- - patient_billed: a line of an invoice or of a statement holds it.
--
-- Kept by triggers on claim_lines, invoice_lines and statement_lines (inserts, deletes, and a line
-- moved to another charge or claim) and on claims (submitted_at set or cleared). The charges are locked in id order, as the ledger locks them
-- (apps/server/src/billing/ledger.ts), so a claim's submission and a payment on the same charges
-- cannot deadlock. Only a flag that changes is written.
--
-- 0050's partial index of unbilled candidates is made again with the flags in its predicate, so
-- the report reads only the charges it lists. The backfill writes every billed charge once (most
-- of a clinic's history): reads and writes of charges wait until the migration commits.
LOCK TABLE charges, claims, claim_lines, invoice_lines, statement_lines IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE charges ADD COLUMN insurer_billed boolean NOT NULL DEFAULT false,
  ADD COLUMN patient_billed boolean NOT NULL DEFAULT false;

-- The flags are inputs of no rollup: the charges' statement triggers (which would compare every
-- backfilled row for the open balances and the report days) are held for the backfill.
ALTER TABLE charges DISABLE TRIGGER charges_ar_open_update;
ALTER TABLE charges DISABLE TRIGGER charges_touch_revenue_days_update;
ALTER TABLE charges DISABLE TRIGGER charges_touch_report_days_update;
UPDATE charges c SET insurer_billed = true
  WHERE c.id IN (SELECT l.charge_id FROM claim_lines l JOIN claims k ON k.id = l.claim_id WHERE k.submitted_at IS NOT NULL);
UPDATE charges c SET patient_billed = true
  WHERE c.id IN (SELECT l.charge_id FROM invoice_lines l UNION SELECT l.charge_id FROM statement_lines l);
ALTER TABLE charges ENABLE TRIGGER charges_ar_open_update;
ALTER TABLE charges ENABLE TRIGGER charges_touch_revenue_days_update;
ALTER TABLE charges ENABLE TRIGGER charges_touch_report_days_update;

-- The flags of these charges as their lines say now (locked in id order, written only if changed).
CREATE FUNCTION charges_refresh_billed(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM charges WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE charges c SET insurer_billed = s.insurer, patient_billed = s.patient
    FROM (SELECT x.id,
            EXISTS (SELECT 1 FROM claim_lines l JOIN claims k ON k.id = l.claim_id
                    WHERE l.charge_id = x.id AND k.submitted_at IS NOT NULL) AS insurer,
            EXISTS (SELECT 1 FROM invoice_lines l WHERE l.charge_id = x.id)
              OR EXISTS (SELECT 1 FROM statement_lines l WHERE l.charge_id = x.id) AS patient
          FROM charges x WHERE x.id = ANY (ids)) s
    WHERE c.id = s.id AND (c.insurer_billed, c.patient_billed) IS DISTINCT FROM (s.insurer, s.patient);
END $$;

-- Lines inserted or deleted (a statement's rows at once): their charges.
CREATE FUNCTION lines_refresh_billed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.charge_id) INTO ids FROM inserted n;
  ELSE
    SELECT array_agg(DISTINCT o.charge_id) INTO ids FROM deleted o;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM charges_refresh_billed(ids);
  END IF;
  RETURN NULL;
END $$;
-- A line moved to another charge or document (the app never does; row by row, as the update
-- triggers of transition tables cannot name columns): its charges before and after.
CREATE FUNCTION line_moved_refresh_billed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM charges_refresh_billed(ARRAY[OLD.charge_id, NEW.charge_id]);
  RETURN NULL;
END $$;

CREATE TRIGGER claim_lines_billed_insert AFTER INSERT ON claim_lines
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER claim_lines_billed_delete AFTER DELETE ON claim_lines
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER claim_lines_billed_update AFTER UPDATE OF charge_id, claim_id ON claim_lines
  FOR EACH ROW WHEN (OLD.charge_id IS DISTINCT FROM NEW.charge_id OR OLD.claim_id IS DISTINCT FROM NEW.claim_id)
  EXECUTE FUNCTION line_moved_refresh_billed();
CREATE TRIGGER invoice_lines_billed_insert AFTER INSERT ON invoice_lines
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER invoice_lines_billed_delete AFTER DELETE ON invoice_lines
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER invoice_lines_billed_update AFTER UPDATE OF charge_id ON invoice_lines
  FOR EACH ROW WHEN (OLD.charge_id IS DISTINCT FROM NEW.charge_id) EXECUTE FUNCTION line_moved_refresh_billed();
CREATE TRIGGER statement_lines_billed_insert AFTER INSERT ON statement_lines
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER statement_lines_billed_delete AFTER DELETE ON statement_lines
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION lines_refresh_billed();
CREATE TRIGGER statement_lines_billed_update AFTER UPDATE OF charge_id ON statement_lines
  FOR EACH ROW WHEN (OLD.charge_id IS DISTINCT FROM NEW.charge_id) EXECUTE FUNCTION line_moved_refresh_billed();

-- A claim submitted, or its submission cleared: the charges on its lines. (A claim's lines are
-- deleted before the claim, so a deleted claim has none left to refresh.)
CREATE FUNCTION claim_refresh_billed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
BEGIN
  SELECT array_agg(l.charge_id) INTO ids FROM claim_lines l WHERE l.claim_id = NEW.id;
  IF ids IS NOT NULL THEN
    PERFORM charges_refresh_billed(ids);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER claims_billed_update AFTER UPDATE OF submitted_at ON claims
  FOR EACH ROW WHEN (OLD.submitted_at IS DISTINCT FROM NEW.submitted_at) EXECUTE FUNCTION claim_refresh_billed();

-- The report's candidates (apps/server/src/reports/reconciliation.ts writes this predicate exactly
-- so): an open charge with a side owed, nothing ever allocated on it, and not billed on it.
DROP INDEX charges_unbilled_idx;
CREATE INDEX charges_unbilled_idx ON charges (clinic_id, service_date)
  WHERE status = 'open'
    AND ((insurer_cents - insurer_allocated_cents - insurer_adjusted_cents > 0 AND insurer_allocated_cents <= 0
          AND NOT insurer_billed)
      OR (patient_cents - patient_allocated_cents - patient_adjusted_cents > 0 AND patient_allocated_cents <= 0
          AND NOT patient_billed));
ANALYZE charges;
