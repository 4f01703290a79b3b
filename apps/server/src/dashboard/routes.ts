import { zDashboard } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { reportReads } from '../reports/reads';
import { dashboard } from './service';

/** `GET /api/dashboard`: the home page's figures for the signed-in user's role. */
export function dashboardRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  app.get(
    '/api/dashboard',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['dashboard'],
        summary:
          'The home page for the signed-in user’s role: front desk (today, arrivals, confirmations, recalls, waitlist, insurance), clinical (today’s patients and notes, follow-ups), billing (overdue invoices, claims, postings, A/R) or manager tiles (report figures, this week so far against the same days of last week). Patients named are audited.',
        response: { 200: zDashboard, ...errorResponses },
      },
    },
    async (request) => dashboard(db, requireCtx(request), new Date(), reportReads(deps, request.log)),
  );
}
