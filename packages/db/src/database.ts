import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { is, type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, type PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
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
  /**
   * Runs `fn` unless another process sharing this database runs work of the same `name` right now
   * (then answers undefined without waiting). PostgreSQL: a session advisory lock held on one pooled
   * connection for as long as `fn` runs. Embedded: one process owns the database, so `fn` always runs.
   */
  withLockOrSkip<T>(name: string, fn: () => Promise<T>): Promise<T | undefined>;
  /**
   * Calls `onPayload` for every notification on `channel` (PostgreSQL LISTEN): on PostgreSQL from
   * every process sharing the database, embedded from this one. Notifications sent inside a
   * transaction arrive only when it commits. After a lost connection is re-established (PostgreSQL),
   * `onReconnect` is called: notifications sent meanwhile were missed. Returns a function that
   * stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
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
    withLockOrSkip: (_name, fn) => fn(),
    listen: (channel, onPayload) => client.listen(channel, onPayload),
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
  const listener = new PgListener(url);
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
    async withLockOrSkip(name, fn) {
      const client = await pool.connect();
      const key = [name];
      // A connection that could not give the lock back is closed, not pooled (closing frees it).
      let broken = false;
      try {
        const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', key);
        if (!rows[0].got) return undefined;
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', key).catch(() => {
            broken = true;
          });
        }
      } finally {
        client.release(broken);
      }
    },
    listen: (channel, onPayload, onReconnect) => listener.listen(channel, onPayload, onReconnect),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/**
 * A read-only pool on a PostgreSQL streaming replica (DATABASE_READ_URL), for reads that may be
 * a few seconds old (reports). Its sessions are read-only (`default_transaction_read_only`), so
 * nothing can be written through it even when the URL names a primary. It opens no connection
 * until used: a replica that is down does not stop the server from starting.
 */
export interface ReadReplica {
  readonly db: Db;
  /** Whether it answers, and how far its replay is behind the primary (approximately, in seconds and bytes). */
  status(): Promise<ReplicaStatus>;
  close(): Promise<void>;
}

export type ReplicaStatus =
  | {
      available: true;
      /** In recovery (a standby); false when DATABASE_READ_URL names a server that is not a replica. */
      standby: boolean;
      /** WAL the primary had written that the replica has not replayed yet (0: caught up, or not a standby). */
      lagBytes: number;
      /**
       * 0 when caught up, else at most this many seconds of the primary's changes are missing on the
       * replica: the time since the primary was last seen at a WAL position the replica has replayed.
       */
      lagSeconds: number;
      /** The commit time of the last transaction it replayed: its data is as of then (null: none since it started). */
      replayedAt: Date | null;
    }
  | { available: false; error: string };

/** The primary of each read replica's pool. */
const primaries = new WeakMap<Db, Db>();

/** When `db` is a read replica's pool (where nothing can be stored), its primary's. */
export function primaryOf(db: Db): Db | undefined {
  return primaries.get(db);
}

/** A replica that does not answer within this is unavailable: connecting, or its status query. */
const REPLICA_CHECK_TIMEOUT_MS = 3_000;
/** A query on the replica (a report) that runs longer is cancelled; the report then reads the primary. */
export const REPLICA_QUERY_TIMEOUT_MS = 30_000;
/** How long the primary's WAL positions are remembered to tell how far behind the replica is. */
const WAL_HISTORY_MS = 10 * 60_000;

/** A WAL position (`16/B374D848`) as a number of bytes. */
function lsnBytes(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** A query that gives up after REPLICA_CHECK_TIMEOUT_MS (node-postgres has it; its types do not declare it). */
function checkQuery(text: string): pg.QueryConfig {
  const config: pg.QueryConfig & { query_timeout: number } = { text, query_timeout: REPLICA_CHECK_TIMEOUT_MS };
  return config;
}

/** A read-only pool on `url`, a streaming replica of `primary`. */
export function openReadReplica(url: string, primary: Db, poolSize = 4): ReadReplica {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A replica that is unreachable must not hold a report up: the caller falls back to the primary.
    connectionTimeoutMillis: REPLICA_CHECK_TIMEOUT_MS,
    // Client-side too: a replica whose packets are dropped would otherwise hold a query for minutes.
    query_timeout: REPLICA_QUERY_TIMEOUT_MS + 1_000,
    // Read-only, set on each new connection rather than as a startup parameter, which a URL's own
    // `?options=` would replace and a pooler may refuse or drop: nothing can be written through
    // this pool even when the URL names a primary by mistake.
    onConnect: (client) =>
      client.query(
        checkQuery(
          `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${REPLICA_QUERY_TIMEOUT_MS}`,
        ),
      ),
  });
  pool.on('error', () => {
    // An idle client lost its connection (the replica restarted); the pool replaces it.
  });
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  primaries.set(db, primary);
  // The primary's WAL position at each check (its clock, ms), oldest first: the replica has all the
  // primary had at a time once it has replayed the position of then.
  const history: { at: number; lsn: bigint }[] = [];
  return {
    db,
    async status() {
      try {
        // The primary first: WAL it writes while the replica is asked counts from the next check.
        const [now] = await queryRows<{ lsn: string; atMs: number }>(
          primary,
          sql`SELECT pg_current_wal_lsn()::text AS lsn, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS "atMs"`,
        );
        const {
          rows: [replica],
        } = await pool.query<{ standby: boolean; lsn: string; replayedMs: number | null }>(
          checkQuery(`SELECT pg_is_in_recovery() AS standby,
                             coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text AS lsn,
                             (extract(epoch FROM pg_last_xact_replay_timestamp()) * 1000)::float8 AS "replayedMs"`),
        );
        const replayedAt = replica.replayedMs === null ? null : new Date(replica.replayedMs);
        const replayed = lsnBytes(replica.lsn);
        const current = { at: now.atMs, lsn: lsnBytes(now.lsn) };
        while (history.length && (history[0].at < current.at - WAL_HISTORY_MS || history[0].lsn > current.lsn)) {
          history.shift();
        }
        // Not a standby (promoted, or a copy): its data is frozen as of whenever it stopped replaying.
        const behind = replica.standby && current.lsn > replayed ? current.lsn - replayed : 0n;
        let lagMs = 0;
        if (behind > 0n) {
          // A short moment of WAL in flight on a quiet night is not hours of lag: the replica lacks at
          // most what the primary wrote since the last check whose position it has replayed.
          const seen = history.findLast((sample) => sample.lsn <= replayed);
          lagMs = seen
            ? current.at - seen.at
            : replayedAt
              ? current.at - replayedAt.getTime()
              : current.at - (history[0]?.at ?? current.at);
        }
        history.push(current);
        return {
          available: true,
          standby: replica.standby,
          lagBytes: Number(behind),
          lagSeconds: Math.max(0, Math.round(lagMs / 1000)),
          replayedAt,
        };
      } catch (error) {
        return { available: false, error: (error as Error).message };
      }
    },
    close: () => pool.end(),
  };
}

