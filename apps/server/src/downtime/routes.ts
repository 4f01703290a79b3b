import {
  zDowntimePdfQuery,
  zDowntimePrintOverview,
  zDowntimePrintSettings,
  zDowntimeSheet,
  zDowntimeSheetQuery,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { getDowntimePrint, putDowntimePrint } from './evening';
import { downtimePdf, getDowntimeSheet } from './service';

/** The downtime kit: the coming days' schedule and contact sheet, as JSON and PDFs, and the evening's copy. */
export function downtimeRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { backupDir } = deps.config;
  const tags = ['downtime kit'];

  app.get(
    '/api/downtime/sheet',
    {
      config: { access: 'downtime.print' },
      schema: {
        tags,
        summary:
          'The downtime sheet of `days` clinic-local days from `date` (today when left out): per day and provider the appointments not cancelled (time, patient, born, MRN, phones, visit type, room, location, status — no notes), and the patients by name with their appointment times and balance due (null for roles that do not see balances); audited per patient',
        querystring: zDowntimeSheetQuery,
        response: { 200: zDowntimeSheet, ...errorResponses },
      },
    },
    async (request) => getDowntimeSheet(db, requireCtx(request), request.query),
  );

  for (const kind of ['schedule', 'contacts'] as const) {
    app.get(
      `/api/downtime/${kind}.pdf`,
      {
        config: { access: 'downtime.print' },
        schema: {
          tags,
          summary:
            kind === 'schedule'
              ? 'The schedule as a PDF (application/pdf): one section per provider per day, each from a new page, with a blank column to write in; Letter or A4 (`paper`, the clinic’s usual paper by default)'
              : 'The patient contact sheet as a PDF (application/pdf): the days’ patients by name with phones, appointment times and balance due',
          querystring: zDowntimePdfQuery,
        },
      },
      async (request, reply) => {
        const { pdf, filename } = await downtimePdf(db, requireCtx(request), kind, request.query);
        return (
          reply
            .type('application/pdf')
            .header('content-disposition', `inline; filename="${filename}"`)
            // Patient phone numbers: never kept by a browser or proxy cache.
            .header('cache-control', 'no-store')
            .send(pdf)
        );
      },
    );
  }

  app.get(
    '/api/settings/downtime-print',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'The evening downtime kit: whether the next two days’ schedule and contact sheet are written as PDFs into the backup folder every evening, at what clinic-local time, when last, and the folder',
        response: { 200: zDowntimePrintOverview, ...errorResponses },
      },
    },
    async (request) => getDowntimePrint(db, requireCtx(request), backupDir),
  );

  app.put(
    '/api/settings/downtime-print',
    {
      config: { access: 'schedule.manage' },
      schema: {
        tags,
        summary:
          'Turn the evening downtime kit on or off and set its clinic-local time (HH:MM; off and 18:00 by default)',
        body: zDowntimePrintSettings,
        response: { 200: zDowntimePrintOverview, ...errorResponses },
      },
    },
    async (request) => putDowntimePrint(db, requireCtx(request), request.body, backupDir),
  );
}
