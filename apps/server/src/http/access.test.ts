import { randomUUID } from 'node:crypto';
import { queryRows } from '@tend/db';
import { can, PERMISSIONS, type Permission, ROLES, type Role, type RouteAccess } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForUser, createApiToken } from '../auth/service';
import { loadConfig } from '../config';
import { type ApiClient, type ApiResponse, createTestApp, request, type TestApp } from '../test/harness';
import { buildApp } from './app';
import type { ApiRoute } from './auth';

/**
 * The route × role matrix: every registered API route, tried as every role, must answer exactly
 * as the permission table in packages/domain/src/permissions.ts says.
 */

let t: TestApp;
let baseUrl: string;
const as = {} as Record<Role, ApiClient>;
const emails = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp();
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const clinic = await t.createClinic();
  await Promise.all(
    ROLES.map(async (role) => {
      const account = role === 'admin' ? clinic.admin : await clinic.addUser(role);
      emails[role] = account.email;
      as[role] = await t.signIn(account);
    }),
  );
});
afterAll(() => t.close());

const isPermission = (access: RouteAccess): access is Permission => access in PERMISSIONS;
const routes = (): ApiRoute[] => t.app.apiRoutes.filter((route) => route.method !== 'HEAD');
const name = (route: ApiRoute) => `${route.method} ${route.url}`;

/** Required query strings of list routes (a valid, empty range). */
const SAMPLE_QUERIES: Record<string, string> = {
  '/api/appointments': '?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z',
  // The appointment type is a random id: 404 for those allowed, which is enough here.
  '/api/slots': `?appointmentTypeId=${randomUUID()}&from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z`,
  '/api/slots/next': `?appointmentTypeId=${randomUUID()}`,
  '/api/working-time': '?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z',
  '/api/waitlist/matches': `?providerId=${randomUUID()}&start=2030-01-01T09:00:00Z&end=2030-01-01T10:00:00Z`,
  '/api/waitlist/offers': '?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z',
  '/api/codes/icd10': '?q=flu',
  '/api/reports/appointments': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/appointments/rows': '?from=2030-01-01&to=2030-01-07&metric=all',
  '/api/reports/utilisation': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/utilisation/rows': '?from=2030-01-01&to=2030-01-07&metric=booked',
  '/api/reports/reminders': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/reminders/rows': '?from=2030-01-01&to=2030-01-07&metric=sent',
  '/api/reports/patients': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/patients/rows': '?from=2030-01-01&to=2030-01-07&metric=seen',
  '/api/reports/revenue': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/revenue/rows': '?from=2030-01-01&to=2030-01-07&metric=charges',
  '/api/reports/reconciliation': '?from=2030-01-01&to=2030-01-07',
  '/api/reports/reconciliation/rows': '?from=2030-01-01&to=2030-01-07&metric=charges_unbilled',
  '/api/reports/day-sheet': '?from=2030-01-01&to=2030-01-07&group=day',
  '/api/reports/day-sheet/rows': '?from=2030-01-01&to=2030-01-07&metric=charges',
  // Every role may read one patient's log (a random one: 404); the whole log needs the outbox.
  '/api/messages': `?patientId=${randomUUID()}`,
};
const NAMES_A_RECORD_IN_QUERY = new Set([
  '/api/slots',
  '/api/slots/next',
  '/api/waitlist/matches',
  '/api/claims/export/837p',
  '/api/messages',
]);

/** Routes that stream (server-sent events): asked over real HTTP, and left once the status is known. */
const STREAMS = new Set(['/api/events']);

