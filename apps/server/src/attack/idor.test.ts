import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbChecksum } from '../test/checksum';
import { createTestApp, type TestApp } from '../test/harness';
import { bodyFor, send, stringPaths, Tally, urlFor, withPath } from './tools';
import {
  type AttackRoute,
  actorFor,
  attackRoutes,
  buildWorld,
  FIELD_KINDS,
  type Kind,
  name,
  pathKind,
  type World,
} from './world';

/**
 * Insecure direct object references (OWASP ASVS V8): staff of clinic A, each route called by a
 * role allowed to call it, hand in clinic B's ids — in the path, in every body field and query
 * parameter naming a record — and, where a route binds one patient, another patient's records.
 * Every attempt is refused with a 4xx, no response carries B's (or the other patient's) names,
 * phones, emails or ids, and the database is unchanged.
 */

let t: TestApp;
let w: World;
let routes: AttackRoute[];
const tally = new Tally('idor');
const patientTally = new Tally('other-patient');

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  tally.foreign(w.b.canaries);
  patientTally.foreign([...w.b.canaries, ...w.a.otherCanaries]);
  routes = attackRoutes(t).filter((route) => !route.url.startsWith('/api/auth/sign-out'));
}, 240_000);
afterAll(() => t?.close());

/** The body fields naming a record (`patientId`, `allocations.0.chargeId`, …) and their kinds. */
function idFields(route: AttackRoute): { path: (string | number)[]; kind: Kind; list: boolean }[] {
  return stringPaths(route.body).flatMap((path) => {
    const field = path.filter((step) => typeof step === 'string').at(-1) as string;
    const kind = FIELD_KINDS[field];
    return kind ? [{ path, kind, list: path.at(-1) === 0 }] : [];
  });
}

/** Reads the world cannot satisfy as built (an 837P file takes claims ready to send). */
const NEEDS_READY_RECORDS = new Set(['/api/claims/export/837p']);

interface Attempt {
  label: string;
  url: string;
  body: unknown;
}

/** The records that belong to one patient. */
const PATIENT_KINDS = new Set<Kind>([
  'patient',
  'coverage',
  'encounter',
  'serviceLine',
  'allergy',
  'medication',
  'problem',
  'recall',
  'charge',
  'payment',
  'adjustment',
  'invoice',
  'claim',
  'appointment',
]);

/**
 * Clinic A's valid request to a route, with one reference swapped for `ids`' record of that kind.
 * With `patientBound`, only where the route already binds one patient (a patient's record in its
 * path, or a `patientId` in its body): the swapped reference is another patient's record.
 */
function swapped(route: AttackRoute, ids: Partial<Record<Kind, string>>, patientBound: boolean): Attempt[] {
  const attempts: Attempt[] = [];
  const base = bodyFor(route, w.a) as Record<string, unknown> | undefined;
  const pathKinds = route.params.map((param) => pathKind(route.url, param));
  const binding = pathKinds.findIndex((kind) => kind && PATIENT_KINDS.has(kind));
  const bound = binding >= 0 || typeof base?.patientId === 'string';
  const swaps = (kind: Kind | undefined, index?: number): kind is Kind =>
    !!kind &&
    !!ids[kind] &&
    (!patientBound ||
      (bound && PATIENT_KINDS.has(kind) && kind !== 'patient' && (index === undefined || index !== binding)));
  route.params.forEach((param, index) => {
    if (!swaps(pathKinds[index], index)) return;
    attempts.push({
      label: `:${param}`,
      url: urlFor(route, w.a, { params: { [param]: ids[pathKinds[index] as Kind] as string } }),
      body: base,
    });
  });
  for (const parameter of route.query) {
    const kind = FIELD_KINDS[parameter.name];
    if (patientBound || !swaps(kind)) continue;
    attempts.push({
      label: `?${parameter.name}`,
      url: urlFor(route, w.a, { query: { [parameter.name]: ids[kind] } }),
      body: base,
    });
  }
  if (base) {
    for (const { path, kind } of idFields(route)) {
      if (!swaps(kind)) continue;
      attempts.push({ label: path.join('.'), url: urlFor(route, w.a), body: withPath(base, path, ids[kind]) });
    }
  }
  return attempts;
}

describe('another clinic’s and another patient’s ids', () => {
  it('refuses clinic B’s ids on every route, leaks nothing of B and changes nothing', async () => {
    const before = await dbChecksum(t.database.db);
    for (const route of routes) {
      const actor = actorFor(w.a, route.access);
      const attempts = swapped(route, w.b.ids, false);
      // Clinic A's audit log records A's own attempts, B's ids included: that is A's data.
      const sent = route.url === '/api/audit-events' ? Object.values(w.b.ids).join(' ') : undefined;
      // The control: the same read with clinic A's own records answers, so each refusal below is
      // the clinic boundary at work, not a malformed request.
      if (route.method === 'GET' && attempts.length > 0 && !NEEDS_READY_RECORDS.has(route.url)) {
        const control = await send(t, tally, 'GET', urlFor(route, w.a), { headers: { cookie: actor.cookie }, sent });
        if (control.status !== 200)
          tally.fail(`${name(route)} control`, control.status, JSON.stringify(control.body).slice(0, 200));
      }
      for (const attempt of attempts) {
        const res = await send(t, tally, route.method, attempt.url, {
          body: attempt.body,
          headers: { cookie: actor.cookie },
          sent,
        });
        // A list filtered by another clinic's record may answer an empty list; it must not hold B's data.
        const emptyList = route.method === 'GET' && attempt.label.startsWith('?') && res.status === 200;
        if (!emptyList && (res.status < 400 || res.status >= 500)) {
          tally.fail(
            `${name(route)} ${attempt.label}`,
            res.status,
            `clinic B's id was not refused: ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
      }
    }
    expect(await dbChecksum(t.database.db)).toEqual(before);
    tally.report(150);
  }, 180_000);

  it('refuses another patient’s records next to the patient a route binds', async () => {
    const before = await dbChecksum(t.database.db);
    for (const route of routes) {
      const actor = actorFor(w.a, route.access);
      for (const attempt of swapped(route, w.a.other, true)) {
        const res = await send(t, patientTally, route.method, attempt.url, {
          body: attempt.body,
          headers: { cookie: actor.cookie },
        });
        if (res.status < 400 || res.status >= 500) {
          patientTally.fail(
            `${name(route)} ${attempt.label}`,
            res.status,
            `another patient's record was not refused: ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
      }
    }
    expect(await dbChecksum(t.database.db)).toEqual(before);
    patientTally.report(5);
  }, 240_000);
});
