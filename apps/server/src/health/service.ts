import { type Database, listMigrations, queryRows, type ReplicaStatus, schema } from '@tend/db';
import type { HealthDetails, HealthLevel, PublicHealth } from '@tend/domain';
import { desc, eq, sql } from 'drizzle-orm';
import { VERSION } from '../http/version';
import { REPLICA_MAX_LAG_SECONDS, ReplicaReads } from '../reports/reads';

/**
 * The health of the installation: the database answers, its migrations match the code, the
 * outbox is being emptied, and a backup was taken recently. Counts and times only — nothing
 * here names a patient or a clinic, so the levels can be public and the numbers go to admins.
 */

/** A due message that waited longer than this means the worker is not getting through. */
const OUTBOX_STALE_SECONDS = 15 * 60;
/** Embedded installations back up every hour by themselves; PostgreSQL ones are backed up by a nightly job. */
export const BACKUP_MAX_AGE_HOURS = { embedded: 2, postgres: 26 } as const;

function worst(levels: HealthLevel[]): HealthLevel {
  return levels.includes('fail') ? 'fail' : levels.includes('warn') ? 'warn' : 'ok';
}

export async function healthDetails(
  database: Database,
  now = new Date(),
  replica?: ReplicaReads,
): Promise<HealthDetails> {
  const { db } = database;
  const started = performance.now();
  await db.execute(sql`SELECT 1`);
  const latencyMs = Math.round(performance.now() - started);

  const expected = listMigrations().map((m) => m.name);
  const applied = (
    await queryRows<{ name: string }>(db, sql`SELECT name FROM tend_migrations ORDER BY name`).catch(() => null)
  )?.map((row) => row.name);
  const appliedSet = new Set(applied ?? []);
  const expectedSet = new Set(expected);
  const pending = expected.filter((name) => !appliedSet.has(name));
  const unknown = (applied ?? []).filter((name) => !expectedSet.has(name));

  // Due: queued and its time has come, or claimed by a worker whose lease ran out (it died).
  // In delivery: claimed by a worker now. Both read the outbox's partial index of unsent rows.
  const at = sql`${now.toISOString()}::timestamptz`;
  const due = sql`(status = 'queued' OR locked_until < ${at})`;
  const [outbox] = await queryRows<{ due: number; inDelivery: number; oldest: number | null }>(
    db,
    sql`SELECT count(*) FILTER (WHERE ${due})::int AS "due",
               count(*) FILTER (WHERE NOT ${due})::int AS "inDelivery",
               floor(extract(epoch FROM ${at} - min(send_after) FILTER (WHERE ${due})))::int AS "oldest"
          FROM messages
         WHERE status IN ('queued', 'sending') AND send_after <= ${at}`,
  );
  const [failed] = await queryRows<{ count: number }>(
    db,
    sql`SELECT count(*)::int AS count FROM messages
         WHERE status = 'failed' AND last_attempt_at > ${now.toISOString()}::timestamptz - interval '24 hours'`,
  );

  const lastRun = (status: 'ok' | 'failed') =>
    db
      .select()
      .from(schema.backupRuns)
      .where(eq(schema.backupRuns.status, status))
      .orderBy(desc(schema.backupRuns.finishedAt))
      .limit(1)
      .then((rows) => rows[0]);
  const [lastOk, lastFailed] = await Promise.all([lastRun('ok'), lastRun('failed')]);
  const maxAgeHours = BACKUP_MAX_AGE_HOURS[database.kind];
  const lastOkAt = lastOk?.finishedAt ?? null;
  const backupLevel: HealthLevel =
    !lastOkAt ||
    now.getTime() - lastOkAt.getTime() > maxAgeHours * 3_600_000 ||
    (lastFailed?.finishedAt && lastFailed.finishedAt > lastOkAt)
      ? 'warn'
      : 'ok';

  const details: HealthDetails['details'] = {
    // The last check's (every 5 s in the background): health does not wait for the replica.
    replica: replica ? replicaHealth(replica.status()) : null,
    database: { level: 'ok', kind: database.kind, latencyMs },
    migrations: {
      level: applied === undefined ? 'fail' : pending.length || unknown.length ? 'warn' : 'ok',
      applied: applied?.length ?? 0,
      expected: expected.length,
      latest: applied?.at(-1) ?? null,
      pending,
      unknown,
    },
    outbox: {
      level: (outbox.oldest ?? 0) > OUTBOX_STALE_SECONDS || failed.count > 0 ? 'warn' : 'ok',
      due: outbox.due,
      inDelivery: outbox.inDelivery,
      oldestDueSeconds: outbox.due ? Math.max(0, outbox.oldest ?? 0) : null,
      failedLast24h: failed.count,
    },
    server: serverProcess(),
    backup: {
      level: backupLevel,
      maxAgeHours,
      lastOk: lastOk?.finishedAt
        ? { finishedAt: lastOk.finishedAt.toISOString(), file: lastOk.file, bytes: lastOk.bytes }
        : null,
      lastFailed: lastFailed?.finishedAt
        ? { finishedAt: lastFailed.finishedAt.toISOString(), file: lastFailed.file, error: lastFailed.error }
        : null,
    },
  };
  const checks = {
    database: details.database.level,
    migrations: details.migrations.level,
    outbox: details.outbox.level,
    backup: details.backup.level,
    ...(details.replica ? { replica: details.replica.level } : {}),
  };
  return {
    status: worst(Object.values(checks)) === 'ok' ? 'ok' : 'degraded',
    version: VERSION,
    database: { kind: database.kind, ok: true },
    checks,
    lastBackupAt: lastOkAt?.toISOString() ?? null,
    checkedAt: now.toISOString(),
    details,
  };
}

/** The read replica: `warn` when it does not answer, is not a standby or is too far behind (reports then read the primary). */
function replicaHealth(status: ReplicaStatus): NonNullable<HealthDetails['details']['replica']> {
  const servesReports = ReplicaReads.usable(status);
  return {
    level: servesReports ? 'ok' : 'warn',
    available: status.available,
    servesReports,
    standby: status.available ? status.standby : null,
    lagSeconds: status.available ? status.lagSeconds : null,
    lagBytes: status.available ? status.lagBytes : null,
    maxLagSeconds: REPLICA_MAX_LAG_SECONDS,
    replayedAt: status.available ? (status.replayedAt?.toISOString() ?? null) : null,
    error: status.available ? null : status.error,
  };
}

/** This process's memory (MB) and age: what an operator compares with the machine's size. */
function serverProcess(): HealthDetails['details']['server'] {
  const memory = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return {
    pid: process.pid,
    uptimeSeconds: Math.floor(process.uptime()),
    rssMb: mb(memory.rss),
    heapTotalMb: mb(memory.heapTotal),
    heapUsedMb: mb(memory.heapUsed),
    externalMb: mb(memory.external),
  };
}

/** What anyone may see: the levels, without the numbers and file names behind them. */
export function publicHealth(details: HealthDetails): PublicHealth {
  const { status, version, database, checks, lastBackupAt } = details;
  return { status, version, database, checks, lastBackupAt };
}

/** The answer when the database does not answer: Tend cannot work (503). */
export function unavailableHealth(database: Database): PublicHealth {
  return {
    status: 'unavailable',
    version: VERSION,
    database: { kind: database.kind, ok: false },
    checks: { database: 'fail', migrations: 'fail', outbox: 'fail', backup: 'fail' },
    lastBackupAt: null,
  };
}
