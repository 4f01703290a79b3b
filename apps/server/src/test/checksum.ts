import { type Db, queryRows } from '@tend/db';
import { type SQL, sql } from 'drizzle-orm';
import { type ChecksumExclusions, checksumSql, type RunSql } from '../backup/checksum';

/**
 * What a refused request may legitimately change, left out of the checksum — each with its reason.
 * Everything else in every table of the public schema must be byte-for-byte the same.
 */
const AUDIT_LEFT_OUT =
  "outcome = 'failure' OR action LIKE '%.read' OR action LIKE '%.print' OR action LIKE '%.export' OR action IN ('patient.search', 'payment.receipt', 'patient.duplicate_warning', 'disclosure.report', 'offline.copy')";

export const CHECKSUM_EXCLUDED: ChecksumExclusions = {
  audit_events: {
    // Refusals are recorded (failed sign-ins, denied access), and so are reads of patient data.
    rows: AUDIT_LEFT_OUT,
    reason:
      'refusals are audited as failures, and reads of patient data (a read, a search, a printout, an export, a report of disclosures, an offline copy) as reads, and a registration refused as a likely duplicate records the warning shown; every other row is compared',
  },
  audit_chain: {
    rows: `event_id IN (SELECT id FROM audit_events WHERE ${AUDIT_LEFT_OUT})`,
    reason: 'the hash chain places every audit row (0028): the places of the rows left out above',
  },
  report_day_rollups: {
    reason:
      'a cache of report sums per day, filled when a report first reads a day (0021); the ledger it sums is compared',
  },
  report_month_rollups: {
    reason: 'the same cache merged per month, filled when a report first sums a whole month (0052)',
  },
  auth_throttle: { reason: 'failed sign-ins are counted per client address (the brute-force limit)' },
  users: {
    columns: ['failed_sign_ins', 'locked_until'],
    reason: 'a wrong password counts towards the account lockout',
  },
  sessions: { columns: ['last_seen_at'], reason: 'every authenticated request, refused or not, is activity' },
  api_tokens: { columns: ['last_used_at'], reason: 'every request with the token is a use of it' },
};

const queries = new WeakMap<Db, SQL>();

/**
 * Per-table hashes of every row (order-independent, "rows:md5"), in one query so a test can take
 * one after each request; compare two with `expect(after).toEqual(before)`: a difference names the table.
 */
export async function dbChecksum(db: Db): Promise<Record<string, string>> {
  const run: RunSql = (text) => queryRows(db, sql.raw(text));
  let query = queries.get(db);
  if (!query) {
    query = sql.raw(await checksumSql(run, CHECKSUM_EXCLUDED));
    queries.set(db, query);
  }
  const rows = await queryRows<{ name: string; sum: string }>(db, query);
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}
