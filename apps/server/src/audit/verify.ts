import { type Db, queryRows, schema } from '@tend/db';
import type { AuditChainBreak, AuditVerification } from '@tend/domain';
import { asc, sql } from 'drizzle-orm';

/**
 * The audit log's hash chains (migration 0028): each event's `hash` is SHA-256 of the previous
 * event's hash and its own content, one chain per clinic plus one for events without a clinic.
 * Verifying recomputes every hash in the database, in chain order, a batch at a time, so a log of
 * millions of events never sits in memory. An event is reported when its recomputed hash differs
 * from the stored one (it, or the hash of the event before it, was changed) or when positions are
 * missing before it (events were deleted). Events removed from the end of a chain leave no gap:
 * comparing the newest position and hash with a copy kept elsewhere finds that.
 */

const BATCH_SIZE = 10_000;
/** How many breaks a result lists; `broken` counts all. */
const LISTED_BREAKS = 20;

interface CheckedRow {
  id: string;
  position: string;
  hash: string | null;
  problem: AuditChainBreak['problem'] | null;
  checked: number;
  newest: boolean;
}

export async function verifyAuditChain(
  db: Db,
  clinicId: string | null,
  options: { batchSize?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const chain = clinicId === null ? sql`e.clinic_id IS NULL` : sql`e.clinic_id = ${clinicId}`;
  const result: AuditVerification = { ok: true, checked: 0, broken: 0, breaks: [], latest: null };
  // The last position and stored hash of the previous batch: where this batch continues from.
  let after = 0;
  let carry = '';
  for (;;) {
    // Only the rows that break, and the newest one of the batch (to continue from), come back.
    const rows = await queryRows<CheckedRow>(
      db,
      sql`WITH page AS (
            SELECT e.id, e.chain_seq, e.hash,
                   coalesce(lag(e.chain_seq) OVER w, ${after}::bigint) AS prev_seq,
                   tend_audit_event_hash(coalesce(lag(e.hash) OVER w, ${carry}::text), e) AS expected
            FROM audit_events e
            WHERE ${chain} AND e.chain_seq > ${after}::bigint
            WINDOW w AS (ORDER BY e.chain_seq)
            ORDER BY e.chain_seq
            LIMIT ${batchSize}::int
          ),
          totals AS (SELECT count(*)::int AS checked, max(chain_seq) AS newest FROM page)
          SELECT page.id::text AS id, page.chain_seq::text AS position, page.hash,
                 CASE WHEN page.prev_seq <> page.chain_seq - 1 THEN 'missing'
                      WHEN page.expected IS DISTINCT FROM page.hash THEN 'changed' END AS problem,
                 totals.checked, page.chain_seq = totals.newest AS newest
          FROM page, totals
          WHERE page.prev_seq <> page.chain_seq - 1
             OR page.expected IS DISTINCT FROM page.hash
             OR page.chain_seq = totals.newest
          ORDER BY page.chain_seq`,
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const position = Number(row.position);
      if (row.problem) {
        result.ok = false;
        result.broken += 1;
        if (result.breaks.length < LISTED_BREAKS) result.breaks.push({ id: row.id, position, problem: row.problem });
      }
      if (row.newest) {
        after = position;
        carry = row.hash ?? '';
        result.latest = { id: row.id, position, hash: row.hash ?? '' };
      }
    }
    result.checked += rows[0].checked;
    if (rows[0].checked < batchSize) break;
  }
  return result;
}

export interface ChainReport {
  /** null: the events without a clinic (sign-ins with an unknown email address). */
  clinic: { id: string; name: string } | null;
  result: AuditVerification;
}

/** Every chain of the installation: each clinic's, then the one of events without a clinic. */
export async function verifyAllAuditChains(db: Db): Promise<ChainReport[]> {
  const clinics = await db
    .select({ id: schema.clinics.id, name: schema.clinics.name })
    .from(schema.clinics)
    .orderBy(asc(schema.clinics.name), asc(schema.clinics.id));
  const reports: ChainReport[] = [];
  for (const clinic of [...clinics, null]) {
    reports.push({ clinic, result: await verifyAuditChain(db, clinic?.id ?? null) });
  }
  return reports;
}

/** The text `tend audit verify` prints: one paragraph per chain. */
export function formatChainReports(reports: ChainReport[]): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return reports
    .map(({ clinic, result }) => {
      const name = clinic ? `Audit log of ${clinic.name} (clinic ${clinic.id})` : 'Audit events without a clinic';
      const lines = result.ok
        ? [`${name}: intact, ${n(result.checked)} events checked.`]
        : [
            `${name}: CHANGED, ${n(result.broken)} of ${n(result.checked)} events do not match:`,
            ...result.breaks.map(
              (b) =>
                `  event #${b.id} (position ${n(b.position)}): ${
                  b.problem === 'missing' ? 'events before it were removed' : 'changed, or the event before it was'
                }`,
            ),
            ...(result.broken > result.breaks.length
              ? [`  … and ${n(result.broken - result.breaks.length)} more`]
              : []),
          ];
      if (result.latest) {
        lines.push(
          `  Newest: event #${result.latest.id}. Keep this elsewhere to check later with --expect ${formatAnchor(clinic?.id ?? null, result.latest)}`,
        );
      }
      return lines.join('\n');
    })
    .join('\n');
}

/** A chain's newest event as `tend audit verify` prints it, kept elsewhere to check later: `CLINIC:POSITION:HASH`. */
export interface ChainAnchor {
  /** null: the chain of events without a clinic (`none` on the command line). */
  clinicId: string | null;
  position: number;
  hash: string;
}

export function formatAnchor(clinicId: string | null, latest: { position: number; hash: string }): string {
  return `${clinicId ?? 'none'}:${latest.position}:${latest.hash}`;
}

export function parseAnchor(text: string): ChainAnchor | null {
  const match =
    /^(none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([1-9]\d{0,15}):([0-9a-f]{64})$/i.exec(
      text.trim(),
    );
  if (!match) return null;
  const [, clinic, position, hash] = match as unknown as [string, string, string, string];
  return {
    clinicId: clinic === 'none' ? null : clinic.toLowerCase(),
    position: Number(position),
    hash: hash.toLowerCase(),
  };
}

/**
 * Whether the chain still has the hash kept at that position. With the chain intact, it proves
 * that nothing up to that position was rewritten (hashes recomputed) and that the chain was not
 * cut back before it.
 */
export async function checkAnchor(db: Db, anchor: ChainAnchor): Promise<'ok' | 'different' | 'gone'> {
  const chain = anchor.clinicId === null ? sql`clinic_id IS NULL` : sql`clinic_id = ${anchor.clinicId}`;
  const [row] = await queryRows<{ hash: string | null }>(
    db,
    sql`SELECT hash FROM audit_events WHERE ${chain} AND chain_seq = ${anchor.position}::bigint`,
  );
  if (!row) return 'gone';
  return row.hash === anchor.hash ? 'ok' : 'different';
}
