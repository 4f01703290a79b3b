import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { type Database, type Db, newId, queryRows, schema, withExportedSnapshot } from '@tend/db';
import { AppError } from '@tend/domain';
import { desc, eq, sql } from 'drizzle-orm';
import type { Config } from '../config';
import { type RunSql, sequenceValues, tableChecksums } from './checksum';

export type BackupEngine = 'pglite' | 'postgres';
export type BackupKind = 'manual' | 'scheduled';

/** What `tend restore` checks a backup against: written next to it as `<file>.manifest.json`. */
export interface BackupManifest {
  format: 'tend-backup/1';
  engine: BackupEngine;
  /** The backup file's name (it may be moved, with its manifest, to another folder). */
  file: string;
  createdAt: string;
  bytes: number;
  sha256: string;
  /** The applied migrations, in order. */
  migrations: string[];
  /** Every table of the public schema: "rows:md5 of the rows", taken of the same instant as the dump. */
  tables: Record<string, string>;
  sequences: Record<string, string>;
  /** PostgreSQL: the pg_dump that wrote it (pg_restore must be at least this version). */
  pgDump?: string;
  /** The backup_runs row of this backup (it is in the backup as "running"). */
  runId: string;
}

export interface BackupResult {
  runId: string;
  file: string;
  manifestFile: string;
  bytes: number;
  sha256: string;
  tables: number;
  rows: number;
}

const EXTENSION: Record<BackupEngine, string> = { pglite: 'tar.gz', postgres: 'dump' };

/** Files the scheduler made, and only those: retention never touches anything else in the folder. */
const SCHEDULED_FILE = /^tend-(pglite|postgres)-\d{8}T\d{6}Z-scheduled\.(tar\.gz|dump)$/;

export const manifestPath = (file: string) => `${file}.manifest.json`;

export function engineOf(database: Database): BackupEngine {
  return database.kind === 'embedded' ? 'pglite' : 'postgres';
}

/** `tend-pglite-20261127T224600Z.tar.gz`; the scheduler's end in `-scheduled`. */
export function backupFileName(engine: BackupEngine, at: Date, kind: BackupKind): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `tend-${engine}-${stamp}${kind === 'scheduled' ? '-scheduled' : ''}.${EXTENSION[engine]}`;
}

export const formatBytes = (bytes: number) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Takes a consistent backup of the whole installation: the embedded database's data folder
 * (PGlite runs one transaction at a time: the dump is taken inside one, with nothing else
 * running) or `pg_dump -Fc` of an exported snapshot. Writes it with mode 0600 (patient data),
 * its manifest beside it, and records the run in backup_runs.
 */
export async function createBackup(
  database: Database,
  config: Pick<Config, 'backupDir' | 'databaseUrl'>,
  options: { kind: BackupKind; out?: string; now?: Date; runId?: string },
): Promise<BackupResult> {
  const engine = engineOf(database);
  const now = options.now ?? new Date();
  const file = resolve(options.out ?? join(config.backupDir, backupFileName(engine, now, options.kind)));
  const exists = async () => {
    if (await stat(file).catch(() => null)) {
      throw AppError.validation([
        { path: 'out', message: `${file} already exists: Tend does not overwrite a backup.` },
      ]);
    }
  };
  if (!options.runId) await exists();
  const runId = options.runId ?? newId();
  if (!options.runId) {
    await database.db
      .insert(schema.backupRuns)
      .values({ id: runId, kind: options.kind, engine, status: 'running', file });
  }
  const partial = `${file}.partial`;
  let wroteManifest = false;
  try {
    await exists();
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const taken = engine === 'pglite' ? await dumpEmbedded(database, partial) : await dumpPostgres(config, partial);
    const manifest: BackupManifest = {
      format: 'tend-backup/1',
      engine,
      file: basename(file),
      createdAt: now.toISOString(),
      bytes: taken.bytes,
      sha256: taken.sha256,
      migrations: taken.migrations,
      tables: taken.tables,
      sequences: taken.sequences,
      ...(taken.pgDump ? { pgDump: taken.pgDump } : {}),
      runId,
    };
    await writeFile(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    wroteManifest = true;
    await rename(partial, file);
    await database.db
      .update(schema.backupRuns)
      .set({ status: 'ok', finishedAt: new Date(), bytes: taken.bytes, sha256: taken.sha256 })
      .where(eq(schema.backupRuns.id, runId));
    const rows = Object.values(taken.tables).reduce((sum, value) => sum + Number(value.split(':')[0]), 0);
    return {
      runId,
      file,
      manifestFile: manifestPath(file),
      bytes: taken.bytes,
      sha256: taken.sha256,
      tables: Object.keys(taken.tables).length,
      rows,
    };
  } catch (error) {
    await database.db
      .update(schema.backupRuns)
      .set({ status: 'failed', finishedAt: new Date(), error: failureReason(error) })
      .where(eq(schema.backupRuns.id, runId))
      .catch(() => undefined);
    // Best effort: the folder may be what failed.
    await rm(partial, { force: true }).catch(() => undefined);
    if (wroteManifest) await rm(manifestPath(file), { force: true }).catch(() => undefined);
    throw error;
  }
}

/** What a failed run records: the message only (a tool's error names files and tables, never patients' data). */
export function failureReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}

interface Taken {
  bytes: number;
  sha256: string;
  migrations: string[];
  tables: Record<string, string>;
  sequences: Record<string, string>;
  pgDump?: string;
}

