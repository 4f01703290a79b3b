import { basename } from 'node:path';
import { AppError } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { createBackup, engineOf, failureReason, listBackupRuns } from './service';

const zBackupRun = z.object({
  id: z.string(),
  kind: z.enum(['manual', 'scheduled']),
  engine: z.enum(['pglite', 'postgres']),
  status: z.enum(['running', 'ok', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The file's name; the folder is `folder`. */
  file: z.string().nullable(),
  bytes: z.number().nullable(),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
});

const zBackups = z.object({
  engine: z.enum(['pglite', 'postgres']),
  folder: z.string(),
  /** Automatic backups of the running server, or null when they are off (PostgreSQL: the DBA's). */
  schedule: z.object({ intervalMinutes: z.number(), keep: z.number() }).nullable(),
  runs: z.array(zBackupRun),
});

/** A training clinic reaches no real data: the installation's backups are not its business. */
function refuseTraining(ctx: RequestContext): void {
  if (ctx.training) throw AppError.forbidden('Backups are not part of the training clinic.');
}

export function backupRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.get(
    '/api/backups',
    {
      config: { access: 'backup.manage' },
      schema: {
        tags: ['backups'],
        summary: 'Recent backups (of the whole installation), the folder and the schedule',
        response: { 200: zBackups, ...errorResponses },
      },
    },
    async (request) => {
      refuseTraining(requireCtx(request));
      const runs = await listBackupRuns(db);
      const { backupIntervalMinutes, backupKeep } = deps.config;
      return {
        engine: engineOf(deps.database),
        folder: deps.config.backupDir,
        schedule: backupIntervalMinutes > 0 ? { intervalMinutes: backupIntervalMinutes, keep: backupKeep } : null,
        runs: runs.map((run) => ({ ...run, file: run.file && basename(run.file) })),
      };
    },
  );

  app.post(
    '/api/backups',
    {
      config: { access: 'backup.manage' },
      schema: {
        tags: ['backups'],
        summary: 'Back up now (into the backup folder)',
        response: { 201: zBackupRun, ...errorResponses },
      },
    },
    async (request, reply) => {
      const ctx = requireCtx(request);
      refuseTraining(ctx);
      let runId: string;
      try {
        const result = await createBackup(deps.database, deps.config, { kind: 'manual' });
        runId = result.runId;
        await recordAudit(db, ctx, {
          action: 'backup.create',
          entityType: 'backup_run',
          entityId: result.runId,
          details: { file: basename(result.file), bytes: result.bytes },
        });
      } catch (error) {
        await recordAudit(db, ctx, {
          action: 'backup.create',
          outcome: 'failure',
          details: { reason: failureReason(error) },
        });
        throw new AppError('internal', `The backup failed: ${failureReason(error)}`);
      }
      const [run] = await listBackupRuns(db, { id: runId });
      if (!run) throw AppError.notFound('The backup run');
      reply.status(201);
      return { ...run, file: run.file && basename(run.file) };
    },
  );
}
