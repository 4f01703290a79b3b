import { zClinic, zEmail, zRole } from '@tend/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { originOf, requireCtx, SESSION_COOKIE } from '../http/auth';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { getClinic, SESSION_MAX_HOURS, signIn, signOut } from './service';

const zSessionBody = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: zRole }),
  clinic: zClinic,
});

export function setSessionCookie(reply: FastifyReply, deps: Deps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.secureCookies,
    path: '/',
    maxAge: SESSION_MAX_HOURS * 3600,
  });
}

export function authRoutes(server: FastifyInstance, deps: Deps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  app.post(
    '/api/auth/sign-in',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: z.object({ email: zEmail, password: z.string().min(1).max(256) }),
        response: { 200: zSessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, user } = await signIn(db, request.body, originOf(request));
      setSessionCookie(reply, deps, token);
      return { user, clinic: await getClinic(db, user.clinicId) };
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and clinic',
        response: { 200: zSessionBody, ...errorResponses },
      },
    },
    async (request) => {
      const ctx = requireCtx(request);
      return {
        user: { id: ctx.userId, email: ctx.email, name: ctx.userName, role: ctx.role },
        clinic: await getClinic(db, ctx.clinicId),
      };
    },
  );

  for (const [url, everywhere] of [
    ['/api/auth/sign-out', false],
    ['/api/auth/sign-out-everywhere', true],
  ] as const) {
    app.post(
      url,
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: everywhere ? 'End all of your sessions on every device' : 'End this session',
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await signOut(db, requireCtx(request), everywhere);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  }
}
