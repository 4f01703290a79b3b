import { zId, zRecall, zRecallClose, zRecallContact, zRecallsQuery } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { closeRecall, listRecalls, logRecallCall } from './service';

/** The front desk's recall list (the follow-ups providers ordered), and what it does with them. */
export function recallRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['recalls'];

  app.get(
    '/api/recalls',
    {
      config: { access: 'recall.read' },
      schema: {
        tags,
        summary:
          'Recalls by due date in one view — due (open, its message day has come), upcoming, contacted, booked, closed — or every recall of one visit (encounterId)',
        querystring: zRecallsQuery.extend({ encounterId: zId.optional() }),
        response: { 200: z.object({ items: z.array(zRecall) }), ...errorResponses },
      },
    },
    async (request) => listRecalls(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/recalls/:id/close',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary:
          'Close a recall with the reason (declined, moved away, booked elsewhere); its unsent messages are withdrawn',
        params: zIdParams,
        body: zRecallClose,
        response: { 200: zRecall, ...errorResponses },
      },
    },
    async (request) => closeRecall(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/recalls/:id/contact',
    {
      config: { access: 'appointment.write' },
      schema: {
        tags,
        summary: 'Log a phone call about a recall (it becomes contacted), with a short note',
        params: zIdParams,
        body: zRecallContact,
        response: { 200: zRecall, ...errorResponses },
      },
    },
    async (request) => logRecallCall(db, requireCtx(request), request.params.id, request.body),
  );
}
