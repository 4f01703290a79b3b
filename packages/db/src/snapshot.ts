import pg from 'pg';

/**
 * Holds one repeatable-read, read-only transaction on a PostgreSQL server open while `fn` runs,
 * and gives it the exported snapshot's id: `pg_dump --snapshot` then dumps exactly what `run`
 * reads (a backup's row checksums and its dump are of the same instant).
 */
export async function withExportedSnapshot<T>(
  url: string,
  fn: (snapshotId: string, run: <R>(text: string) => Promise<R[]>) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
    const run = async <R>(text: string) => (await client.query(text)).rows as R[];
    const result = await fn(rows[0]?.id as string, run);
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end().catch(() => undefined);
  }
}
