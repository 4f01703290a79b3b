import type { Db } from '@tend/db';
import { AppError, can, type Permission, type RouteAccess } from '@tend/domain';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAccessDenied } from '../audit/service';
import { authenticateSession, authenticateToken, TOKEN_PREFIX } from '../auth/service';
import type { RequestContext, RequestOrigin } from '../context';

export const SESSION_COOKIE = 'tend_session';
/** Header the web app sets on polling requests, which must not count as user activity. */
export const BACKGROUND_HEADER = 'x-tend-background';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's context; set on every route whose access is not `public`. */
    ctx: RequestContext | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every `/api` route as registered, with the access it declares (for the route × role test). */
    apiRoutes: readonly ApiRoute[];
  }
}

export interface ApiRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 300) : null };
}

/** The context of a route that requires sign-in (the access hook has run). */
export function requireCtx(request: FastifyRequest): RequestContext {
  if (!request.ctx) throw new AppError('unauthenticated', 'Please sign in.');
  return request.ctx;
}

/**
 * Access control, first of two layers: every `/api` route must declare `config.access`, or the
 * server refuses to start. The service layer then checks the record (its clinic, its patient).
 */
export function registerAccessControl(app: FastifyInstance, db: Db): void {
  app.decorateRequest('ctx', null);
  const apiRoutes: ApiRoute[] = [];
  app.decorate('apiRoutes', apiRoutes);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith('/api/docs')) return;
    const access = route.config?.access;
    if (!access) {
      throw new Error(`Route ${route.method} ${route.url} declares no access (config.access); every API route must.`);
    }
    for (const method of [route.method].flat()) apiRoutes.push({ method, url: route.url, access });
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public' || access === 'local-cli') return;
    request.ctx = await authenticate(db, request);
    // A session that still owes the clinic's required two-step sign-in reaches only /api/auth/*
    // (session, sign-out, MFA enrolment).
    if (request.ctx.mfaEnrolmentPending && !request.routeOptions.url?.startsWith('/api/auth/')) {
      throw new AppError(
        'mfa_enrolment_required',
        'Your clinic requires two-step sign-in for your role. Set it up first: scan the QR code with an authenticator app.',
      );
    }
    if (access !== 'authenticated' && !can(request.ctx.role, access)) {
      await recordAccessDenied(db, request.ctx, {
        method: request.method,
        route: request.routeOptions.url ?? request.url,
        permission: access,
        params: request.params,
      });
      throw AppError.forbidden();
    }
    checkTokenScope(request.ctx, access);
  });
}

/**
 * An API token reaches only the routes whose permission is among its scopes (and, above, that its
 * owner's role still has). Routes for any signed-in person (`authenticated`: the session, the
 * dashboard, the clinic's settings) serve the web app and show what the role may see without naming
 * one permission, so tokens are refused there.
 */
export function checkTokenScope(ctx: RequestContext, access: Permission | 'authenticated'): void {
  if (!ctx.tokenScopes) return;
  if (access === 'authenticated') {
    throw AppError.forbidden('API tokens cannot use this route: it is for the signed-in web app.');
  }
  if (!ctx.tokenScopes.includes(access)) {
    throw AppError.forbidden(
      `This API token may not do this: it needs the scope ${access}. Create a token with that scope.`,
    );
  }
}

/**
 * Who sent the request: its API token or session cookie. Polling (the background header) and
 * live-update streams do not count as the user's activity.
 */
export async function authenticate(db: Db, request: FastifyRequest): Promise<RequestContext> {
  const origin = originOf(request);
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1].startsWith(TOKEN_PREFIX)) {
      throw new AppError(
        'unauthenticated',
        'Use "Authorization: Bearer <API token>" with a token from Admin → API tokens.',
      );
    }
    return authenticateToken(db, match[1], origin);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) throw new AppError('unauthenticated', 'Please sign in.');
  checkSameOrigin(request);
  const background =
    request.headers[BACKGROUND_HEADER] !== undefined || request.headers.accept?.includes('text/event-stream') === true;
  return authenticateSession(db, cookie, origin, { touch: !background });
}

/**
 * Cookie-authenticated changes must come from Tend's own pages. SameSite=Strict cookies already
 * stop cross-site requests in current browsers; this also refuses a foreign Origin header.
 */
function checkSameOrigin(request: FastifyRequest): void {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw AppError.forbidden('This request came from another site and was refused.');
  }
  // X-Forwarded-Host only with TEND_TRUST_PROXY (request.host honours Fastify's trustProxy).
  const host = request.host;
  if (originHost !== host) throw AppError.forbidden('This request came from another site and was refused.');
}
