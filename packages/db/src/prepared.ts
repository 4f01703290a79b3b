import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './database';

const byDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query of a hot path built once per database instead of once per call: `build` makes it with
 * `sql.placeholder(…)` for what changes between calls, `prepared` prepares it and keeps it for this
 * `db` under `name` (unique per query). Building a query (its SQL text, its selection) is most of
 * drizzle's CPU on a simple read; a prepared one only fills its parameters and maps its rows.
 *
 * The statement stays unnamed on the wire (PostgreSQL parses it on each call, like every other query):
 * a named one would outlive a migration that changes the type of a column it selects — a server of
 * the previous release in a rolling upgrade would then get "cached plan must not change result
 * type" (0A000) on that connection for good, since node-postgres never parses a name twice.
 *
 * A query made on a transaction runs in it, so in a transaction it is built each time (not kept).
 */
export function prepared<P>(db: Db, name: string, build: (db: Db) => { prepare(name: string): P }): P {
  if (is(db, PgTransaction)) return build(db).prepare('');
  let queries = byDb.get(db);
  if (!queries) {
    queries = new Map();
    byDb.set(db, queries);
  }
  let query = queries.get(name) as P | undefined;
  if (query === undefined) {
    query = build(db).prepare('');
    queries.set(name, query);
  }
  return query;
}
