import { zPatient, zPatientCreate, zPatientPatch, zPatientSummary, zText } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams, zPage } from '../http/schemas';
import { getPatient, registerPatient, searchPatients, updatePatient } from './service';

export function patientRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.get(
    '/api/patients',
    {
      config: { access: 'patient.read' },
      schema: {
        tags: ['patients'],
        summary:
          'Search patients by name fragment (typo-tolerant), MRN, phone or birth date; recent patients without q',
        querystring: zPage.extend({ q: zText(100).optional() }),
        response: { 200: z.object({ items: z.array(zPatientSummary) }), ...errorResponses },
      },
    },
    async (request) => searchPatients(db, requireCtx(request), request.query),
  );

  app.post(
    '/api/patients',
    {
      config: { access: 'patient.write' },
      schema: {
        tags: ['patients'],
        summary:
          'Register a patient. A likely duplicate gives 409 possible_duplicate with the candidates, unless allowDuplicate is true',
        body: zPatientCreate,
        response: { 201: zPatient, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await registerPatient(db, requireCtx(request), request.body)),
  );

  app.get(
    '/api/patients/:id',
    {
      config: { access: 'patient.read' },
      schema: {
        tags: ['patients'],
        summary: 'A patient’s demographics and contacts',
        params: zIdParams,
        response: { 200: zPatient, ...errorResponses },
      },
    },
    async (request) => getPatient(db, requireCtx(request), request.params.id),
  );

  app.patch(
    '/api/patients/:id',
    {
      config: { access: 'patient.write' },
      schema: {
        tags: ['patients'],
        summary: 'Change a patient’s details (only the fields given)',
        params: zIdParams,
        body: zPatientPatch,
        response: { 200: zPatient, ...errorResponses },
      },
    },
    async (request) => updatePatient(db, requireCtx(request), request.params.id, request.body),
  );
}
