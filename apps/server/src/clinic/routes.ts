import { AppError, t, zClinic, zClinicSettingsPatch, zClinicSetup, zDemoSignIns } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setSessionCookie } from '../auth/routes';
import { getClinic, signIn } from '../auth/service';
import { originOf, requireCtx } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { demoSignIns } from '../training/service';
import { createClinic, isSetUp, updateClinic } from './service';
import { isLocalRequest, isSetupCode } from './setup-code';

export function clinicRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.get(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['setup'],
        summary: 'Whether the first-run setup is done, and whether this computer needs the setup code for it',
        response: {
          200: z.object({
            setUp: z.boolean(),
            codeRequired: z.boolean(),
            /** The fresh install's demo training clinic, once made: its sign-ins (public, like the README's). */
            demo: zDemoSignIns.nullable(),
          }),
        },
      },
    },
    async (request) => {
      const setUp = await isSetUp(db);
      return { setUp, codeRequired: !setUp && !isLocalRequest(request), demo: setUp ? null : await demoSignIns(db) };
    },
  );

  app.post(
    '/api/setup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['setup'],
        summary:
          'First run: create the clinic and its administrator (refused once set up; from another computer than the server’s own, only with the setup code `tend start` prints); signs the administrator in',
        body: zClinicSetup,
        response: { 201: z.object({ clinicId: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const origin = originOf(request);
      if (!isLocalRequest(request) && !isSetupCode(deps.config, request.body.setupCode) && !(await isSetUp(db))) {
        const message = t('setup.codeWrong');
        throw new AppError('forbidden', message, { fields: [{ path: 'setupCode', message }] });
      }
      const { clinicId } = await createClinic(db, request.body, origin, { onlyIfEmpty: true });
      const signedIn = await signIn(
        db,
        { email: request.body.adminEmail, password: request.body.adminPassword },
        origin,
      );
      // A new administrator has no two-step sign-in yet, so this is always a session.
      if ('token' in signedIn) setSessionCookie(reply, deps, signedIn.token);
      return reply.status(201).send({ clinicId });
    },
  );

  app.get(
    '/api/clinic',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['clinic'], summary: 'The clinic’s settings', response: { 200: zClinic, ...errorResponses } },
    },
    async (request) => getClinic(db, requireCtx(request).clinicId),
  );

  app.patch(
    '/api/clinic',
    {
      config: { access: 'clinic.manage' },
      schema: {
        tags: ['clinic'],
        summary: 'Change the clinic’s settings (name, time zone, idle time-out…)',
        body: zClinicSettingsPatch,
        response: { 200: zClinic, ...errorResponses },
      },
    },
    async (request) => updateClinic(db, requireCtx(request), request.body),
  );
}
