import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Database, listMigrations, openDatabase, queryRows, schema } from '@tend/db';
import { testDatabaseName } from '@tend/db/test-databases';
import { AppError } from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from '../attack/world';
import { runCommand } from '../cli/commands';
import { loadConfig } from '../config';
import { buildApp } from '../http/app';
import { startServer } from '../server';
import { clientWithHeaders, createTestApp, type TestApp } from '../test/harness';
import { type RunSql, tableChecksums } from './checksum';
import { restoreBackup } from './restore';
import { startBackupScheduler } from './scheduler';
import { type BackupManifest, createBackup, manifestPath, pruneBackups } from './service';

/**
 * Backups and restores, on the engine the suite runs on: the embedded database restores into a new
 * data folder, PostgreSQL into a new database made here (pg_dump / pg_restore are the real tools).
 */

const serverUrl = process.env.TEND_TEST_DATABASE_URL;
/** Each backup or restore takes a few seconds, many more on a machine busy with other test runs. */
const SLOW = 600_000;
const onPostgres = Boolean(serverUrl);
const dirs: string[] = [];
const databases: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), `tend-${prefix}-`));
  dirs.push(dir);
  return dir;
};

let t: TestApp;
let backupDir: string;
let config: { backupDir: string; databaseUrl: string | undefined };
const all =
  (database: Database): RunSql =>
  (text) =>
    queryRows(database.db, sql.raw(text));

/** An empty restore target: a new data folder, or a new PostgreSQL database. */
async function emptyTarget(): Promise<{ dataDir: string } | { databaseUrl: string }> {
  if (!serverUrl) return { dataDir: join(tempDir('restore'), 'data') };
  const name = testDatabaseName();
  const admin = await openDatabase({ databaseUrl: serverUrl, poolSize: 1 });
  await queryRows(admin.db, sql.raw(`CREATE DATABASE ${name}`));
  await admin.close();
  databases.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString() };
}

const openTarget = (target: { dataDir: string } | { databaseUrl: string }) =>
  openDatabase('dataDir' in target ? { dataDir: target.dataDir } : { databaseUrl: target.databaseUrl, poolSize: 2 });

