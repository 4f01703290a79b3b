import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, t } from '@tend/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SESSION_MAX_HOURS } from '../auth/service';
import { SESSION_COOKIE } from './auth';

/** Readable by the web app's script (not HttpOnly), which copies it into `CSRF_HEADER`. */
export const CSRF_COOKIE = 'tend_csrf';
export const CSRF_HEADER = 'x-tend-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session's CSRF token: an HMAC of the session's secret, so it is as unguessable as the
 * session, belongs to that session only (a cookie planted by a sibling site cannot match), and
 * needs no storage.
 */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('tend-csrf').digest('base64url');
}

export function setCsrfCookie(reply: FastifyReply, sessionToken: string, options: { secure: boolean }): void {
  reply.setCookie(CSRF_COOKIE, csrfToken(sessionToken), {
    httpOnly: false,
    sameSite: 'strict',
    secure: options.secure,
    path: '/',
    maxAge: SESSION_MAX_HOURS * 3600,
  });
}

/**
 * Double-submit CSRF check. Runs after access control: a cookie-authenticated request that
 * changes something must carry `x-tend-csrf` equal to its session's token (the `tend_csrf`
 * cookie, which another site can neither read nor set for this session). API tokens
 * (`Authorization: Bearer`) are not sent by browsers on their own and are exempt; so are public
 * routes (sign-in, setup, patients' signed links, webhooks), which act on no session.
 * A signed-in request whose `tend_csrf` cookie is missing or stale gets it again.
 */
export function registerCsrfProtection(app: FastifyInstance, options: { secure: boolean }): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.ctx || request.headers.authorization !== undefined) return;
    const session = request.cookies[SESSION_COOKIE];
    if (!session) return;
    const expected = csrfToken(session);
    if (request.cookies[CSRF_COOKIE] !== expected) setCsrfCookie(reply, session, options);
    if (SAFE_METHODS.has(request.method)) return;
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameText(sent, expected)) {
      throw new AppError('csrf_failed', t('error.csrfFailed'));
    }
  });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
