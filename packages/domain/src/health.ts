import { z } from 'zod';

/**
 * The health of a Tend installation (`GET /api/health` and Admin → System health). Each check is
 * `ok`, `warn` (Tend works, but someone should look) or `fail` (it does not work). Only the
 * database can make Tend unavailable; the rest degrade it.
 */
export const healthLevel = z.enum(['ok', 'warn', 'fail']);
export type HealthLevel = z.infer<typeof healthLevel>;

export const HEALTH_CHECKS = ['database', 'migrations', 'outbox', 'backup'] as const;
export type HealthCheckName = (typeof HEALTH_CHECKS)[number];

const checks = z.object({
  database: healthLevel,
  migrations: healthLevel,
  outbox: healthLevel,
  backup: healthLevel,
  /** Only with a read replica (DATABASE_READ_URL): `warn` when reports read the primary instead. */
  replica: healthLevel.optional(),
});

/** The public answer: load balancers and monitors read it. No paths, no names, only levels. */
export const publicHealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  version: z.string(),
  database: z.object({ kind: z.string(), ok: z.boolean() }),
  checks,
  lastBackupAt: z.string().datetime().nullable(),
});
export type PublicHealth = z.infer<typeof publicHealthSchema>;

const backupRun = z.object({ finishedAt: z.string().datetime(), file: z.string().nullable() });

/** The administrator's answer: the numbers behind each level (no patient data: counts and times). */
export const healthDetailsSchema = publicHealthSchema.extend({
  checkedAt: z.string().datetime(),
  details: z.object({
    database: z.object({ level: healthLevel, kind: z.string(), latencyMs: z.number().int().nonnegative() }),
    migrations: z.object({
      level: healthLevel,
      applied: z.number().int(),
      expected: z.number().int(),
      latest: z.string().nullable(),
      /** In the code, not yet in the database: the server applies them when it starts. */
      pending: z.array(z.string()),
      /** In the database, not in the code: the database was used by a newer Tend. */
      unknown: z.array(z.string()),
    }),
    outbox: z.object({
      level: healthLevel,
      /** Queued messages whose time has come (installation-wide). */
      due: z.number().int(),
      /** Claimed by a worker right now (a worker that dies leaves them here until its lease ends). */
      inDelivery: z.number().int(),
      /** How long the oldest due message has waited, in seconds. */
      oldestDueSeconds: z.number().int().nullable(),
      failedLast24h: z.number().int(),
    }),
    backup: z.object({
      level: healthLevel,
      /** Hours after which the last good backup counts as too old. */
      maxAgeHours: z.number().int(),
      lastOk: backupRun.extend({ bytes: z.number().int().nullable() }).nullable(),
      lastFailed: backupRun.extend({ error: z.string().nullable() }).nullable(),
    }),
    /** The read replica of DATABASE_READ_URL, which reports read (null: none configured). */
    replica: z
      .object({
        level: healthLevel,
        /** It answers. When it does not, reports read the primary. */
        available: z.boolean(),
        /** Reports read it now: it answers and is at most `maxLagSeconds` behind. */
        servesReports: z.boolean(),
        /** It is a standby in recovery (false: DATABASE_READ_URL names a server that is not a replica). */
        standby: z.boolean().nullable(),
        /** How far its replay is behind the primary: 0 when caught up (null: unavailable). */
        lagSeconds: z.number().int().nullable(),
        lagBytes: z.number().int().nullable(),
        maxLagSeconds: z.number().int(),
        /** Its data is as of this commit (the last transaction it replayed). */
        replayedAt: z.string().datetime().nullable(),
        /** Why it is unavailable (the database driver's message). */
        error: z.string().nullable(),
      })
      .nullable(),
    /**
     * The server process that answered (behind a load balancer, each answers for itself): its
     * memory in MB as the operating system and V8 count it. Numbers only, no level.
     */
    server: z.object({
      pid: z.number().int(),
      uptimeSeconds: z.number().int().nonnegative(),
      /** Resident set: what the process holds in RAM. */
      rssMb: z.number().int().nonnegative(),
      /** V8's heap: reserved, and in use by live and not yet collected objects. */
      heapTotalMb: z.number().int().nonnegative(),
      heapUsedMb: z.number().int().nonnegative(),
      /** Memory outside the heap held by JavaScript objects (buffers: query results, sockets). */
      externalMb: z.number().int().nonnegative(),
    }),
  }),
});
export type HealthDetails = z.infer<typeof healthDetailsSchema>;
