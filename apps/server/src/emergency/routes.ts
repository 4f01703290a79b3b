import {
  zClinicalAccess,
  zEmergencyAccess,
  zEmergencyAccessQuery,
  zEmergencyAccessRequest,
  zEmergencyReview,
  zPatient,
  zRestrictedPatch,
} from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import {
  clinicalAccessOf,
  grantEmergencyAccess,
  listEmergencyAccess,
  reviewEmergencyAccess,
  setPatientRestricted,
} from './service';

/** Restricted records and emergency ("break the glass") access with its review queue. */
export function emergencyRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const tags = ['emergency access'];

  app.put(
    '/api/patients/:id/restricted',
    {
      config: { access: 'patient.restrict' },
      schema: {
        tags,
        summary:
          'Restrict a patient’s clinical record to their care providers (and emergency grants), or lift the restriction',
        params: zIdParams,
        body: zRestrictedPatch,
        response: { 200: zPatient, ...errorResponses },
      },
    },
    async (request) => setPatientRestricted(db, requireCtx(request), request.params.id, request.body.restricted),
  );

  app.get(
    '/api/patients/:id/clinical-access',
    {
      config: { access: 'clinical.read' },
      schema: {
        tags,
        summary:
          'How the signed-in user reaches the patient’s clinical record: open, care provider, emergency grant (with its end) or denied',
        params: zIdParams,
        response: { 200: zClinicalAccess, ...errorResponses },
      },
    },
    async (request) => clinicalAccessOf(db, requireCtx(request), request.params.id),
  );

  app.post(
    '/api/patients/:id/emergency-access',
    {
      config: { access: 'emergency.access' },
      schema: {
        tags,
        summary:
          'Open a restricted record outside one’s care relationship, with a reason (at least 10 characters), for the clinic’s emergency access minutes; reviewed by a manager',
        params: zIdParams,
        body: zEmergencyAccessRequest,
        response: { 201: zEmergencyAccess, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await grantEmergencyAccess(db, requireCtx(request), request.params.id, request.body)),
  );

  app.get(
    '/api/emergency-access',
    {
      config: { access: 'emergency.review' },
      schema: {
        tags,
        summary: 'Emergency accesses with their reasons: those waiting for a review (default), or all',
        querystring: zEmergencyAccessQuery,
        response: { 200: z.object({ items: z.array(zEmergencyAccess) }), ...errorResponses },
      },
    },
    async (request) => listEmergencyAccess(db, requireCtx(request), request.query),
  );

  app.post(
    '/api/emergency-access/:id/review',
    {
      config: { access: 'emergency.review' },
      schema: {
        tags,
        summary: 'Record whether an emergency access was appropriate, with an optional note (once)',
        params: zIdParams,
        body: zEmergencyReview,
        response: { 200: zEmergencyAccess, ...errorResponses },
      },
    },
    async (request) => reviewEmergencyAccess(db, requireCtx(request), request.params.id, request.body),
  );
}
