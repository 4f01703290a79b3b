import { join } from 'node:path';
import { type Database, newId, schema } from '@tend/db';
import type { Config } from '../config';
import {
  backupFileName,
  createBackup,
  engineOf,
  lastScheduledStart,
  markInterruptedRuns,
  pruneBackups,
} from './service';

export interface BackupScheduler {
  /** Waits for a backup in progress, then stops. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** How often it looks whether a backup is due (a minute; tests shorten it). */
  checkEveryMs?: number;
  now?: () => Date;
  onBackup?: (result: { file: string; bytes: number; pruned: string[] }) => void;
  onError?: (error: unknown) => void;
}

/**
 * The running server's automatic backups: one every `backupIntervalMinutes` (counted from the
 * last scheduled run, so a restart does not add one), keeping the newest `backupKeep` of its own
 * files. Several servers on one PostgreSQL database take turns through the exclusive lock: the
 * first to find a backup due records it as running, and the others then find it not due.
 */
export function startBackupScheduler(
  database: Database,
  config: Pick<Config, 'backupDir' | 'databaseUrl' | 'backupIntervalMinutes' | 'backupKeep'>,
  options: SchedulerOptions = {},
): BackupScheduler {
  const intervalMs = config.backupIntervalMinutes * 60_000;
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const due = async (): Promise<{ runId: string; at: Date } | null> =>
    database.withExclusiveLock(async () => {
      const at = now();
      const last = await lastScheduledStart(database.db);
      if (last && at.getTime() - last.getTime() < intervalMs) return null;
      const runId = newId();
      const file = join(config.backupDir, backupFileName(engineOf(database), at, 'scheduled'));
      await database.db
        .insert(schema.backupRuns)
        .values({ id: runId, kind: 'scheduled', engine: engineOf(database), status: 'running', file, startedAt: at });
      return { runId, at };
    });

  const pass = async () => {
    const run = await due();
    if (!run) return;
    const result = await createBackup(database, config, { kind: 'scheduled', now: run.at, runId: run.runId });
    const pruned = await pruneBackups(config.backupDir, config.backupKeep);
    options.onBackup?.({ file: result.file, bytes: result.bytes, pruned });
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, options.checkEveryMs ?? 60_000);
    timer.unref();
  };

  // On the embedded database this server is the only one: a run still "running" was cut off.
  const ready = database.kind === 'embedded' ? markInterruptedRuns(database.db) : Promise.resolve();
  running = ready
    .catch((error: unknown) => options.onError?.(error))
    .then(() => {
      if (intervalMs > 0) schedule();
    });
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
