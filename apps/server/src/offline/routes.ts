import { zOfflineCopy, zOfflineCopyQuery } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { offlineCopy } from './service';

/** `GET /api/offline/copy`: what the web app keeps on the device for when the server is down. */
export function offlineRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  app.get(
    '/api/offline/copy',
    {
      config: { access: 'offline.copy' },
      schema: {
        tags: ['offline'],
        summary:
          'Today’s and tomorrow’s schedule (clinic time), of one location with `locationId`, with the contact details of those patients — name, MRN, birth date, phones, email; nothing clinical — for the browser’s offline copy. Each patient is audited once per user per clinic day.',
        querystring: zOfflineCopyQuery,
        response: { 200: zOfflineCopy, ...errorResponses },
      },
    },
    async (request) => offlineCopy(db, requireCtx(request), new Date(), request.query.locationId),
  );
}
