import { createHash } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, openDatabase, queryRows, schema } from '@tend/db';
import { AppError } from '@tend/domain';
import { and, eq, sql } from 'drizzle-orm';
import { verifyAllAuditChains } from '../audit/verify';
import type { Config } from '../config';
import { acquireDataDirLock, lockPath } from '../server';
import { type RunSql, sequenceValues, tableChecksums } from './checksum';
import { type BackupManifest, formatBytes, manifestPath, runTool, toolConnection } from './service';

export const RESTORE_USAGE = `tend restore FILE [--data-dir DIR | --database-url URL]`;

export type RestoreTarget = { dataDir: string } | { databaseUrl: string };

/** `tend restore`: never handed to a running server (it writes a new database, not the server's). */
export async function restoreCommand(argv: string[], config: Pick<Config, 'dataDir' | 'databaseUrl'>): Promise<string> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw AppError.validation([], `${(error as Error).message}\n\nUsage: ${RESTORE_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw AppError.validation([], `Say which backup to restore.\n\nUsage: ${RESTORE_USAGE}`);
  }
  if (values['data-dir'] && values['database-url']) {
    throw AppError.validation([
      { path: 'databaseUrl', message: 'Restore into a data folder or a database, not both.' },
    ]);
  }
  const target: RestoreTarget = values['data-dir']
    ? { dataDir: resolve(values['data-dir']) }
    : values['database-url']
      ? { databaseUrl: values['database-url'] }
      : config.databaseUrl
        ? { databaseUrl: config.databaseUrl }
        : { dataDir: config.dataDir };
  const { ok, report } = await restoreBackup(resolve(positionals[0] as string), target);
  if (!ok) throw new AppError('conflict', report);
  return report;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
}

/**
 * Restores a backup into an empty database and checks it against the backup's manifest: the
 * file's SHA-256 first (nothing is written for a damaged file), then after loading the applied
 * migrations, every table's row count and row checksum, the sequences and the audit log's chains.
 * `ok` is false when anything differs; the report names what.
 */
export async function restoreBackup(file: string, target: RestoreTarget): Promise<{ ok: boolean; report: string }> {
  const started = performance.now();
  const manifest = await readManifest(file);
  const lines = [await checkFile(file, manifest)];
  const embedded = 'dataDir' in target;
  if (manifest.engine === 'pglite' && !embedded) {
    throw AppError.validation(
      [],
      `${basename(file)} is a backup of the embedded database: it restores into an embedded data folder (--data-dir DIR), not into PostgreSQL.`,
    );
  }
  if (manifest.engine === 'postgres' && embedded) {
    throw AppError.validation(
      [],
      `${basename(file)} is a PostgreSQL backup (pg_dump): it restores into an empty PostgreSQL database (--database-url URL), not into an embedded data folder.`,
    );
  }
  let database: Database;
  let release: () => void = () => undefined;
  if ('dataDir' in target) {
    await refuseNonEmptyFolder(target.dataDir);
    // Patient data: the folder is the owner's only (PGlite's own files are not).
    await mkdir(target.dataDir, { recursive: true, mode: 0o700 });
    release = acquireDataDirLock(target.dataDir, {});
    try {
      database = await openDatabase({
        dataDir: target.dataDir,
        // A gzip tarball (dumpDataDir('gzip')): PGlite decompresses it when the type says so.
        loadDataDir: new Blob([await readFile(file)], { type: 'application/x-gzip' }),
      });
    } catch (error) {
      release();
      throw error;
    }
    lines.push(`Restored into the embedded database in ${target.dataDir}.`);
  } else {
    await refuseNonEmptyDatabase(target.databaseUrl);
    const connection = toolConnection(target.databaseUrl);
    const result = await runTool(
      'pg_restore',
      [
        // Owned by the user restoring; no comments (Tend's schema has none, and the extensions'
        // own comments may be changed only by a superuser).
        '--no-owner',
        '--no-privileges',
        '--no-comments',
        '--exit-on-error',
        '--single-transaction',
        '--no-password',
        `--dbname=${connection.url}`,
        file,
      ],
      connection.env,
    );
    if (result.code !== 0) {
      throw new AppError(
        'conflict',
        `pg_restore failed, and restored nothing (one transaction): ${result.stderr || `exit code ${result.code}`}`,
      );
    }
    database = await openDatabase({ databaseUrl: target.databaseUrl, poolSize: 2 });
    lines.push(`Restored into the PostgreSQL database ${new URL(target.databaseUrl).pathname.slice(1)}.`);
  }
  try {
    const check = await verify(database, manifest);
    lines.push(...check.lines);
    if (check.ok) {
      // The backup's own run is in it as "running": in the restored copy it is the good backup it came from.
      await database.db
        .update(schema.backupRuns)
        .set({ status: 'ok', finishedAt: new Date(manifest.createdAt), bytes: manifest.bytes, sha256: manifest.sha256 })
        .where(and(eq(schema.backupRuns.id, manifest.runId), eq(schema.backupRuns.status, 'running')));
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    lines.push(
      check.ok
        ? `The restored database matches the backup (${seconds} s).`
        : 'THE RESTORED DATABASE DOES NOT MATCH THE BACKUP: do not use it; try an earlier backup.',
    );
    return { ok: check.ok, report: lines.join('\n') };
  } finally {
    await database.close();
    release();
    // The backup carried the lock file of the server it was taken from (the data folder is
    // PGDATA): nobody runs on this new folder yet, so it must not point the command line there.
    if ('dataDir' in target) rmSync(lockPath(target.dataDir), { force: true });
  }
}

async function readManifest(file: string): Promise<BackupManifest> {
  const found = await stat(file).catch(() => null);
  if (!found?.isFile()) throw AppError.validation([{ path: 'file', message: `There is no file ${file}.` }]);
  const text = await readFile(manifestPath(file), 'utf8').catch(() => null);
  if (text === null) {
    throw AppError.validation(
      [],
      `There is no ${basename(manifestPath(file))} beside ${basename(file)}: it holds the checksums a restore is verified against. Keep (and copy) each backup with its manifest.`,
    );
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch {
    throw AppError.validation([], `${basename(manifestPath(file))} is not a Tend backup manifest (not JSON).`);
  }
  if (manifest.format !== 'tend-backup/1' || !manifest.sha256 || !manifest.tables) {
    throw AppError.validation([], `${basename(manifestPath(file))} is not a Tend backup manifest.`);
  }
  return manifest;
}

async function checkFile(file: string, manifest: BackupManifest): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new AppError(
      'conflict',
      `${basename(file)} is damaged or was changed: its SHA-256 is ${sha256}, its manifest says ${manifest.sha256}. Nothing was restored.`,
    );
  }
  return `${basename(file)}: ${formatBytes(manifest.bytes)} taken ${manifest.createdAt}, SHA-256 matches its manifest.`;
}

async function refuseNonEmptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  if (entries.length > 0) {
    throw AppError.validation(
      [{ path: 'dataDir', message: `${dir} is not empty: restore into a new (or empty) folder; nothing was changed.` }],
      'A restore never overwrites a database.',
    );
  }
}

async function refuseNonEmptyDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const database = await openDatabase({ databaseUrl: url, poolSize: 1 }).catch((error: Error) => {
    throw AppError.validation(
      [
        {
          path: 'databaseUrl',
          message: `Cannot connect to it (${error.message}): create the empty database first (createdb NAME).`,
        },
      ],
      'The database to restore into cannot be reached.',
    );
  });
  try {
    const [row] = await queryRows<{ n: string }>(
      database.db,
      sql`SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
             AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
    );
    if (Number(row?.n) > 0) {
      throw AppError.validation(
        [
          {
            path: 'databaseUrl',
            message: `The database ${name} already has tables: restore into a new, empty database; nothing was changed.`,
          },
        ],
        'A restore never overwrites a database.',
      );
    }
  } finally {
    await database.close();
  }
}

