import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './database';

const byDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query of a hot path built once per database instead of once per call: `build` makes it with
 * drizzle's `.prepare(name)` and `sql.placeholder(…)` for what changes between calls, and the
 * result is kept for this `db`. Building a query (its SQL text, its selection) is most of
 * drizzle's CPU on a simple read; a prepared one only fills its parameters and maps its rows. On
 * PostgreSQL the name also makes it a named statement, parsed once per pooled connection.
 *
 * A prepared query runs on the connection it was made on: in a transaction it is built on the
 * transaction each time (not kept), so it still runs inside it. `name` must be unique per query.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  if (is(db, PgTransaction)) return build(db);
  let queries = byDb.get(db);
  if (!queries) {
    queries = new Map();
    byDb.set(db, queries);
  }
  let query = queries.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db);
    queries.set(name, query);
  }
  return query;
}