/**
 * One dedicated connection per process for LISTEN (a pooled one would be handed to others).
 * When the connection drops it reconnects with back-off and listens again; notifications sent
 * while it was down are lost, so the `onReconnect` callbacks let callers refresh what they show.
 */
class PgListener {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly reconnected = new Set<() => void>();
  private everConnected = false;
  private closed = false;
  private retryMs = 250;

  constructor(private readonly url: string) {}

  async listen(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Invalid channel name: ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      const client = await this.connection();
      await client.query(`LISTEN ${channel}`);
    }
    set.add(onPayload);
    if (onReconnect) this.reconnected.add(onReconnect);
    return async () => {
      set.delete(onPayload);
      if (onReconnect) this.reconnected.delete(onReconnect);
      if (set.size === 0 && this.handlers.get(channel) === set) {
        this.handlers.delete(channel);
        await this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
      }
    };
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => this.reconnect(), this.retryMs).unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    this.client = client;
    this.retryMs = 250;
    if (this.everConnected) for (const callback of this.reconnected) callback();
    this.everConnected = true;
    return client;
  }

  private reconnect(): void {
    if (this.closed || this.client || this.handlers.size === 0) return;
    this.connection().catch(() => {
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
      setTimeout(() => this.reconnect(), this.retryMs).unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.handlers.clear();
    await client?.end().catch(() => undefined);
  }
}

/** Sends a notification; inside a transaction it is delivered only if the transaction commits. */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await db.execute(sql`SELECT pg_notify(${channel}, ${payload})`);
}

/** Rows of a raw query, on either driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * `queryRows` in a transaction of its own with JIT compilation off. For report queries whose
 * estimated cost crosses `jit_above_cost` (a subquery per row is priced for every row the planner
 * cannot rule out) while they run in a fraction of a second: compiling them took 0.2–1.1 s, more
 * than running them, on the bench network. Given a transaction it is a plain `queryRows`: a setting
 * made in a savepoint would last to the end of the caller's transaction.
 */
export async function queryRowsWithoutJit<T>(db: Db, query: SQL): Promise<T[]> {
  if (is(db, PgTransaction)) return queryRows<T>(db, query);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL jit = off`);
    return queryRows<T>(tx, query);
  });
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
