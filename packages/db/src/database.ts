import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** A connection or a transaction: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  /** `embedded` is PGlite in a data folder (or in memory); `postgres` is a PostgreSQL server. */
  readonly kind: 'embedded' | 'postgres';
  readonly db: Db;
  /** Runs a multi-statement SQL script (a migration) in one transaction. */
  execScript(script: string): Promise<void>;
  /** Runs `fn` holding an exclusive lock across all processes sharing this database. */
  withExclusiveLock<T>(fn: () => Promise<T>): Promise<T>;
  /** The PGlite instance, for embedded databases (fixtures dump and clone it). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` for a PostgreSQL server. Without it, the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Data folder of the embedded database; omitted means in memory (tests). */
  dataDir?: string | undefined;
  /** A data-folder tarball to start the embedded database from (test fixtures). */
  loadDataDir?: Blob | File | undefined;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

export const PGLITE_EXTENSIONS = { pg_trgm, btree_gist };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10);
  return openEmbedded(options.dataDir, options.loadDataDir);
}

async function openEmbedded(dataDir: string | undefined, loadDataDir: Blob | File | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, { extensions: PGLITE_EXTENSIONS, loadDataDir });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: 'embedded',
    db,
    pglite: client,
    async execScript(script) {
      await client.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
    // One process owns the data folder, and PGlite runs one transaction at a time.
    withExclusiveLock: (fn) => fn(),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Nothing to do here.
  });
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    db,
    async execScript(script) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async withExclusiveLock(fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(7364)');
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(7364)').catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Rows of a raw query, on either driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The SQLSTATE of a database error, through drizzle's wrapping. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (typeof current === 'object' && current !== null && 'code' in current) {
      const code = (current as { code: unknown }).code;
      if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    }
    current = typeof current === 'object' && current !== null ? (current as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}

/** The constraint a database error names, if any. */
export function sqlConstraint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (typeof current === 'object' && current !== null && 'constraint' in current) {
      const constraint = (current as { constraint: unknown }).constraint;
      if (typeof constraint === 'string') return constraint;
    }
    current = typeof current === 'object' && current !== null ? (current as { cause?: unknown }).cause : undefined;
  }
  return undefined;
}
