import { existsSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { AppError } from '@tend/domain';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminRoutes } from '../admin/routes';
import { auditRoutes } from '../audit/routes';
import { authRoutes } from '../auth/routes';
import { backupRoutes } from '../backup/routes';
import { billingRoutes } from '../billing/routes';
import { claimRoutes } from '../claims/routes';
import { cliRoutes } from '../cli/routes';
import { clinicRoutes } from '../clinic/routes';
import { codeRoutes } from '../codes/routes';
import { dashboardRoutes } from '../dashboard/routes';
import { emailRoutes } from '../email/routes';
import { emergencyRoutes } from '../emergency/routes';
import { type EventHub, startEventHub } from '../events/hub';
import { eventRoutes } from '../events/routes';
import { insuranceRoutes } from '../insurance/routes';
import { messagingRoutes } from '../messaging/routes';
import { patientRoutes } from '../patients/routes';
import { recallRoutes } from '../recalls/routes';
import { reminderRoutes } from '../reminders/routes';
import { reportRoutes } from '../reports/routes';
import { schedulingRoutes } from '../scheduling/routes';
import { amendmentRoutes } from '../visits/amendment-routes';
import { visitRoutes } from '../visits/routes';
import { waitlistRoutes } from '../waitlist/routes';
import { registerAccessControl } from './auth';
import { registerCsrfProtection } from './csrf';
import type { Deps } from './deps';
import { registerErrorHandling } from './errors';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live updates of every clinic served by this process. */
    events: EventHub;
  }
}

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));
export const VERSION = '0.1.0';

/**
 * Log fields that may hold a secret, censored wherever they appear: a future
 * `log.info({ headers })` or `log.info({ body })` must not write a cookie, token or password.
 */
export const LOG_REDACT_PATHS = [
  ...['headers', '*.headers'].flatMap((at) =>
    ['authorization', 'cookie', '["set-cookie"]', '["x-tend-csrf"]', '["x-tend-cli-secret"]'].map((name) =>
      name.startsWith('[') ? `${at}${name}` : `${at}.${name}`,
    ),
  ),
  ...['password', 'newPassword', 'token', 'secret', 'secretKey', 'authToken', 'databaseUrl'].flatMap((name) => [
    name,
    `*.${name}`,
  ]),
];

/** Builds the whole HTTP application: API, OpenAPI docs and the web app. */
export async function buildApp(
  deps: Deps,
  options: { logLevel: string | false; logStream?: NodeJS.WritableStream; https?: TlsOptions },
): Promise<FastifyInstance> {
  const app = Fastify({
    // Structured JSON logs (pino). Requests are logged by the hook below, without patient data.
    logger: options.logLevel
      ? {
          level: options.logLevel,
          base: { service: 'tend' },
          redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
          ...(options.logStream ? { stream: options.logStream } : {}),
        }
      : false,
    ...(options.https ? { https: { ...options.https, minVersion: 'TLSv1.2' as const } } : {}),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1_048_576,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The API speaks JSON only: a text/plain body (which a foreign page can send without a
  // preflight) is refused with 415 before any route runs.
  app.removeContentTypeParser('text/plain');

  // Request logs carry the route pattern and status, never the query string or a body:
  // both may hold patient names.
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  // API answers carry patient data: no browser or proxy may keep a copy.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs'))
      reply.header('cache-control', 'no-store');
  });
  await app.register(fastifyCookie);
  registerErrorHandling(app);
  registerAccessControl(app, deps.database.db);
  registerCsrfProtection(app, { secure: deps.config.secureCookies });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Tend API',
        version: VERSION,
        description:
          'Clinic management: patients, insurance, staff. Authenticate with the session cookie (web app) or `Authorization: Bearer <token>` (scripts; create tokens under Admin → API tokens or with `tend token create`). Errors are `{ "error": { "code", "message", "fields": [{ "path", "message" }] } }`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database status',
        response: {
          200: z.object({
            status: z.literal('ok'),
            version: z.string(),
            database: z.object({ kind: z.string(), ok: z.boolean() }),
          }),
          503: z.object({
            status: z.literal('unavailable'),
            version: z.string(),
            database: z.object({ kind: z.string(), ok: z.boolean() }),
          }),
        },
      },
    },
    async (_request, reply) => {
      const database = { kind: deps.database.kind, ok: true };
      try {
        await deps.database.db.execute(sql`SELECT 1`);
      } catch {
        return reply
          .status(503)
          .send({ status: 'unavailable', version: VERSION, database: { ...database, ok: false } });
      }
      return { status: 'ok' as const, version: VERSION, database };
    },
  );
  typed.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  authRoutes(app, deps);
  clinicRoutes(app, deps);
  adminRoutes(app, deps);
  patientRoutes(app, deps);
  emergencyRoutes(app, deps);
  insuranceRoutes(app, deps);
  schedulingRoutes(app, deps);
  waitlistRoutes(app, deps);
  visitRoutes(app, deps);
  billingRoutes(app, deps);
  claimRoutes(app, deps);
  reminderRoutes(app, deps);
  recallRoutes(app, deps);
  amendmentRoutes(app, deps);
  reportRoutes(app, deps);
  dashboardRoutes(app, deps);
  codeRoutes(app, deps);
  emailRoutes(app, deps);
  messagingRoutes(app, deps);
  const events = await startEventHub(deps.database, () => app.log.warn('ignored a malformed live-update event'));
  app.decorate('events', events);
  app.addHook('onClose', () => events.close());
  eventRoutes(app, deps, events);
  auditRoutes(app, deps);
  cliRoutes(app, deps);
  backupRoutes(app, deps);

  // The web app: static files, and index.html for every other non-API path (client routing).
  const hasWeb = existsSync(`${WEB_DIST}/index.html`);
  if (hasWeb) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart;
    // a missing file falls through to the not-found handler below.
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      wildcard: true,
      index: 'index.html',
      // Hashed assets never change; the page itself is always revalidated.
      setHeaders: (reply, path) =>
        reply.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return reply.status(404).send(new AppError('not_found', 'There is no such API route.').toBody());
    }
    if (!hasWeb) {
      return reply
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run "npm run build" (or start Tend with "npm start").');
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
}
