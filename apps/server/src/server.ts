import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { type Database, migrate, openDatabase, openReadReplica, type ReadReplica } from '@tend/db';
import type { FastifyInstance } from 'fastify';
import { startBackupScheduler } from './backup/scheduler';
import { failureReason } from './backup/service';
import type { Config } from './config';
import { checkSecretKey } from './email/secret-box';
import { buildApp } from './http/app';
import { releaseOrphanedClaims, startOutboxWorker } from './messaging/outbox';
import { ReplicaReads } from './reports/reads';
import { warmReportRollups } from './reports/warm';

/** What a running Tend process leaves in its data folder so others know it owns it. */
export interface DataDirLock {
  pid: number;
  port?: number;
  secret?: string;
  /** The server speaks HTTPS (TEND_TLS_CERT): the command line connects with TLS. */
  tls?: boolean;
}

export function lockPath(dataDir: string): string {
  return join(dataDir, 'tend.lock.json');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of another live process on this data folder, if any (a stale one is ignored). */
export function readLiveLock(dataDir: string): DataDirLock | null {
  const path = lockPath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const lock = JSON.parse(readFileSync(path, 'utf8')) as DataDirLock;
    return lock.pid !== process.pid && isAlive(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

/** Takes the embedded data folder for this process, or explains who has it. */
export function acquireDataDirLock(dataDir: string, lock: Omit<DataDirLock, 'pid'>): () => void {
  mkdirSync(dataDir, { recursive: true });
  const holder = readLiveLock(dataDir);
  if (holder) {
    throw new Error(
      holder.port
        ? `Another Tend server (process ${holder.pid}, port ${holder.port}) is using the data folder ${dataDir}. Stop it first, or use another TEND_DATA_DIR.`
        : `Another Tend command (process ${holder.pid}) is using the data folder ${dataDir}. Wait for it to finish.`,
    );
  }
  const path = lockPath(dataDir);
  // A lock left by a process that is gone is replaced; creating with 'wx' makes the claim
  // atomic, so of two processes starting at once only one gets the folder.
  rmSync(path, { force: true });
  try {
    writeFileSync(path, JSON.stringify({ pid: process.pid, ...lock }), { mode: 0o600, flag: 'wx' });
  } catch {
    throw new Error(`Another Tend process claimed the data folder ${dataDir} at the same moment. Try again.`);
  }
  chmodSync(path, 0o600);
  return () => {
    try {
      const current = JSON.parse(readFileSync(path, 'utf8')) as DataDirLock;
      if (current.pid === process.pid) rmSync(path);
    } catch {
      // Already gone.
    }
  };
}

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
}

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

/** The certificate and key of TEND_TLS_CERT / TEND_TLS_KEY, checked to be readable and a pair. */
export function readTls(tls: NonNullable<Config['tls']>): { cert: Buffer; key: Buffer } {
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`${name} names a file that cannot be read: ${path} (${(error as NodeJS.ErrnoException).code}).`);
    }
  };
  const pair = { cert: read('TEND_TLS_CERT', tls.certFile), key: read('TEND_TLS_KEY', tls.keyFile) };
  let matches: boolean;
  try {
    createSecureContext(pair);
    // The first certificate of the file is the server's own; the key must be its key.
    matches = new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key));
  } catch (error) {
    throw new Error(
      `TEND_TLS_CERT and TEND_TLS_KEY must be a PEM certificate and its private key (${(error as Error).message}).`,
    );
  }
  if (!matches) throw new Error('TEND_TLS_KEY is not the private key of the certificate in TEND_TLS_CERT.');
  return pair;
}

