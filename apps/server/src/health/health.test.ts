import { newId, schema } from '@tend/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueMessage } from '../messaging/outbox';
import { type ApiClient, createTestApp, type TestApp, type TestClinic } from '../test/harness';

/**
 * Health: the public levels a load balancer reads, the administrator's numbers behind them (a
 * due message in the backlog, the last backup, a migration the code and the database disagree
 * on), refused to everyone else, and 503 once the database is gone.
 */

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;
let manager: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
  manager = await t.signIn(await clinic.addUser('manager'));
});
afterAll(async () => {
  await t?.close();
});

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function queue(sendAfter: Date) {
  const id = await enqueueMessage(t.database.db, {
    clinicId: clinic.clinicId,
    channel: 'email',
    to: 'someone@example.com',
    subject: 'Health check test',
    text: 'Hello',
    sendAfter,
  });
  if (!id) throw new Error('not queued');
  return id;
}

describe('GET /api/health', () => {
  it('answers anyone with levels only: no backup yet is a warning, not an outage', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'degraded',
      version: expect.any(String),
      database: { kind: t.database.kind, ok: true },
      checks: { database: 'ok', migrations: 'ok', outbox: 'ok', backup: 'warn' },
      lastBackupAt: null,
    });
  });
});

describe('GET /api/admin/health', () => {
  it('is the administrator’s: a manager, a receptionist and an anonymous caller are refused', async () => {
    expect((await manager.get('/api/admin/health')).status).toBe(403);
    const reception = await t.signIn(await clinic.addUser('receptionist'));
    expect((await reception.get('/api/admin/health')).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/health' })).statusCode).toBe(401);
  });

  it('tells which server process answered, how long it has run and the memory it holds', async () => {
    const [before, startedBefore] = [process.memoryUsage(), Math.floor(process.uptime())];
    const { server } = (await admin.get('/api/admin/health')).body.details;
    const [after, startedAfter] = [process.memoryUsage(), Math.floor(process.uptime())];
    const mb = (bytes: number) => Math.round(bytes / 1_048_576);
    expect(server.pid).toBe(process.pid);
    expect(server.uptimeSeconds).toBeGreaterThanOrEqual(startedBefore);
    expect(server.uptimeSeconds).toBeLessThanOrEqual(startedAfter);
    expect(server.rssMb).toBeGreaterThanOrEqual(Math.min(mb(before.rss), mb(after.rss)) - 1);
    expect(server.rssMb).toBeLessThanOrEqual(Math.max(mb(before.rss), mb(after.rss)) + 1);
    expect(server.heapUsedMb).toBeGreaterThan(0);
    expect(server.heapUsedMb).toBeLessThanOrEqual(server.heapTotalMb);
    expect(server.heapTotalMb).toBeLessThan(server.rssMb);
    expect(server.externalMb).toBeGreaterThanOrEqual(0);
  });

  it('counts due messages (not future ones) with the oldest one’s wait, and failures of the last day', async () => {
    const before = (await admin.get('/api/admin/health')).body.details.outbox;
    expect(before).toEqual({ level: 'ok', due: 0, inDelivery: 0, oldestDueSeconds: null, failedLast24h: 0 });

    await queue(minutesAgo(1));
    await queue(new Date(Date.now() + 3_600_000));
    let outbox = (await admin.get('/api/admin/health')).body.details.outbox;
    expect(outbox).toMatchObject({ level: 'ok', due: 1, failedLast24h: 0 });
    expect(outbox.oldestDueSeconds).toBeGreaterThanOrEqual(59);

    // Waiting 20 minutes means the worker is not getting through: a warning.
    const stale = await queue(minutesAgo(20));
    outbox = (await admin.get('/api/admin/health')).body.details.outbox;
    expect(outbox).toMatchObject({ level: 'warn', due: 2 });
    expect(outbox.oldestDueSeconds).toBeGreaterThanOrEqual(20 * 60);
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json().checks.outbox).toBe('warn');

    // Claimed by a worker: in delivery, not due; once its lease ran out (the worker died), due again.
    await t.database.db
      .update(schema.messages)
      .set({ status: 'sending', lockedUntil: new Date(Date.now() + 60_000) })
      .where(eq(schema.messages.id, stale));
    expect((await admin.get('/api/admin/health')).body.details.outbox).toMatchObject({ due: 1, inDelivery: 1 });
    await t.database.db
      .update(schema.messages)
      .set({ status: 'sending', lockedUntil: minutesAgo(1) })
      .where(eq(schema.messages.id, stale));
    expect((await admin.get('/api/admin/health')).body.details.outbox).toMatchObject({ due: 2, inDelivery: 0 });

    // It fails for good: no longer due, but counted among the last day's failures.
    await t.database.db
      .update(schema.messages)
      .set({ status: 'failed', lockedUntil: null, lastAttemptAt: new Date(), error: 'mailbox unavailable' })
      .where(eq(schema.messages.id, stale));
    outbox = (await admin.get('/api/admin/health')).body.details.outbox;
    expect(outbox).toMatchObject({ level: 'warn', due: 1, failedLast24h: 1 });
  });

  it('shows the last good backup (file, size) and a failed one after it as a warning', async () => {
    await t.database.db.insert(schema.backupRuns).values([
      {
        id: newId(),
        kind: 'scheduled',
        engine: 'pglite',
        status: 'ok',
        startedAt: minutesAgo(31),
        finishedAt: minutesAgo(30),
        file: '/var/backups/tend/tend-older.tar.gz',
        bytes: 1000,
      },
      {
        id: newId(),
        kind: 'scheduled',
        engine: 'pglite',
        status: 'ok',
        startedAt: minutesAgo(11),
        finishedAt: minutesAgo(10),
        file: '/var/backups/tend/tend-latest.tar.gz',
        bytes: 123_456,
      },
    ]);
    let res = await admin.get('/api/admin/health');
    expect(res.body.details.backup).toEqual({
      level: 'ok',
      maxAgeHours: t.database.kind === 'embedded' ? 2 : 26,
      lastOk: { finishedAt: expect.any(String), file: '/var/backups/tend/tend-latest.tar.gz', bytes: 123_456 },
      lastFailed: null,
    });
    expect(Date.now() - Date.parse(res.body.details.backup.lastOk.finishedAt)).toBeGreaterThanOrEqual(10 * 60_000);
    // The public answer has the time, not the file.
    const pub = (await t.app.inject({ method: 'GET', url: '/api/health' })).json();
    expect(pub.checks.backup).toBe('ok');
    expect(pub.lastBackupAt).toBe(res.body.details.backup.lastOk.finishedAt);
    expect(JSON.stringify(pub)).not.toContain('/var/backups');

    await t.database.db.insert(schema.backupRuns).values({
      id: newId(),
      kind: 'scheduled',
      engine: 'pglite',
      status: 'failed',
      startedAt: minutesAgo(2),
      finishedAt: minutesAgo(1),
      error: 'No space left on device',
    });
    res = await admin.get('/api/admin/health');
    expect(res.body.details.backup).toMatchObject({
      level: 'warn',
      lastOk: { file: '/var/backups/tend/tend-latest.tar.gz' },
      lastFailed: { error: 'No space left on device' },
    });

    // Too old is a warning too.
    await t.database.db.delete(schema.backupRuns).where(eq(schema.backupRuns.status, 'failed'));
    await t.database.db
      .update(schema.backupRuns)
      .set({ startedAt: minutesAgo(27 * 60), finishedAt: minutesAgo(27 * 60) })
      .where(eq(schema.backupRuns.status, 'ok'));
    expect((await admin.get('/api/admin/health')).body.details.backup.level).toBe('warn');
  });

  it('reports migrations the database lacks (pending) and ones the code does not know (unknown)', async () => {
    const ok = (await admin.get('/api/admin/health')).body.details.migrations;
    expect(ok).toMatchObject({ level: 'ok', pending: [], unknown: [] });
    expect(ok.applied).toBe(ok.expected);
    expect(ok.latest).toMatch(/^\d{4}_\w+\.sql$/);

    const latest: string = ok.latest;
    await t.database.db.execute(sql`DELETE FROM tend_migrations WHERE name = ${latest}`);
    await t.database.db.execute(
      sql`INSERT INTO tend_migrations (name, checksum) VALUES ('9999_from_a_newer_tend.sql', 'x')`,
    );
    const migrations = (await admin.get('/api/admin/health')).body.details.migrations;
    expect(migrations).toMatchObject({
      level: 'warn',
      pending: [latest],
      unknown: ['9999_from_a_newer_tend.sql'],
      applied: ok.applied,
      latest: '9999_from_a_newer_tend.sql',
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({
      status: 'degraded',
      checks: { migrations: 'warn' },
    });
  });
});

describe('a database that does not answer', () => {
  it('makes /api/health answer 503 "unavailable"', async () => {
    const down = await createTestApp();
    try {
      await down.database.close();
      const res = await down.app.inject({ method: 'GET', url: '/api/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'unavailable',
        database: { kind: down.database.kind, ok: false },
        checks: { database: 'fail' },
      });
    } finally {
      await down.close().catch(() => undefined);
    }
  });
});
