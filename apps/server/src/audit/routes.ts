import { Readable } from 'node:stream';
import { zAuditEvent, zAuditQuery, zAuditVerification, zDisclosure, zDisclosureQuery } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { disclosuresCsv, listDisclosures } from './disclosures';
import { exportAuditCsv, listAuditEvents } from './service';
import { verifyAuditChain } from './verify';

export function auditRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit-events',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'The audit log, newest first; filter by patient (“who looked at this record”), user, action, outcome, role, record, address, text, time; sort by any column. `Accept: text/csv` or `format=csv` answers every matching event as CSV (audited as `audit.export`)',
        querystring: zAuditQuery,
        response: { 200: z.object({ items: z.array(zAuditEvent), total: z.number() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const csv = format === 'csv' || (format !== 'json' && request.headers.accept?.includes('text/csv'));
      if (!csv) return listAuditEvents(deps.database.db, requireCtx(request), filter);
      const exported = await exportAuditCsv(deps.database.db, requireCtx(request), filter);
      const stamp = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-log-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(exported.csv) as never); // text: not serialized by the JSON response schema
    },
  );
  app.get(
    '/api/patients/:id/disclosures',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary:
          'The patient’s accounting of disclosures (claims, emails, texts, record copies) with recipient and purpose, newest first; `from`/`to` are instants; `Accept: text/csv` or `format=csv` answers CSV',
        params: zIdParams,
        querystring: zDisclosureQuery,
        response: { 200: z.object({ items: z.array(zDisclosure) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { format, ...range } = request.query;
      const csv = format === 'csv' || (format !== 'json' && request.headers.accept?.includes('text/csv') === true);
      const items = await listDisclosures(
        deps.database.db,
        requireCtx(request),
        request.params.id,
        range,
        csv ? 'csv' : 'json',
      );
      if (!csv) return { items };
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="disclosures-${request.params.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(disclosuresCsv(items) as never); // text: not serialized by the JSON response schema
    },
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