async function describe(run: RunSql): Promise<Omit<Taken, 'bytes' | 'sha256'>> {
  const migrations = (await run<{ name: string }>('SELECT name FROM tend_migrations ORDER BY name')).map((r) => r.name);
  return { migrations, tables: await tableChecksums(run), sequences: await sequenceValues(run) };
}

async function dumpEmbedded(database: Database, path: string): Promise<Taken> {
  const pglite = database.pglite;
  if (!pglite) throw new Error('The embedded database has no PGlite instance to dump.');
  // Inside one transaction nothing else runs (PGlite serialises transactions), so the checksums
  // and the data folder's dump are of the same instant.
  const { described, dump } = await pglite.transaction(async (tx) => {
    const run: RunSql = async (text) => (await tx.query(text)).rows as never[];
    const described = await describe(run);
    return { described, dump: await pglite.dumpDataDir('gzip') };
  });
  const bytes = Buffer.from(await dump.arrayBuffer());
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
  return { ...described, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The URL without its password, which goes to the tool through PGPASSWORD (not its command line). */
export function toolConnection(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** Runs a PostgreSQL client tool; stdout goes to `stdoutTo` when given. */
export function runTool(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdoutTo?: NodeJS.WritableStream,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (stdoutTo) child.stdout.pipe(stdoutTo);
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(`${tool} was not found: install the PostgreSQL client tools (the server's version or newer).`)
          : error,
      ),
    );
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr: stderr.trim() }));
  });
}

/** The major version of a client tool ("pg_dump (PostgreSQL) 15.20" → 15). */
export async function toolVersion(tool: string): Promise<{ text: string; major: number }> {
  const { stdout } = await runTool(tool, ['--version'], process.env);
  const match = /\(PostgreSQL\)\s+((\d+)(?:\.\d+)*)/.exec(stdout);
  if (!match) throw new Error(`${tool} --version said "${stdout.trim()}": not a PostgreSQL tool.`);
  return { text: match[1] as string, major: Number(match[2]) };
}

async function dumpPostgres(config: Pick<Config, 'databaseUrl'>, path: string): Promise<Taken> {
  if (!config.databaseUrl) throw new Error('A PostgreSQL backup needs DATABASE_URL.');
  const pgDump = await toolVersion('pg_dump');
  const connection = toolConnection(config.databaseUrl);
  return withExportedSnapshot(config.databaseUrl, async (snapshot, run) => {
    const [server] = await run<{ v: string }>('SHOW server_version_num');
    const serverMajor = Math.floor(Number(server?.v) / 10000);
    if (pgDump.major < serverMajor) {
      throw new Error(
        `pg_dump is version ${pgDump.major} but the server runs PostgreSQL ${serverMajor}: install pg_dump ${serverMajor} or newer.`,
      );
    }
    // Read before pg_dump starts: the same snapshot for the rows; sequences only move forward.
    const described = await describe(run);
    const hash = createHash('sha256');
    let bytes = 0;
    const out = createWriteStream(path, { mode: 0o600, flags: 'wx' });
    const written = new Promise<void>((ok, fail) => {
      out.on('finish', ok);
      out.on('error', fail);
    });
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    counter.pipe(out);
    const result = await runTool(
      'pg_dump',
      ['--format=custom', '--no-password', `--snapshot=${snapshot}`, `--dbname=${connection.url}`],
      connection.env,
      counter,
    );
    await written;
    if (result.code !== 0) throw new Error(`pg_dump failed: ${result.stderr || `exit code ${result.code}`}`);
    return { ...described, bytes, sha256: hash.digest('hex'), pgDump: pgDump.text };
  });
}

/** Deletes the scheduler's own backups beyond the newest `keep` (with their manifests); returns their names. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  if (keep <= 0) return [];
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => SCHEDULED_FILE.test(name));
  // The name holds the UTC time: newest first by name.
  const old = names.sort().reverse().slice(keep);
  for (const name of old) {
    await rm(join(dir, name), { force: true });
    await rm(manifestPath(join(dir, name)), { force: true });
  }
  return old;
}

export interface BackupRunView {
  id: string;
  kind: BackupKind;
  engine: BackupEngine;
  status: 'running' | 'ok' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  error: string | null;
}

/** The newest runs, or the one run `id`. */
export async function listBackupRuns(db: Db, options: { limit?: number; id?: string } = {}): Promise<BackupRunView[]> {
  const rows = await db
    .select()
    .from(schema.backupRuns)
    .where(options.id ? eq(schema.backupRuns.id, options.id) : undefined)
    .orderBy(desc(schema.backupRuns.startedAt))
    .limit(options.limit ?? 20);
  return rows.map((row) => ({
    ...row,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

/**
 * Runs left "running" by a server that stopped in the middle of one (the embedded database has
 * one server: any running row at its start is such a run).
 */
export async function markInterruptedRuns(db: Db): Promise<void> {
  await db
    .update(schema.backupRuns)
    .set({ status: 'failed', finishedAt: new Date(), error: 'The server stopped before the backup finished.' })
    .where(eq(schema.backupRuns.status, 'running'));
}

/** When the latest scheduled run started (whatever became of it). */
export async function lastScheduledStart(db: Db): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | string | null }>(
    db,
    sql`SELECT max(started_at) AS at FROM backup_runs WHERE kind = 'scheduled'`,
  );
  return row?.at ? new Date(row.at) : null;
}