/** Opens the database, applies migrations and serves Tend until stopped. */
export async function startServer(config: Config): Promise<RunningServer> {
  const https = config.tls ? readTls(config.tls) : undefined;
  const embedded = !config.databaseUrl;
  const cliSecret = embedded ? randomBytes(32).toString('hex') : null;
  // Claim the folder before opening it (PGlite must not be opened twice); the port comes later.
  const release = embedded ? acquireDataDirLock(config.dataDir, {}) : () => undefined;
  let database: Database | undefined;
  let replica: ReadReplica | undefined;
  try {
    database = await openConfiguredDatabase(config);
    const ran = await migrate(database);
    // Several servers on one database must share the key that seals and signs: refused otherwise.
    await checkSecretKey(database.db, config);
    replica = config.databaseReadUrl ? openReadReplica(config.databaseReadUrl, database.db) : undefined;
    const replicaReads = replica ? new ReplicaReads(database.db, replica) : undefined;
    const app = await buildApp(
      { database, config, cliSecret, ...(replicaReads ? { replica: replicaReads } : {}) },
      { logLevel: config.logLevel, https },
    );
    if (ran.length) app.log.info({ migrations: ran }, 'migrations applied');
    await app.listen({ port: config.port, host: config.host });
    // Checked in the background from now on (not awaited: a replica that is down does not keep Tend
    // from starting); reports and health go by its last check.
    void replicaReads?.start(app.log);
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    if (embedded && cliSecret) {
      // Still ours: now it also tells the command line where to find this server.
      const lock: DataDirLock = { pid: process.pid, port, secret: cliSecret, ...(https ? { tls: true } : {}) };
      writeFileSync(lockPath(config.dataDir), JSON.stringify(lock), { mode: 0o600 });
    }
    const url = `${https ? 'https' : 'http'}://localhost:${port}`;
    const db = database;
    if (embedded) {
      const released = await releaseOrphanedClaims(db.db);
      if (released)
        app.log.warn({ messages: released }, 'messages left in delivery by a stopped process are due again');
    }
    // Delivers the outbox (reminders, texts) while the server runs. Errors are logged without a
    // message's text or recipient: only what went wrong.
    const worker = startOutboxWorker(db.db, config, {
      intervalMs: config.outboxIntervalMs,
      onError: (error) =>
        app.log.error(
          {
            err: { type: error instanceof Error ? error.name : typeof error, code: (error as { code?: string })?.code },
          },
          'the outbox worker failed a pass; it tries again at the next interval',
        ),
    });
    // Backs up by itself (embedded database: hourly by default), keeping its newest files.
    const backups = startBackupScheduler(db, config, {
      onBackup: ({ file, bytes, pruned }) =>
        app.log.info({ file: basename(file), bytes, pruned: pruned.length }, 'scheduled backup written'),
      onError: (error) =>
        app.log.error(
          { err: { type: error instanceof Error ? error.name : typeof error }, reason: failureReason(error) },
          'the scheduled backup failed (recorded in backup_runs); it tries again at the next interval',
        ),
    });
    // Stores the reports' per-day sums of the last two years, so the first report opened is fast.
    // One server at a time does it: the others of a network find it taken and skip it.
    let stopping = false;
    const warming = db
      .withLockOrSkip('tend:warm-report-rollups', () => warmReportRollups(db.db, () => stopping))
      .then(
        (runs) =>
          runs === undefined
            ? app.log.info('report rollups are being warmed by another server')
            : app.log.info({ runs }, 'report rollups warmed'),
        (error) =>
          app.log.error(
            { err: { type: error instanceof Error ? error.name : typeof error } },
            'warming the report rollups failed; reports compute their days when first opened',
          ),
      );
    return {
      app,
      database: db,
      url,
      async stop() {
        stopping = true;
        // At once: stop taking connections (the listening socket closes; a request on a kept-alive
        // connection is answered 503) while the requests in flight finish and live-update streams
        // end (they are not waited on). Meanwhile the outbox worker finishes its pass, a backup in
        // progress finishes and the rollup warming stops between days. The database closes last,
        // under nobody.
        await Promise.all([app.close(), worker.stop(), backups.stop(), warming]);
        await replicaReads?.stop();
        await replica?.close();
        await db.close();
        release();
      },
    };
  } catch (error) {
    await replica?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    release();
    throw error;
  }
}