/** Waits for `done` (a backup takes seconds; on a busy machine, many). */
async function until(done: () => boolean, ms = 240_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

const failure = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

beforeAll(async () => {
  t = await createTestApp();
  // Two clinics with a record of every kind, staff in every role, signed-in sessions, audit rows.
  await buildWorld(t);
  backupDir = tempDir('backups');
  config = { backupDir, databaseUrl: t.databaseUrl };
}, SLOW);

afterAll(async () => {
  await t.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (serverUrl && databases.length) {
    const admin = await openDatabase({ databaseUrl: serverUrl, poolSize: 1 });
    for (const name of databases) await queryRows(admin.db, sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  }
});

describe('backup and restore', () => {
  let file: string;
  let manifest: BackupManifest;
  let restored: { dataDir: string } | { databaseUrl: string };

  it(
    'writes a compressed backup readable only by its owner, a manifest of every table, and a backup_runs row',
    async () => {
      const result = await createBackup(t.database, config, { kind: 'manual', now: new Date('2026-11-27T22:46:00Z') });
      file = result.file;
      const engine = onPostgres ? 'postgres' : 'pglite';
      expect(file).toBe(join(backupDir, `tend-${engine}-20261127T224600Z.${onPostgres ? 'dump' : 'tar.gz'}`));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(manifestPath(file)).mode & 0o777).toBe(0o600);
      const head = readFileSync(file).subarray(0, 5);
      // gzip's magic bytes, or pg_dump's custom format ("PGDMP", compressed inside).
      if (onPostgres) expect(head.toString('latin1')).toBe('PGDMP');
      else expect([head[0], head[1]]).toEqual([0x1f, 0x8b]);

      manifest = JSON.parse(readFileSync(manifestPath(file), 'utf8'));
      expect(manifest).toMatchObject({ engine, sha256: result.sha256, bytes: statSync(file).size });
      expect(Object.keys(manifest.tables)).toEqual(
        expect.arrayContaining(['patients', 'appointments', 'audit_events', 'audit_chain', 'tend_migrations']),
      );
      expect(Number(manifest.tables.patients?.split(':')[0])).toBeGreaterThanOrEqual(4);
      expect(manifest.migrations).toEqual(listMigrations().map((migration) => migration.name));

      const [run] = await t.database.db.select().from(schema.backupRuns).where(eq(schema.backupRuns.id, result.runId));
      expect(run).toMatchObject({
        kind: 'manual',
        engine,
        status: 'ok',
        file,
        bytes: result.bytes,
        sha256: result.sha256,
      });
      expect(run?.finishedAt).toBeInstanceOf(Date);
    },
    SLOW,
  );

  it(
    'restores into an empty database and reproduces every table exactly',
    async () => {
      const source = await tableChecksums(all(t.database));
      restored = await emptyTarget();
      const { ok, report } = await restoreBackup(file, restored);
      expect(report).toMatch(/SHA-256 matches its manifest/);
      expect(report).toMatch(/The restored database matches the backup/);
      expect(ok).toBe(true);

      const copy = await openTarget(restored);
      try {
        const after = await tableChecksums(all(copy));
        // The source's own run finished after the dump (running → ok): every other table is the same, row for row.
        const { backup_runs: sourceRuns, ...sourceRest } = source;
        const { backup_runs: copyRuns, ...copyRest } = after;
        expect(copyRest).toEqual(sourceRest);
        expect(copyRuns?.split(':')[0]).toBe(sourceRuns?.split(':')[0]);
        expect(Object.keys(after).length).toBeGreaterThan(40);
        // The copy's record of this backup says it was good.
        const [run] = await copy.db.select().from(schema.backupRuns).where(eq(schema.backupRuns.id, manifest.runId));
        expect(run).toMatchObject({ status: 'ok', sha256: manifest.sha256 });
        // The audit log's hash chains verify on the copy.
        expect(await runCommand(copy, ['audit', 'verify'])).toMatch(/intact/);
        const sequences = await queryRows<{ n: string }>(
          copy.db,
          sql`SELECT count(*) AS n FROM pg_sequences WHERE schemaname = 'public'`,
        );
        expect(Number(sequences[0]?.n)).toBe(Object.keys(manifest.sequences).length);
      } finally {
        await copy.close();
      }
    },
    SLOW,
  );

  it('refuses a target that is not empty, changing nothing', { timeout: SLOW }, async () => {
    const before = await tableChecksums(all(t.database));
    const intoSource = await failure(
      restoreBackup(file, onPostgres ? { databaseUrl: t.databaseUrl as string } : restored),
    );
    expect(`${intoSource.message} ${intoSource.fields.map((f) => f.message).join(' ')}`).toMatch(
      onPostgres ? /already has tables: restore into a new, empty database/ : /is not empty: restore into a new/,
    );
    expect(await tableChecksums(all(t.database))).toEqual(before);
  });

  it('refuses a damaged file by its checksum before writing anything', { timeout: SLOW }, async () => {
    const dir = tempDir('damaged');
    const damaged = join(dir, 'damaged-backup');
    copyFileSync(file, damaged);
    copyFileSync(manifestPath(file), manifestPath(damaged));
    const bytes = readFileSync(damaged);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0xff;
    writeFileSync(damaged, bytes);
    const target = await emptyTarget();
    const error = await failure(restoreBackup(damaged, target));
    expect(error.message).toMatch(
      /damaged-backup is damaged or was changed: its SHA-256 is [0-9a-f]{64}.*Nothing was restored/,
    );
    if ('dataDir' in target) expect(existsSync(target.dataDir)).toBe(false);
    else {
      const copy = await openTarget(target);
      const [row] = await queryRows<{ n: string }>(
        copy.db,
        sql`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`,
      );
      await copy.close();
      expect(Number(row?.n)).toBe(0);
    }
  });

  it('refuses a backup without its manifest, and one of the other engine', { timeout: SLOW }, async () => {
    const dir = tempDir('alone');
    const alone = join(dir, 'alone.bin');
    copyFileSync(file, alone);
    expect((await failure(restoreBackup(alone, await emptyTarget()))).message).toMatch(
      /There is no alone\.bin\.manifest\.json beside alone\.bin/,
    );
    const other = onPostgres
      ? { dataDir: join(tempDir('other'), 'data') }
      : { databaseUrl: 'postgres://nobody@127.0.0.1:1/none' };
    expect((await failure(restoreBackup(file, other))).message).toMatch(
      onPostgres
        ? /is a PostgreSQL backup \(pg_dump\): it restores into an empty PostgreSQL database/
        : /is a backup of the embedded database: it restores into an embedded data folder/,
    );
  });

  it('does not overwrite an existing backup', async () => {
    const error = await failure(createBackup(t.database, config, { kind: 'manual', out: file }));
    expect(error.fields[0]?.message).toMatch(/already exists: Tend does not overwrite a backup/);
  });
});

describe('retention', () => {
  it('keeps the newest N of the scheduler’s own files and never touches anything else', async () => {
    const dir = tempDir('retention');
    const scheduled = [1, 2, 3, 4, 5].map((hour) => `tend-pglite-20261127T0${hour}0000Z-scheduled.tar.gz`);
    const foreign = [
      'tend-pglite-20261101T000000Z.tar.gz', // a manual backup (before an upgrade): kept
      'tend-pglite-20261101T000000Z.tar.gz.manifest.json',
      'tend-pglite-20261101T000000Z-scheduled.tar.gz.copy',
      'notes.txt',
    ];
    for (const name of [...scheduled, ...scheduled.map((name) => `${name}.manifest.json`), ...foreign]) {
      writeFileSync(join(dir, name), 'x');
    }
    expect(await pruneBackups(dir, 3)).toEqual([scheduled[1], scheduled[0]]);
    expect(readdirSync(dir).sort()).toEqual(
      [...scheduled.slice(2), ...scheduled.slice(2).map((name) => `${name}.manifest.json`), ...foreign].sort(),
    );
    expect(await pruneBackups(dir, 0)).toEqual([]);
  });
});

describe('the scheduler', () => {
  it(
    'backs up when due, records the run, and prunes to the number kept',
    async () => {
      const dir = tempDir('scheduled');
      let now = new Date('2030-01-07T10:00:00Z');
      const written: string[] = [];
      const errors: unknown[] = [];
      const scheduler = startBackupScheduler(
        t.database,
        { backupDir: dir, databaseUrl: t.databaseUrl, backupIntervalMinutes: 60, backupKeep: 1 },
        {
          checkEveryMs: 20,
          now: () => now,
          onBackup: ({ file }) => written.push(file),
          onError: (e) => errors.push(e),
        },
      );
      try {
        const waitFor = (n: number) => until(() => written.length >= n || errors.length > 0);
        await waitFor(1);
        expect(errors).toEqual([]);
        expect(written).toHaveLength(1);
        // Not due again within the hour.
        await new Promise((r) => setTimeout(r, 300));
        expect(written).toHaveLength(1);
        now = new Date('2030-01-07T11:00:00Z');
        await waitFor(2);
        expect(written).toHaveLength(2);
      } finally {
        await scheduler.stop();
      }
      const engine = onPostgres ? 'postgres' : 'pglite';
      const ext = onPostgres ? 'dump' : 'tar.gz';
      // Keep 1: the older one is gone with its manifest; the newest good one stays.
      expect(readdirSync(dir).sort()).toEqual([
        `tend-${engine}-20300107T110000Z-scheduled.${ext}`,
        `tend-${engine}-20300107T110000Z-scheduled.${ext}.manifest.json`,
      ]);
      const runs = await t.database.db.select().from(schema.backupRuns).where(eq(schema.backupRuns.kind, 'scheduled'));
      expect(runs.map((run) => [run.status, run.startedAt.toISOString()])).toEqual([
        ['ok', '2030-01-07T10:00:00.000Z'],
        ['ok', '2030-01-07T11:00:00.000Z'],
      ]);
    },
    SLOW,
  );

  it(
    'records a failed run with its reason and tries again later',
    async () => {
      const blocked = join(tempDir('blocked'), 'a-file');
      writeFileSync(blocked, 'not a folder');
      const errors: unknown[] = [];
      const scheduler = startBackupScheduler(
        t.database,
        { backupDir: blocked, databaseUrl: t.databaseUrl, backupIntervalMinutes: 60, backupKeep: 2 },
        { checkEveryMs: 20, now: () => new Date('2030-02-01T00:00:00Z'), onError: (e) => errors.push(e) },
      );
      await until(() => errors.length > 0);
      await scheduler.stop();
      expect(errors).toHaveLength(1);
      const [run] = await t.database.db
        .select()
        .from(schema.backupRuns)
        .where(eq(schema.backupRuns.startedAt, new Date('2030-02-01T00:00:00Z')));
      expect(run).toMatchObject({ kind: 'scheduled', status: 'failed' });
      expect(run?.error).toMatch(/EEXIST|ENOTDIR|not a directory|file already exists/i);
    },
    SLOW,
  );
});

describe('the admin API', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(
      {
        database: t.database,
        config: { ...loadConfig({}), databaseUrl: t.databaseUrl, backupDir: tempDir('api'), backupIntervalMinutes: 60 },
        cliSecret: null,
      },
      { logLevel: false },
    );
  });
  afterAll(() => app.close());

  it(
    'lets an administrator back up now (audited) and see the runs, the folder and the schedule',
    async () => {
      const clinic = await t.createClinic();
      const { cookie } = await t.signIn(clinic.admin);
      const admin = clientWithHeaders(app, { cookie }, cookie);
      const created = await admin.post('/api/backups');
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'manual', status: 'ok', engine: onPostgres ? 'postgres' : 'pglite' });
      expect(created.body.file).toMatch(/^tend-(pglite|postgres)-\d{8}T\d{6}Z\.(tar\.gz|dump)$/);
      const list = await admin.get('/api/backups');
      expect(list.status).toBe(200);
      expect(list.body.schedule).toEqual({ intervalMinutes: 60, keep: 48 });
      expect(list.body.folder).toMatch(/tend-api-/);
      expect(list.body.runs.find((run: { id: string }) => run.id === created.body.id)).toMatchObject({
        status: 'ok',
        file: created.body.file,
      });
      const audit = await t.database.db
        .select()
        .from(schema.auditEvents)
        .where(eq(schema.auditEvents.action, 'backup.create'));
      expect(audit.map((row) => [row.clinicId, row.entityId, row.outcome])).toContainEqual([
        clinic.clinicId,
        created.body.id,
        'success',
      ]);

      const { cookie: receptionCookie } = await t.signIn(await clinic.addUser('receptionist'));
      expect(
        (await clientWithHeaders(app, { cookie: receptionCookie }, receptionCookie).post('/api/backups')).status,
      ).toBe(403);
    },
    SLOW,
  );

  it('is not part of a training clinic', { timeout: SLOW }, async () => {
    const clinic = await t.createClinic();
    await t.database.db.update(schema.clinics).set({ isTraining: true }).where(eq(schema.clinics.id, clinic.clinicId));
    const { cookie } = await t.signIn(clinic.admin);
    const admin = clientWithHeaders(app, { cookie }, cookie);
    const refused = await admin.post('/api/backups');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('Backups are not part of the training clinic.');
    expect((await admin.get('/api/backups')).status).toBe(403);
  });
});

