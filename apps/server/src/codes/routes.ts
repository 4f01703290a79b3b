import { zIcd10Code, zIcd10Search } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { getIcd10, searchIcd10 } from './service';

/**
 * Code sets. Reference data, not patient data: every signed-in role may read them (`authenticated`),
 * since providers and nurses document diagnoses, billing checks them, and the front desk may be
 * asked what a code on a form means. See docs/decisions.md.
 */
export function codeRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['codes'];

  app.get(
    '/api/codes/icd10',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary:
          'Search ICD-10-CM diagnosis codes by code (J11, j11.1) or words (flu, low back pain): billable codes first, best matches first',
        querystring: zIcd10Search,
        response: { 200: z.object({ items: z.array(zIcd10Code) }), ...errorResponses },
      },
    },
    async (request) => searchIcd10(db, request.query),
  );
  app.get(
    '/api/codes/icd10/:code',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'One ICD-10-CM code, with or without its dot (E11.9 or E119); 404 if Tend does not know it',
        params: z.object({ code: z.string().max(20) }),
        response: { 200: zIcd10Code, ...errorResponses },
      },
    },
    async (request) => getIcd10(db, request.params.code),
  );
}
