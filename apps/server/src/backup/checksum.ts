/**
 * Per-table row counts and hashes of every row of the public schema, order-independent
 * ("rows:md5"): a backup's manifest holds them and a restore must reproduce them exactly; the
 * test suite compares two of them to prove a refused request changed nothing.
 */

/** Rows or columns left out of a checksum, each with its reason. */
export type ChecksumExclusions = Record<string, { columns?: readonly string[]; rows?: string; reason: string }>;

/** Runs one SQL text and returns its rows: a connection, a transaction or a PGlite transaction. */
export type RunSql = <T>(text: string) => Promise<T[]>;

/** The checksum query of the tables that exist now (one query: a consistent view of them all). */
export async function checksumSql(run: RunSql, excluded: ChecksumExclusions = {}): Promise<string> {
  const columns = await run<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) {
    const excludedTable = excluded[table_name];
    if (excludedTable && !excludedTable.columns && !excludedTable.rows) continue;
    if (excludedTable?.columns?.includes(column_name)) continue;
    byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  }
  const parts = [...byTable].map(([table, names]) => {
    const row = `md5(ROW(${names.map((name) => `t."${name}"`).join(', ')})::text)`;
    const filter = excluded[table]?.rows;
    return `SELECT '${table}' AS name, count(*) || ':' || md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) AS sum
              FROM "${table}" t${filter ? ` WHERE NOT (${filter})` : ''}`;
  });
  return parts.join('\nUNION ALL\n');
}

/** Every table's "rows:md5", by table name. */
export async function tableChecksums(run: RunSql, excluded: ChecksumExclusions = {}): Promise<Record<string, string>> {
  const rows = await run<{ name: string; sum: string }>(await checksumSql(run, excluded));
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The sequences' current values. They are not transactional: on PostgreSQL a backup reads them
 * just before pg_dump does, so a restored sequence is at or beyond the manifest's value.
 */
export async function sequenceValues(run: RunSql): Promise<Record<string, string>> {
  const rows = await run<{ name: string; value: string | null }>(
    `SELECT sequencename AS name, coalesce(last_value, 0)::text AS value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, String(row.value)]));
}