describe('the tend command', () => {
  const bin = fileURLToPath(new URL('../../bin/tend.js', import.meta.url));
  const tend = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
    });

  it(
    onPostgres
      ? 'backs up PostgreSQL with pg_dump and restores it'
      : 'hands the backup to the running server, then restores it',
    async () => {
      const out = join(tempDir('cli'), 'nightly.backup');
      let env: NodeJS.ProcessEnv;
      let stop: () => Promise<void> = async () => undefined;
      if (onPostgres) env = { DATABASE_URL: t.databaseUrl, TEND_BACKUP_INTERVAL_MINUTES: '0' };
      else {
        const dataDir = tempDir('cli-data');
        const server = await startServer({
          ...loadConfig({}),
          dataDir,
          databaseUrl: undefined,
          port: 0,
          host: '127.0.0.1',
          logLevel: 'silent',
          backupIntervalMinutes: 0,
        });
        stop = () => server.stop();
        env = { TEND_DATA_DIR: dataDir, DATABASE_URL: '' };
      }
      try {
        const backup = await tend(['backup', '--out', out], env);
        expect(backup.err).toBe('');
        expect(backup.code).toBe(0);
        expect(backup.out).toMatch(
          /^Backed up \d+ tables \([\d,]+ rows\) to .*nightly\.backup \([\d.]+ [KM]B, SHA-256 [0-9a-f]{64}\)\./,
        );
        expect(statSync(out).mode & 0o777).toBe(0o600);
      } finally {
        await stop();
      }
      const target = await emptyTarget();
      const restore = await tend(
        [
          'restore',
          out,
          ...('dataDir' in target ? ['--data-dir', target.dataDir] : ['--database-url', target.databaseUrl]),
        ],
        { DATABASE_URL: '' },
      );
      expect(restore.err).toBe('');
      expect(restore.out).toMatch(/Tables: (\d+) of \1 match exactly/);
      expect(restore.code).toBe(0);
      // The running server's lock file came along in the data folder's copy: the restore drops it,
      // so the command line does not take the new folder for the old server's.
      if ('dataDir' in target) expect(existsSync(join(target.dataDir, 'tend.lock.json'))).toBe(false);
      const again = await tend(
        [
          'restore',
          out,
          ...('dataDir' in target ? ['--data-dir', target.dataDir] : ['--database-url', target.databaseUrl]),
        ],
        { DATABASE_URL: '' },
      );
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/A restore never overwrites a database/);
    },
    SLOW,
  );
});