async function callStream(url: string, headers: Record<string, string>): Promise<ApiResponse> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}${url}`, { headers, signal: controller.signal });
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  controller.abort();
  return { status: response.status, body, headers: {} };
}

/** A request of the right shape: random ids in the path (so nothing real is touched), an empty body. */
function call(route: ApiRoute, headers: Record<string, string> = {}) {
  const url = route.url.replace(/:\w+/g, () => randomUUID()) + (SAMPLE_QUERIES[route.url] ?? '');
  if (STREAMS.has(route.url)) return callStream(url, headers);
  const method = route.method as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  return request(t.app, method, url, {
    headers,
    body: method === 'POST' || method === 'PATCH' || method === 'PUT' ? {} : undefined,
  });
}

describe('every API route declares its access', () => {
  it('collects every route, documented or hidden', () => {
    const collected = new Set(routes().map(name));
    const documented = Object.entries(t.app.swagger().paths ?? {}).flatMap(([path, operations]) =>
      Object.keys(operations ?? {}).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(25);
    for (const route of documented) expect(collected, route).toContain(route);
    // Hidden routes are enumerated too.
    expect(collected).toContain('POST /api/internal/cli');
    expect(collected).toContain('GET /api/openapi.json');
  });

  it('declares a known access on every route', () => {
    for (const route of t.app.apiRoutes) {
      const known = isPermission(route.access) || ['public', 'authenticated', 'local-cli'].includes(route.access);
      expect(known, `${name(route)} declares "${route.access}"`).toBe(true);
    }
  });

  it('declares the permission each action needs (a change here is a security decision)', () => {
    const declared = Object.fromEntries(routes().map((route) => [name(route), route.access]));
    expect(declared).toEqual({
      // Public: liveness, API docs, sign-in and the first-run setup (refused once set up).
      'GET /api/health': 'public',
      'GET /api/openapi.json': 'public',
      'POST /api/auth/sign-in': 'public',
      'POST /api/auth/sign-in/mfa': 'public',
      'GET /api/setup': 'public',
      'GET /api/public/links/:token': 'public',
      'POST /api/public/links/:token': 'public',
      'POST /api/setup': 'public',
      // The fresh install's demo training clinic (refused once set up, setup code from afar).
      'POST /api/setup/training': 'public',
      // Anyone practises, with their own role; a manager resets the practice data.
      'POST /api/training/enter': 'authenticated',
      'POST /api/training/leave': 'authenticated',
      'POST /api/training/reset': 'training.reset',
      'GET /api/auth/session': 'authenticated',
      'POST /api/auth/sign-out': 'authenticated',
      'POST /api/auth/sign-out-everywhere': 'authenticated',
      'GET /api/auth/mfa': 'authenticated',
      'POST /api/auth/mfa/enrol': 'authenticated',
      'POST /api/auth/mfa/confirm': 'authenticated',
      'POST /api/auth/mfa/disable': 'authenticated',
      'GET /api/clinic': 'authenticated',
      'GET /api/dashboard': 'authenticated',
      'GET /api/downtime/contacts.pdf': 'downtime.print',
      'GET /api/downtime/schedule.pdf': 'downtime.print',
      'GET /api/downtime/sheet': 'downtime.print',
      'GET /api/offline/copy': 'offline.copy',
      'GET /api/settings/downtime-print': 'schedule.manage',
      'PUT /api/settings/downtime-print': 'schedule.manage',
      // The training clinic's exercises: about oneself only, 404 in a real clinic.
      'GET /api/training/exercises': 'authenticated',
      'POST /api/training/exercises/:id/start': 'authenticated',
      'POST /api/training/page-visits': 'authenticated',
      'PATCH /api/clinic': 'clinic.manage',
      'GET /api/users': 'user.read',
      'POST /api/users': 'user.manage',
      'PATCH /api/users/:id': 'user.manage',
      'POST /api/users/:id/mfa/reset': 'user.manage',
      'GET /api/providers': 'provider.read',
      'POST /api/providers': 'provider.manage',
      'PATCH /api/providers/:id': 'provider.manage',
      'GET /api/locations': 'location.read',
      'POST /api/locations': 'location.manage',
      'PATCH /api/locations/:id': 'location.manage',
      'GET /api/tokens': 'token.manage',
      'POST /api/tokens': 'token.manage',
      'DELETE /api/tokens/:id': 'token.manage',
      'GET /api/backups': 'backup.manage',
      'POST /api/backups': 'backup.manage',
      'GET /api/patients': 'patient.read',
      'POST /api/patients': 'patient.write',
      'GET /api/patients/:id': 'patient.read',
      'PATCH /api/patients/:id': 'patient.write',
      'GET /api/patients/:id/export': 'patient.export',
      'GET /api/payers': 'payer.read',
      'POST /api/payers': 'payer.manage',
      'PATCH /api/payers/:id': 'payer.manage',
      'GET /api/patients/:id/coverages': 'coverage.read',
      'POST /api/patients/:id/coverages': 'coverage.write',
      'PATCH /api/patients/:id/coverages/:coverageId': 'coverage.write',
      'GET /api/audit-events': 'audit.read',
      'GET /api/audit-events/verify': 'audit.read',
      'GET /api/patients/:id/disclosures': 'audit.read',
      'GET /api/appointment-types': 'schedule.read',
      'POST /api/appointment-types': 'schedule.manage',
      'PATCH /api/appointment-types/:id': 'schedule.manage',
      'GET /api/rooms': 'schedule.read',
      'POST /api/rooms': 'schedule.manage',
      'PATCH /api/rooms/:id': 'schedule.manage',
      'GET /api/providers/:id/working-hours': 'schedule.read',
      'PUT /api/providers/:id/working-hours': 'schedule.manage',
      'GET /api/providers/:id/time-off': 'schedule.read',
      'POST /api/providers/:id/time-off': 'schedule.manage',
      'GET /api/providers/:id/extra-hours': 'schedule.read',
      'POST /api/providers/:id/extra-hours': 'schedule.manage',
      'GET /api/time-off': 'schedule.read',
      'POST /api/time-off': 'schedule.manage',
      'GET /api/slots': 'schedule.read',
      'GET /api/slots/next': 'schedule.read',
      'GET /api/working-time': 'schedule.read',
      'GET /api/appointments': 'schedule.read',
      'POST /api/appointments': 'appointment.write',
      'GET /api/appointments/:id': 'schedule.read',
      'POST /api/appointments/:id/reschedule': 'appointment.write',
      'POST /api/appointments/:id/cancel': 'appointment.write',
      'POST /api/appointments/:id/confirm': 'appointment.write',
      'POST /api/appointments/:id/check-in': 'appointment.write',
      'POST /api/appointments/:id/start': 'appointment.write',
      'POST /api/appointments/:id/complete': 'appointment.write',
      'POST /api/appointments/:id/no-show': 'appointment.write',
      'POST /api/internal/cli': 'local-cli',
      'GET /api/events': 'schedule.read',
      'POST /api/appointments/series/plan': 'appointment.write',
      'POST /api/appointments/series': 'appointment.write',
      'GET /api/waitlist': 'schedule.read',
      'POST /api/waitlist': 'appointment.write',
      'POST /api/waitlist/:id/remove': 'appointment.write',
      'GET /api/waitlist/matches': 'schedule.read',
      'GET /api/waitlist/offers': 'schedule.read',
      'POST /api/waitlist/offers/:id/release': 'appointment.write',
      'GET /api/services': 'service.read',
      'POST /api/services': 'service.manage',
      'PATCH /api/services/:id': 'service.manage',
      'GET /api/note-templates': 'authenticated',
      'POST /api/note-templates': 'template.manage',
      'PATCH /api/note-templates/:id': 'template.manage',
      'POST /api/encounters': 'clinical.write',
      'GET /api/encounters': 'clinical.read',
      'GET /api/encounters/without-charge': 'charge.read',
      'GET /api/encounters/:id': 'clinical.read',
      'PATCH /api/encounters/:id': 'clinical.write',
      'POST /api/encounters/:id/sign': 'encounter.sign',
      'POST /api/encounters/:id/addenda': 'note.write',
      'GET /api/patients/:id/amendments': 'amendment.read',
      'POST /api/patients/:id/amendments': 'amendment.manage',
      'POST /api/amendments/:id/decision': 'amendment.manage',
      'POST /api/amendments/:id/disagreement': 'amendment.manage',
      'POST /api/encounters/:id/vitals': 'clinical.write',
      'POST /api/encounters/:id/follow-ups': 'note.write',
      'GET /api/patients/:id/vitals': 'clinical.read',
      'GET /api/patients/:id/chart': 'clinical.read',
      'PUT /api/patients/:id/restricted': 'patient.restrict',
      'GET /api/patients/:id/clinical-access': 'clinical.read',
      'POST /api/patients/:id/emergency-access': 'emergency.access',
      'GET /api/emergency-access': 'emergency.review',
      'POST /api/emergency-access/:id/review': 'emergency.review',
      'POST /api/patients/:id/allergies': 'clinical.write',
      'PATCH /api/allergies/:id': 'clinical.write',
      'POST /api/patients/:id/medications': 'clinical.write',
      'PATCH /api/medications/:id': 'clinical.write',
      'POST /api/problems/:id/resolve': 'note.write',
      'GET /api/charges': 'charge.read',
      'GET /api/recalls': 'recall.read',
      'POST /api/recalls/:id/close': 'appointment.write',
      'POST /api/recalls/:id/contact': 'appointment.write',
      'POST /api/payments': 'payment.post',
      'GET /api/payments': 'balance.read',
      'POST /api/payments/:id/reverse': 'billing.manage',
      'POST /api/payments/:id/allocations': 'payment.post',
      'GET /api/payments/:id/receipt': 'payment.post',
      'POST /api/adjustments/:id/reverse': 'billing.manage',
      'POST /api/adjustments': 'billing.manage',
      'POST /api/adjustments/transfer': 'billing.manage',
      'GET /api/patients/:id/balance': 'balance.read',
      'GET /api/reports/ar-aging': 'billing.manage',
      'GET /api/reports/appointments': 'report.read',
      'GET /api/reports/appointments/rows': 'report.read',
      'GET /api/reports/utilisation': 'report.read',
      'GET /api/reports/utilisation/rows': 'report.read',
      'GET /api/reports/reminders': 'report.read',
      'GET /api/reports/reminders/rows': 'report.read',
      'GET /api/reports/patients': 'report.read',
      'GET /api/reports/patients/rows': 'report.read',
      'GET /api/reports/revenue': 'billing.manage',
      'GET /api/reports/revenue/rows': 'billing.manage',
      'GET /api/reports/reconciliation': 'billing.manage',
      'GET /api/reports/reconciliation/rows': 'billing.manage',
      'GET /api/reports/day-sheet': 'billing.manage',
      'GET /api/reports/day-sheet/rows': 'billing.manage',
      'POST /api/invoices': 'billing.manage',
      'GET /api/invoices': 'billing.manage',
      'GET /api/invoices/:id': 'billing.manage',
      'GET /api/invoices/:id/pdf': 'billing.manage',
      'POST /api/invoices/:id/send': 'billing.manage',
      'POST /api/statements': 'billing.manage',
      'GET /api/statements': 'billing.manage',
      'GET /api/statements/:id/pdf': 'billing.manage',
      'POST /api/statements/:id/send': 'billing.manage',
      'GET /api/settings/balance-reminders': 'billing.manage',
      'PUT /api/settings/balance-reminders': 'billing.manage',
      'GET /api/worklists/unpaid-invoices': 'billing.manage',
      'GET /api/reminder-rules': 'schedule.read',
      'PUT /api/reminder-rules': 'schedule.manage',
      'GET /api/message-templates': 'schedule.read',
      'PUT /api/message-templates': 'schedule.manage',
      'GET /api/claims': 'billing.manage',
      'POST /api/claims': 'billing.manage',
      'GET /api/claims/export/837p': 'billing.manage',
      'GET /api/claims/:id': 'billing.manage',
      'PATCH /api/claims/:id': 'billing.manage',
      'POST /api/claims/:id/check': 'billing.manage',
      'POST /api/claims/:id/submit': 'billing.manage',
      'POST /api/claims/:id/status': 'billing.manage',
      'POST /api/claims/:id/remittance': 'billing.manage',
      'GET /api/claims/:id/pdf': 'billing.manage',
      'GET /api/worklists/unpaid-claims': 'billing.manage',
      'GET /api/worklists/denied-claims': 'billing.manage',
      'GET /api/worklists/unbilled-charges': 'billing.manage',
      'GET /api/services/:id/fees': 'service.read',
      'POST /api/services/:id/fees': 'service.manage',
      'DELETE /api/time-off/:id': 'schedule.manage',
      'DELETE /api/providers/:id/extra-hours/:extraHoursId': 'schedule.manage',
      // Code sets are reference data, not patient data: every signed-in role (docs/decisions.md).
      'GET /api/codes/icd10': 'authenticated',
      'GET /api/codes/icd10/:code': 'authenticated',
      // The installation's health in detail (backup file names, counts): the administrator's.
      'GET /api/admin/health': 'clinic.manage',
      // Email: settings are the administrator's; the outbox is for those who send invoices and statements.
      'GET /api/settings/email': 'clinic.manage',
      'PUT /api/settings/email': 'clinic.manage',
      'POST /api/settings/email/test': 'clinic.manage',
      'GET /api/email/messages': 'email.read',
      'GET /api/email/messages/:id': 'email.read',
      'GET /api/email/messages/:id/attachments/:index': 'email.read',
      'POST /api/email/messages/:id/retry': 'email.send',
      // Texts: the gateway is the administrator's like SMTP; a patient's delivery log is read with
      // the patient (the whole log needs email.read, checked in the service).
      'GET /api/settings/sms': 'clinic.manage',
      'PUT /api/settings/sms': 'clinic.manage',
      'POST /api/settings/sms/test': 'clinic.manage',
      'GET /api/messages': 'patient.read',
      'POST /api/messages/:id/retry': 'email.send',
      // The SMS gateway's webhooks: no session, a signature keyed with the clinic's auth token.
      'POST /api/webhooks/sms/:clinicId/inbound': 'public',
      'POST /api/webhooks/sms/:clinicId/status': 'public',
    });
  });

  it('refuses to start when an API route declares no access', async () => {
    const app = await buildApp({ database: t.database, config: loadConfig({}), cliSecret: null }, { logLevel: false });
    try {
      expect(() => app.get('/api/unguarded', async () => ({ secret: true }))).toThrow(/declares no access/);
      // Routes outside /api (the web app) need no declaration.
      expect(() => app.get('/unguarded-page', async () => 'page')).not.toThrow();
    } finally {
      await app.close();
    }
  });
});

describe('route × role', () => {
  it('refuses each role exactly the routes its permissions do not allow (403 forbidden)', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes()) {
      if (!isPermission(route.access)) continue;
      const permission = route.access;
      for (const role of ROLES) {
        const res = await call(route, { cookie: as[role].cookie });
        checked++;
        const allowed = can(role, permission);
        if (allowed && (res.status === 401 || res.status === 403)) {
          mismatches.push(`${name(route)} as ${role}: ${permission} allows it, got ${res.status}`);
        }
        if (
          allowed &&
          route.method === 'GET' &&
          !route.url.includes(':') &&
          !NAMES_A_RECORD_IN_QUERY.has(route.url) &&
          res.status !== 200
        ) {
          mismatches.push(`${name(route)} as ${role}: expected 200, got ${res.status}`);
        }
        if (!allowed && (res.status !== 403 || res.body?.error?.code !== 'forbidden')) {
          mismatches.push(`${name(route)} as ${role}: ${permission} forbids it, got ${res.status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(20 * ROLES.length);
  });

  it('lets every role use the routes that only need a signed-in user', async () => {
    for (const route of routes().filter((r) => r.access === 'authenticated' && r.method === 'GET')) {
      for (const role of ROLES) {
        const res = await call(route, { cookie: as[role].cookie });
        // A route naming a record in its path is called with a random one: not found, but not refused.
        if (route.url.includes(':')) expect([401, 403], `${name(route)} as ${role}`).not.toContain(res.status);
        // The training clinic's exercises do not exist in this (real) clinic: not found, but not refused.
        else if (route.url.startsWith('/api/training/')) expect(res.status, `${name(route)} as ${role}`).toBe(404);
        else expect(res.status, `${name(route)} as ${role}`).toBe(200);
      }
    }
    const session = await as.nurse.get('/api/auth/session');
    expect(session.body.user.role).toBe('nurse');
  });
});

