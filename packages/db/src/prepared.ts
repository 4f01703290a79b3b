import { is } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db } from './database';

/** Each name's builder: one query per name, whatever module defines it. */
const builders = new Map<string, unknown>();
const byDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * A query of a hot path built once per database instead of once per call: `build` makes it with
 * `sql.placeholder(…)` for what changes between calls; the function returned prepares it and keeps
 * it for each `db` under `name`. Building a query (its SQL text, its selection) is most of drizzle's
 * CPU on a simple read; a prepared one only fills its parameters and maps its rows.
 *
 * Defined once, where the module is loaded: a second definition under a name already taken throws
 * then (at start-up), since two queries of one name would otherwise share one prepared query — the
 * first one built for that database.
 *
 * The statement stays unnamed on the wire (PostgreSQL parses it on each call, like every other query):
 * a named one would outlive a migration that changes the type of a column it selects — a server of
 * the previous release in a rolling upgrade would then get "cached plan must not change result
 * type" (0A000) on that connection for good, since node-postgres never parses a name twice.
 *
 * A query made on a transaction runs in it, so in a transaction it is built each time (not kept).
 */
export function prepared<P>(name: string, build: (db: Db) => { prepare(name: string): P }): (db: Db) => P {
  const taken = builders.get(name);
  if (taken !== undefined && taken !== build) {
    throw new Error(`Two prepared queries are named '${name}': give each its own name.`);
  }
  builders.set(name, build);
  return (db) => {
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
  };
}
