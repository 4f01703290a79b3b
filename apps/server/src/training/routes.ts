import { AppError, t, zDemoCreate, zDemoSignIns, zTrainingPopulation } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionBody, setSessionCookie, zSessionBody } from '../auth/routes';
import { isSetUp } from '../clinic/service';
import { isLocalRequest, isSetupCode } from '../clinic/setup-code';
import { originOf, requireCtx, SESSION_COOKIE } from '../http/auth';
import { CSRF_COOKIE } from '../http/csrf';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { createDemoClinic, enterTraining, leaveTraining, resetTrainingFor } from './service';

export function trainingRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.post(
    '/api/training/enter',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['training'],
        summary:
          'Switch to your clinic’s training clinic with your own role (made and filled with mock data on the first switch); swaps the session cookie',
        response: { 200: zSessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const switched = await enterTraining(db, requireCtx(request), originOf(request));
      setSessionCookie(reply, deps, switched.token);
      return sessionBody(db, switched.user);
    },
  );

  app.post(
    '/api/training/leave',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['training'],
        summary:
          'Leave the training clinic: back to the real session it was opened from, or signed out (204) if that one has ended',
        response: { 200: zSessionBody, 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const back = await leaveTraining(db, requireCtx(request), originOf(request));
      if (!back) {
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        reply.clearCookie(CSRF_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      }
      setSessionCookie(reply, deps, back.token);
      return sessionBody(db, back.user);
    },
  );

  app.post(
    '/api/training/reset',
    {
      config: { access: 'training.reset' },
      schema: {
        tags: ['training'],
        summary:
          'Reset the training clinic to fresh mock data (everyone’s practice there is wiped; people practising stay signed in)',
        response: { 200: zTrainingPopulation, ...errorResponses },
      },
    },
    async (request) => resetTrainingFor(db, requireCtx(request)),
  );

  app.post(
    '/api/setup/training',
    {
      config: { access: 'public' },
      schema: {
        tags: ['setup'],
        summary:
          'Fresh install: make the stand-alone training clinic to explore and answer its sign-ins (refused once set up; same setup-code rule as /api/setup)',
        body: zDemoCreate,
        response: { 200: zDemoSignIns, ...errorResponses },
      },
    },
    async (request) => {
      if (!isLocalRequest(request) && !isSetupCode(deps.config, request.body.setupCode) && !(await isSetUp(db))) {
        const message = t('setup.codeWrong');
        throw new AppError('forbidden', message, { fields: [{ path: 'setupCode', message }] });
      }
      return createDemoClinic(db, originOf(request), { timezone: request.body.timezone });
    },
  );
}
