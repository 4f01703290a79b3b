import { createHash } from 'node:crypto';
import { type Db, queryRows, schema } from '@tend/db';
import type { AuditChainBreak, AuditVerification } from '@tend/domain';
import { asc, type SQL, sql } from 'drizzle-orm';

/**
 * The audit log's hash chains (migration 0028): as each audited transaction commits, the database
 * gives each of its events the next position of its chain (one per clinic, plus one for events
 * without a clinic) and a hash — SHA-256 of the previous event's hash and the event's own content —
 * in the append-only table `audit_chain`. Verifying recomputes every hash here, in Node.js, not
 * with the database's function (whoever can change rows can replace a function too), in chain
 * order and a batch at a time, so a log of millions of events never sits in memory.
 *
 * Reported: an event whose recomputed hash differs from the stored one (it, or the hash of the
 * event before it, was changed), an event after missing positions (events removed with their
 * place in the chain), a position whose event is gone, and events in no chain (written outside
 * Tend, or their place in the chain removed). Events removed from the end of a chain leave no
 * trace: comparing the newest position and hash with a copy kept elsewhere finds that.
 */

const BATCH_SIZE = 10_000;
/** How many breaks a result lists; `broken` counts all. */
const LISTED_BREAKS = 20;

/** An audit event's columns as text, as the chain hashes them. */
export interface ChainedEvent {
  id: string;
  clinic_id: string | null;
  /** UTC with microseconds: 2026-11-27T19:40:35.123456Z */
  occurred_at: string;
  actor_user_id: string | null;
  actor_role: string | null;
  action: string;
  outcome: string;
  patient_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** The jsonb's text as the database prints it (keys sorted by jsonb). */
  details: string | null;
}

/** The event columns in the form `auditChainHash` takes. */
export const CHAINED_EVENT_COLUMNS = sql`e.id::text AS id, e.clinic_id::text AS clinic_id,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
  e.actor_user_id::text AS actor_user_id, e.actor_role, e.action, e.outcome, e.patient_id::text AS patient_id,
  e.entity_type, e.entity_id, e.ip, e.user_agent, e.details::text AS details`;

/**
 * The hash of an event at a position of its chain: SHA-256 (hex) of the JSON array of the previous
 * hash (null for the first position), the position and the event's columns, all as strings or null.
 * The database computes the same in `tend_audit_chain_hash` (0028).
 */
export function auditChainHash(previousHash: string | null, position: string, e: ChainedEvent): string {
  const canonical = JSON.stringify([
    previousHash,
    position,
    e.id,
    e.clinic_id,
    e.occurred_at,
    e.actor_user_id,
    e.actor_role,
    e.action,
    e.outcome,
    e.patient_id,
    e.entity_type,
    e.entity_id,
    e.ip,
    e.user_agent,
    e.details,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

type ChainRow = { position: string; event_id: string; hash: string } & (
  | ({ present: true } & ChainedEvent)
  | ({ present: false } & { [K in keyof ChainedEvent]: null })
);

function chainOf(column: SQL, clinicId: string | null): SQL {
  return clinicId === null ? sql`${column} IS NULL` : sql`${column} = ${clinicId}`;
}

export async function verifyAuditChain(
  db: Db,
  clinicId: string | null,
  options: { batchSize?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const result: AuditVerification = { ok: true, checked: 0, broken: 0, breaks: [], latest: null };
  const report = (found: AuditChainBreak) => {
    result.ok = false;
    result.broken += 1;
    if (result.breaks.length < LISTED_BREAKS) result.breaks.push(found);
  };
  // The last position and stored hash checked: where the next one continues from.
  let after = 0;
  let previousHash: string | null = null;
  for (;;) {
    const rows = await queryRows<ChainRow>(
      db,
      sql`SELECT c.seq::text AS position, c.event_id::text AS event_id, c.hash, e.id IS NOT NULL AS present,
            ${CHAINED_EVENT_COLUMNS}
          FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
          WHERE ${chainOf(sql`c.clinic_id`, clinicId)} AND c.seq > ${after}::bigint
          ORDER BY c.seq
          LIMIT ${batchSize}::int`,
    );
    for (const row of rows) {
      const position = Number(row.position);
      const id = row.event_id;
      if (position !== after + 1) report({ id, position, problem: 'missing' });
      else if (!row.present) report({ id, position, problem: 'removed' });
      else if (auditChainHash(previousHash, row.position, row) !== row.hash)
        report({ id, position, problem: 'changed' });
      after = position;
      previousHash = row.hash;
      result.latest = { id, position, hash: row.hash };
    }
    result.checked += rows.length;
    if (rows.length < batchSize) break;
  }
  // Every committed event is chained in its own transaction, so one in no chain was put there by hand.
  const unchained = await queryRows<{ id: string; total: number }>(
    db,
    sql`SELECT e.id::text AS id, count(*) OVER ()::int AS total FROM audit_events e
        WHERE ${chainOf(sql`e.clinic_id`, clinicId)}
          AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
        ORDER BY e.id LIMIT ${LISTED_BREAKS}::int`,
  );
  for (const row of unchained) report({ id: row.id, position: null, problem: 'unchained' });
  if (unchained.length) result.broken += unchained[0].total - unchained.length;
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

const PROBLEMS: Record<AuditChainBreak['problem'], string> = {
  changed: 'changed, or the event before it was',
  missing: 'events before it were removed',
  removed: 'this event was removed',
  unchained: 'in no chain: written outside Tend, or its place in the chain removed',
};

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
                `  event #${b.id}${b.position === null ? '' : ` (position ${n(b.position)})`}: ${PROBLEMS[b.problem]}`,
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
  const [row] = await queryRows<{ hash: string }>(
    db,
    sql`SELECT hash FROM audit_chain WHERE ${chainOf(sql`clinic_id`, anchor.clinicId)} AND seq = ${anchor.position}::bigint`,
  );
  if (!row) return 'gone';
  return row.hash === anchor.hash ? 'ok' : 'different';
}
