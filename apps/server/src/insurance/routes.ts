import { zCoverage, zCoverageCreate, zCoveragePatch, zPayer, zPayerCreate, zPayerPatch } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses, zIdParams } from '../http/schemas';
import { createCoverage, createPayer, listCoverages, listPayers, updateCoverage, updatePayer } from './service';

export function insuranceRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.get(
    '/api/payers',
    {
      config: { access: 'payer.read' },
      schema: {
        tags: ['insurance'],
        summary: 'The clinic’s payer list',
        response: { 200: z.object({ items: z.array(zPayer) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listPayers(db, requireCtx(request)) }),
  );
  app.post(
    '/api/payers',
    {
      config: { access: 'payer.manage' },
      schema: {
        tags: ['insurance'],
        summary: 'Add a payer, optionally with its member ID format (a regular expression)',
        body: zPayerCreate,
        response: { 201: zPayer, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createPayer(db, requireCtx(request), request.body)),
  );
  app.patch(
    '/api/payers/:id',
    {
      config: { access: 'payer.manage' },
      schema: {
        tags: ['insurance'],
        summary: 'Change a payer',
        params: zIdParams,
        body: zPayerPatch,
        response: { 200: zPayer, ...errorResponses },
      },
    },
    async (request) => updatePayer(db, requireCtx(request), request.params.id, request.body),
  );

  app.get(
    '/api/patients/:id/coverages',
    {
      config: { access: 'coverage.read' },
      schema: {
        tags: ['insurance'],
        summary: 'A patient’s insurance coverages',
        params: zIdParams,
        response: { 200: z.object({ items: z.array(zCoverage) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listCoverages(db, requireCtx(request), request.params.id) }),
  );
  app.post(
    '/api/patients/:id/coverages',
    {
      config: { access: 'coverage.write' },
      schema: {
        tags: ['insurance'],
        summary: 'Add a coverage; the member ID is checked against the payer’s format',
        params: zIdParams,
        body: zCoverageCreate,
        response: { 201: zCoverage, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCoverage(db, requireCtx(request), request.params.id, request.body)),
  );
  app.patch(
    '/api/patients/:id/coverages/:coverageId',
    {
      config: { access: 'coverage.write' },
      schema: {
        tags: ['insurance'],
        summary: 'Change a coverage (e.g. end it with a “valid to” date)',
        params: zIdParams.extend({ coverageId: z.uuid() }),
        body: zCoveragePatch,
        response: { 200: zCoverage, ...errorResponses },
      },
    },
    async (request) =>
      updateCoverage(db, requireCtx(request), request.params.id, request.params.coverageId, request.body),
  );
}
