import { type Db, schema } from '@tend/db';
import {
  zClinic,
  zEmail,
  zMfaChallenge,
  zMfaConfirm,
  zMfaDisable,
  zMfaEnrolment,
  zMfaSignIn,
  zMfaStatus,
  zRecoveryCodes,
  zRole,
} from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { originOf, requireCtx, SESSION_COOKIE } from '../http/auth';
import { CSRF_COOKIE, setCsrfCookie } from '../http/csrf';
import type { Deps } from '../http/deps';
import { errorResponses } from '../http/schemas';
import { completeMfaSignIn, confirmMfa, disableMfa, mfaStatus, startMfaEnrolment } from './mfa';
import { getClinic, SESSION_MAX_HOURS, type SessionUser, signIn, signOut } from './service';

export const zSessionBody = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: zRole }),
  clinic: zClinic,
  /** Two-step sign-in: on for this person; required by the clinic for their role. */
  mfa: z.object({ enabled: z.boolean(), required: z.boolean() }),
  /**
   * In a training clinic as the stand-in of a real account: that account's email (unlocking the
   * idle lock signs in as it, then re-enters training). Null outside training and on the demo.
   */
  trainingFor: z.object({ email: z.string() }).nullable(),
});

export async function sessionBody(db: Db, user: SessionUser): Promise<z.infer<typeof zSessionBody>> {
  const clinic = await getClinic(db, user.clinicId);
  const [row] = await db
    .select({ mfaEnabledAt: schema.users.mfaEnabledAt, trainingFor: schema.users.trainingFor })
    .from(schema.users)
    .where(eq(schema.users.id, user.id));
  const [real] = row?.trainingFor
    ? await db.select({ email: schema.users.email }).from(schema.users).where(eq(schema.users.id, row.trainingFor))
    : [];
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    clinic,
    mfa: { enabled: Boolean(row?.mfaEnabledAt), required: clinic.mfaRequiredRoles.includes(user.role) },
    trainingFor: real ? { email: real.email } : null,
  };
}

export function setSessionCookie(reply: FastifyReply, deps: Deps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: deps.config.secureCookies,
    path: '/',
    maxAge: SESSION_MAX_HOURS * 3600,
  });
  setCsrfCookie(reply, token, { secure: deps.config.secureCookies });
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
        summary:
          'Sign in with email and password; sets the session cookie. With two-step sign-in on, answers a challenge instead: send it with a code to /api/auth/sign-in/mfa',
        body: z.object({ email: zEmail, password: z.string().min(1).max(256) }),
        response: { 200: z.union([zSessionBody, zMfaChallenge]), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await signIn(db, request.body, originOf(request), {
        previousToken: request.cookies[SESSION_COOKIE],
      });
      if ('challenge' in result) return { challenge: result.challenge, expiresAt: result.expiresAt.toISOString() };
      setSessionCookie(reply, deps, result.token);
      return sessionBody(db, result.user);
    },
  );

  app.post(
    '/api/auth/sign-in/mfa',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Second step of sign-in: the challenge with a code from the authenticator app or a recovery code',
        body: zMfaSignIn,
        response: { 200: zSessionBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { token, user } = await completeMfaSignIn(db, deps.config, request.body, originOf(request), {
        previousToken: request.cookies[SESSION_COOKIE],
      });
      setSessionCookie(reply, deps, token);
      return sessionBody(db, user);
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
      return sessionBody(db, {
        id: ctx.userId,
        email: ctx.email,
        name: ctx.userName,
        role: ctx.role,
        clinicId: ctx.clinicId,
      });
    },
  );

  // ---- Two-step sign-in of the signed-in person
  app.get(
    '/api/auth/mfa',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Your two-step sign-in: on or off, required by the clinic, recovery codes left',
        response: { 200: zMfaStatus, ...errorResponses },
      },
    },
    async (request) => mfaStatus(db, requireCtx(request)),
  );
  app.post(
    '/api/auth/mfa/enrol',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Start setting up two-step sign-in: a new secret with its QR code (in force after /confirm)',
        response: { 200: zMfaEnrolment, ...errorResponses },
      },
    },
    async (request) => startMfaEnrolment(db, deps.config, requireCtx(request)),
  );
  app.post(
    '/api/auth/mfa/confirm',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary:
          'Turn two-step sign-in on with the first code from the app; answers the recovery codes (shown once) and ends your other sessions',
        body: zMfaConfirm,
        response: { 200: zRecoveryCodes, ...errorResponses },
      },
    },
    async (request) => confirmMfa(db, deps.config, requireCtx(request), request.body.code),
  );
  app.post(
    '/api/auth/mfa/disable',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Turn two-step sign-in off with your password and a current code; ends your other sessions',
        body: zMfaDisable,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await disableMfa(db, deps.config, requireCtx(request), request.body);
      return reply.status(204).send(null);
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
        reply.clearCookie(CSRF_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  }
}
