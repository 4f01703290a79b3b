import { zAmendment, zAmendmentCreate, zAmendmentDecision, zAmendmentDisagreement } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { addDisagreement, decideAmendment, listAmendments, recordAmendment } from './amendments';

/** A patient's requests to amend their record: recorded, decided once, kept with the record. */
export function amendmentRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['amendments'];

  app.get(
    '/api/patients/:id/amendments',
    {
      config: { access: 'amendment.read' },
      schema: {
        tags,
        summary: 'A patient’s amendment requests with their decisions and statements of disagreement (audited)',
        params: zIdParams,
        response: { 200: z.object({ items: z.array(zAmendment) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listAmendments(db, requireCtx(request), request.params.id) }),
  );
  app.post(
    '/api/patients/:id/amendments',
    {
      config: { access: 'amendment.manage' },
      schema: {
        tags,
        summary: 'Record a patient’s request to amend their record (a visit, or demographics when no visit is named)',
        params: zIdParams,
        body: zAmendmentCreate,
        response: { 201: zAmendment, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordAmendment(db, requireCtx(request), request.params.id, request.body)),
  );
  app.post(
    '/api/amendments/:id/decision',
    {
      config: { access: 'amendment.manage' },
      schema: {
        tags,
        summary:
          'Accept (for a visit: naming the addendum that corrected it) or deny (with the reason) a pending request; decided once',
        params: zIdParams,
        body: zAmendmentDecision,
        response: { 200: zAmendment, ...errorResponses },
      },
    },
    async (request) => decideAmendment(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/amendments/:id/disagreement',
    {
      config: { access: 'amendment.manage' },
      schema: {
        tags,
        summary: 'Attach the patient’s statement of disagreement to a denied request (once)',
        params: zIdParams,
        body: zAmendmentDisagreement,
        response: { 200: zAmendment, ...errorResponses },
      },
    },
    async (request) => addDisagreement(db, requireCtx(request), request.params.id, request.body.statement),
  );
}