/** Compares the restored database with the manifest: migrations, every table, sequences, audit chains. */
export async function verify(database: Database, manifest: BackupManifest): Promise<{ ok: boolean; lines: string[] }> {
  const run: RunSql = (text) => queryRows(database.db, sql.raw(text));
  const lines: string[] = [];
  let ok = true;
  const n = (value: number) => value.toLocaleString('en-US');

  const migrations = (await run<{ name: string }>('SELECT name FROM tend_migrations ORDER BY name')).map((r) => r.name);
  if (JSON.stringify(migrations) === JSON.stringify(manifest.migrations)) {
    lines.push(`Migrations: the same ${migrations.length} (last ${migrations.at(-1)}).`);
  } else {
    ok = false;
    lines.push(
      `MISMATCH migrations: the backup has ${manifest.migrations.length}, the restored copy ${migrations.length}.`,
    );
  }

  const tables = await tableChecksums(run);
  const names = [...new Set([...Object.keys(manifest.tables), ...Object.keys(tables)])].sort();
  let rows = 0;
  const differing: string[] = [];
  for (const name of names) {
    const expected = manifest.tables[name];
    const found = tables[name];
    rows += Number(found?.split(':')[0] ?? 0);
    if (expected === found) continue;
    ok = false;
    const count = (sum: string | undefined) => (sum === undefined ? 'no such table' : `${sum.split(':')[0]} rows`);
    differing.push(
      `MISMATCH table ${name}: the backup has ${count(expected)}, the restored copy ${count(found)}${
        expected && found && expected.split(':')[0] === found.split(':')[0] ? ' (rows differ)' : ''
      }.`,
    );
  }
  lines.push(
    `Tables: ${names.length - differing.length} of ${names.length} match exactly (${n(rows)} rows).`,
    ...differing,
  );

  const sequences = await sequenceValues(run);
  const behind = Object.entries(manifest.sequences).filter(
    ([name, value]) => sequences[name] === undefined || BigInt(sequences[name] as string) < BigInt(value),
  );
  if (behind.length) {
    ok = false;
    lines.push(...behind.map(([name]) => `MISMATCH sequence ${name}: behind the backup's value.`));
  } else lines.push(`Sequences: ${Object.keys(manifest.sequences).length} at or beyond the backup's values.`);

  const chains = await verifyAllAuditChains(database.db);
  const broken = chains.filter((chain) => !chain.result.ok);
  if (broken.length) {
    ok = false;
    lines.push(
      `MISMATCH audit log: ${broken.length} of ${chains.length} hash chains do not verify (run tend audit verify).`,
    );
  } else lines.push(`Audit log: ${chains.length} hash chains intact.`);
  return { ok, lines };
}
