import {
  CLAIM_STATUSES,
  zClaim,
  zClaimCreate,
  zClaimStatusUpdate,
  zClaimUpdate,
  zId,
  zRemittanceCreate,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { createClaim, getClaim, listClaims, recheckClaim, setClaimStatus, submitClaim, updateClaim } from './claims';
import { claimFormPdf, export837P, unbilledCharges } from './exports';
import { postRemittance } from './remittance';

const zStatusList = z
  .string()
  .transform((v) => v.split(',').filter(Boolean))
  .pipe(z.array(z.enum(CLAIM_STATUSES)));

const zIdList = z
  .string()
  .transform((v) => v.split(',').filter(Boolean))
  .pipe(z.array(zId).min(1).max(500));

/** Insurance claims: build from a visit, check, correct, submit, export (837P, CMS-1500), post the EOB. */
export function claimRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['claims'];
  const access = { access: 'billing.manage' } as const;
  const one = { 200: zClaim, ...errorResponses };
  const list = { 200: z.object({ items: z.array(zClaim) }), ...errorResponses };

  app.get(
    '/api/claims',
    {
      config: access,
      schema: {
        tags,
        summary: 'Claims, newest first; filter by status (comma-separated), patient or visit',
        querystring: z.object({
          status: zStatusList.optional(),
          patientId: zId.optional(),
          encounterId: zId.optional(),
        }),
        response: list,
      },
    },
    async (request) => listClaims(db, requireCtx(request), request.query),
  );
  app.post(
    '/api/claims',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Build a claim from a signed visit’s charges for the patient’s primary (or secondary) coverage on the date of service: ready when nothing is missing, else a draft listing what to fix',
        body: zClaimCreate,
        response: { 201: zClaim, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createClaim(db, requireCtx(request), request.body)),
  );
  app.get(
    '/api/claims/export/837p',
    {
      config: access,
      schema: {
        tags,
        summary:
          'An X12 005010X222A1 837P file of these ready or submitted claims (`ids` comma-separated), as they are (or were) submitted',
        querystring: z.object({
          ids: zIdList,
          /** T marks a test file for the clearinghouse; P (production) by default. */
          usage: z.enum(['P', 'T']).default('P'),
        }),
      },
    },
    async (request, reply) => {
      const { text, filename } = await export837P(db, requireCtx(request), request.query.ids, request.query.usage);
      return reply
        .type('application/edi-x12')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(text);
    },
  );
  app.get(
    '/api/claims/:id',
    { config: access, schema: { tags, summary: 'One claim', params: zIdParams, response: one } },
    async (request) => getClaim(db, requireCtx(request), request.params.id),
  );
  app.patch(
    '/api/claims/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Correct service lines (modifiers, diagnosis pointers) of a draft, ready or rejected claim',
        params: zIdParams,
        body: zClaimUpdate,
        response: one,
      },
    },
    async (request) => updateClaim(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/claims/:id/check',
    {
      config: access,
      schema: {
        tags,
        summary: 'Check a draft again after fixing the records (ready when nothing is missing)',
        params: zIdParams,
        response: one,
      },
    },
    async (request) => recheckClaim(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/claims/:id/submit',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Submit a claim: refused (422) with every problem listed while something is missing; the data set is then kept as submitted',
        params: zIdParams,
        response: one,
      },
    },
    async (request) => submitClaim(db, requireCtx(request), request.params.id),
  );
  app.post(
    '/api/claims/:id/status',
    {
      config: access,
      schema: {
        tags,
        summary: 'Record the insurer’s answer: accepted for processing, or rejected (with why; fix and resubmit)',
        params: zIdParams,
        body: zClaimStatusUpdate,
        response: one,
      },
    },
    async (request) => setClaimStatus(db, requireCtx(request), request.params.id, request.body),
  );
  app.post(
    '/api/claims/:id/remittance',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Post the insurer’s payment from its EOB, per service line: the payment, the patient’s responsibility, the contractual write-off (with the contracted rate, an underpayment stays owed); what is left goes to the secondary insurer’s claim when there is one',
        params: zIdParams,
        body: zRemittanceCreate,
        response: one,
      },
    },
    async (request) => postRemittance(db, requireCtx(request), request.params.id, request.body),
  );
  app.get(
    '/api/claims/:id/pdf',
    {
      config: access,
      schema: { tags, summary: 'The claim on a CMS-1500-style form (application/pdf)', params: zIdParams },
    },
    async (request, reply) => {
      const { pdf, filename } = await claimFormPdf(db, requireCtx(request), request.params.id);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );

  app.get(
    '/api/worklists/unpaid-claims',
    {
      config: access,
      schema: {
        tags,
        summary: 'Claims submitted (or accepted) at least `olderThanDays` days ago (30 by default) and not yet paid',
        querystring: z.object({ olderThanDays: z.coerce.number().int().min(0).max(3650).default(30) }),
        response: list,
      },
    },
    async (request) =>
      listClaims(db, requireCtx(request), {
        status: ['submitted', 'accepted'],
        statusOlderThanDays: request.query.olderThanDays,
      }),
  );
  app.get(
    '/api/worklists/denied-claims',
    {
      config: access,
      schema: {
        tags,
        summary: 'Claims to work: rejected, denied, or paid in part (denied lines, underpayments)',
        response: list,
      },
    },
    async (request) => listClaims(db, requireCtx(request), { status: ['rejected', 'denied', 'partially_paid'] }),
  );
  app.get(
    '/api/worklists/unbilled-charges',
    {
      config: access,
      schema: {
        tags,
        summary:
          'Charges not yet billed: an insurer’s portion on no claim, or a patient’s portion on no invoice (oldest first)',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                chargeId: z.string(),
                encounterId: z.string(),
                patientId: z.string(),
                patientName: z.string(),
                serviceDate: z.string(),
                code: z.string(),
                description: z.string(),
                amountCents: z.number().int(),
                insurerCents: z.number().int(),
                patientCents: z.number().int(),
                /** What is missing: a claim to the insurer, an invoice to the patient, or both. */
                missing: z.array(z.enum(['claim', 'invoice'])),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => unbilledCharges(db, requireCtx(request)),
  );
}
