import { type Db, queryRows } from '@tend/db';
import { type SQL, sql } from 'drizzle-orm';

/**
 * What a refused request may legitimately change, left out of the checksum — each with its reason.
 * Everything else in every table of the public schema must be byte-for-byte the same.
 */
const AUDIT_LEFT_OUT =
  "outcome = 'failure' OR action LIKE '%.read' OR action LIKE '%.print' OR action LIKE '%.export' OR action IN ('patient.search', 'payment.receipt', 'patient.duplicate_warning', 'disclosure.report', 'offline.copy')";

export const CHECKSUM_EXCLUDED: Record<string, { columns?: readonly string[]; rows?: string; reason: string }> = {
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
  let query = queries.get(db);
  if (!query) {
    query = await checksumQuery(db);
    queries.set(db, query);
  }
  const rows = await queryRows<{ name: string; sum: string }>(db, query);
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}

async function checksumQuery(db: Db): Promise<SQL> {
  const columns = await queryRows<{ table_name: string; column_name: string }>(
    db,
    sql`SELECT c.table_name, c.column_name
          FROM information_schema.columns c
          JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    const excluded = CHECKSUM_EXCLUDED[table_name];
    if (excluded && !excluded.columns && !excluded.rows) continue;
    if (excluded?.columns?.includes(column_name)) continue;
    byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  }
  const parts = [...byTable].map(([table, names]) => {
    const row = `md5(ROW(${names.map((name) => `t."${name}"`).join(', ')})::text)`;
    const filter = CHECKSUM_EXCLUDED[table]?.rows;
    return `SELECT '${table}' AS name, count(*) || ':' || md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) AS sum
              FROM "${table}" t${filter ? ` WHERE NOT (${filter})` : ''}`;
  });
  return sql.raw(parts.join('\nUNION ALL\n'));
}
