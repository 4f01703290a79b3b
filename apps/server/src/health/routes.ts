import { AppError, healthDetailsSchema, publicHealthSchema } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { healthDetails, publicHealth, unavailableHealth } from './service';

/**
 * `GET /api/health` (public: load balancers, monitors, the e2e runner wait on it): 200 while the
 * database answers — `status` is `degraded` when a check warns — and 503 when it does not.
 * `GET /api/admin/health`: the numbers and file names behind the levels, for administrators.
 */
export function healthRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Whether Tend works: database, migrations, outbox, backups (levels only)',
        response: { 200: publicHealthSchema, 503: publicHealthSchema },
      },
    },
    async (_request, reply) => {
      try {
        return publicHealth(await healthDetails(deps.database, new Date(), deps.replica));
      } catch {
        return reply.status(503).send(unavailableHealth(deps.database));
      }
    },
  );

  app.get(
    '/api/admin/health',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['health'],
        summary: 'The installation’s health in detail (administrators)',
        response: { 200: healthDetailsSchema, ...errorResponses },
      },
    },
    async (request) => {
      // Installation-wide numbers and file names: not for an administrator's stand-in in training.
      if (requireCtx(request).training) throw AppError.forbidden('System health is not part of the training clinic.');
      return healthDetails(deps.database, new Date(), deps.replica);
    },
  );
}