describe('route × token scope', () => {
  const tokenFor = async (owner: Role, scopes: Permission[]) => {
    const ctx = await contextForUser(t.database.db, emails[owner]);
    const { token } = await createApiToken(t.database.db, ctx, { name: 'walk', scopes, expiresInDays: 1 });
    return { authorization: `Bearer ${token}` };
  };
  const refused = (res: ApiResponse) => res.status === 403 && res.body?.error?.code === 'forbidden';

  it('lets a token reach a route only with the route’s permission among its scopes', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const scope of Object.keys(PERMISSIONS) as Permission[]) {
      // The owner: a role that has the permission (scopes are a subset of the role's). One token with
      // just this scope, one with every other permission of the owner's role.
      const owner = ROLES.find((role) => can(role, scope)) as Role;
      const only = await tokenFor(owner, [scope]);
      const allBut = await tokenFor(
        owner,
        (Object.keys(PERMISSIONS) as Permission[]).filter((p) => p !== scope && can(owner, p)),
      );
      for (const route of routes().filter((r) => r.access === scope)) {
        checked++;
        const res = await call(route, only);
        if (res.status === 401 || res.status === 403)
          mismatches.push(`${name(route)} with scope ${scope}: ${res.status}`);
        if (!refused(await call(route, allBut))) mismatches.push(`${name(route)} without scope ${scope}: not refused`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 180_000);

  it('refuses a one-scope token every route needing another permission, and the web app’s routes', async () => {
    for (const [owner, scope] of [
      ['admin', 'patient.read'],
      ['provider', 'clinical.read'],
    ] as const) {
      const only = await tokenFor(owner, [scope]);
      for (const route of routes().filter(
        (r) => r.access === 'authenticated' || (isPermission(r.access) && r.access !== scope),
      )) {
        expect(refused(await call(route, only)), `${name(route)} with only ${scope}`).toBe(true);
      }
    }
  }, 180_000);
});

describe('without a session', () => {
  it('answers 401 on every route that is not public, and never runs it', async () => {
    const guarded = t.app.apiRoutes.filter((route) => route.access !== 'public' && route.access !== 'local-cli');
    expect(guarded.length).toBeGreaterThan(20);
    const before = await auditCount();
    for (const route of guarded) {
      const attempts: Record<string, string>[] = [
        {},
        { cookie: 'tend_session=forged-session-value' },
        { authorization: 'Bearer tend_forged' },
      ];
      for (const headers of attempts) {
        const res = await call(route, headers);
        expect(res.status, `${name(route)} with ${JSON.stringify(headers)}`).toBe(401);
        if (route.method !== 'HEAD') expect(res.body.error.code).toBe('unauthenticated');
      }
    }
    expect(await auditCount()).toBe(before);
  });

  it('serves the public routes to anyone', async () => {
    expect((await request(t.app, 'GET', '/api/health')).status).toBe(200);
    expect((await request(t.app, 'GET', '/api/setup')).body).toEqual({ setUp: true, codeRequired: false, demo: null });
    const openapi = await request(t.app, 'GET', '/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.paths['/api/patients']).toBeDefined();
    // The gateway's webhooks answer anyone, and refuse an unsigned call without changing anything.
    for (const hook of ['inbound', 'status']) {
      const before = await auditCount();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/webhooks/sms/${randomUUID()}/${hook}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'From=%2B15551234567&To=%2B15550001111&Body=STOP&MessageSid=SM1&MessageStatus=delivered',
      });
      expect(res.statusCode).toBe(403);
      expect(await auditCount()).toBe(before);
    }
  });
});

describe('the command-line route', () => {
  const secret = 'a'.repeat(64);

  it('runs a command only for the local command line presenting the data folder’s secret', async () => {
    const app = await buildApp(
      { database: t.database, config: loadConfig({}), cliSecret: secret },
      { logLevel: false },
    );
    try {
      const run = (headers: Record<string, string>, args = ['migrate']) =>
        request(app, 'POST', '/api/internal/cli', { headers, body: { args } });
      expect((await run({})).status).toBe(403);
      expect((await run({ 'x-tend-cli-secret': 'b'.repeat(64) })).status).toBe(403);
      expect((await run({ 'x-tend-cli-secret': 'short' })).status).toBe(403);
      expect((await run({ 'x-tend-cli-secret': `${'a'.repeat(62)}é` })).status).toBe(403);
      // A signed-in administrator is not the command line.
      expect((await run({ cookie: as.admin.cookie })).status).toBe(403);
      const ok = await run({ 'x-tend-cli-secret': secret });
      expect(ok.status).toBe(200);
      expect(ok.body.output).toBe('The database is up to date.');
      // Only the commands that make sense inside a running server.
      expect((await run({ 'x-tend-cli-secret': secret }, ['start'])).status).toBe(400);
      // The server started with the embedded database's secret only; a server without one refuses all.
      expect((await request(t.app, 'POST', '/api/internal/cli', { body: { args: ['migrate'] } })).status).toBe(403);
    } finally {
      await app.close();
    }
  });
});

async function auditCount(): Promise<number> {
  const [row] = await queryRows<{ n: number }>(t.database.db, sql`SELECT count(*)::int AS n FROM audit_events`);
  return row.n;
}
