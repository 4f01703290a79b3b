import { zPatient, zPatientCreate, zPatientPatch, zPatientSummary, zText } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams, zPage } from '../http/schemas';
import { exportPatientRecord } from './export';
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

  app.get(
    '/api/patients/:id/export',
    {
      config: { access: 'patient.export' },
      schema: {
        tags: ['patients'],
        summary:
          'The patient’s whole record for their right of access, as a JSON or PDF download (audited as patient.export, listed as a disclosure)',
        params: zIdParams,
        querystring: z.object({ format: z.enum(['json', 'pdf']).default('json') }),
        response: { 200: z.record(z.string(), z.unknown()), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      const exported = await exportPatientRecord(db, requireCtx(request), request.params.id, format);
      reply
        .header('content-disposition', `attachment; filename="${exported.filename}"`)
        .header('cache-control', 'no-store');
      if (exported.pdf) return reply.type('application/pdf').send(exported.pdf as never); // bytes, not JSON
      return exported.record;
    },
  );
}
