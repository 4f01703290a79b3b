import { zAuditEvent, zAuditQuery, zAuditVerification } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { listAuditEvents } from './service';
import { verifyAuditChain } from './verify';

export function auditRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit-events',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first; filter by patient (“who looked at this record”), user, action, time',
        querystring: zAuditQuery,
        response: { 200: z.object({ items: z.array(zAuditEvent), total: z.number() }), ...errorResponses },
      },
    },
    async (request) => listAuditEvents(deps.database.db, requireCtx(request), request.query),
  );
  app.get(
    '/api/audit-events/verify',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'Recompute the hash chain of the clinic’s audit log: ok, or the first events that were changed, removed or added outside Tend',
        response: { 200: zAuditVerification, ...errorResponses },
      },
    },
    async (request) => verifyAuditChain(deps.database.db, requireCtx(request).clinicId),
  );
}
