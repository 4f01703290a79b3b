import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import {
  bodyFor,
  isFreeText,
  Ledger,
  PAYLOADS,
  schemaAt,
  send,
  shortPayload,
  stringPaths,
  Tally,
  urlFor,
  withPath,
} from './tools';
import { type AttackRoute, actorFor, attackRoutes, buildWorld, name, type World } from './world';

/**
 * Injection (OWASP ASVS V5): SQL-injection and script payloads in every path parameter, query
 * parameter and string field of every route's body, sent by staff allowed to call the route.
 * Never 5xx; accepted text comes back verbatim as JSON data (never executed, never altered);
 * a refused change leaves the whole database as it was.
 */

let t: TestApp;
let w: World;
let routes: AttackRoute[];
const tally = new Tally('injection');

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t);
  tally.foreign(w.b.canaries);
  // Signing out ends the caller's own session: nothing to inject there, and the suite needs it.
  routes = attackRoutes(t).filter((route) => !route.url.startsWith('/api/auth/sign-out'));
}, 240_000);
afterAll(() => t?.close());

/** Fields whose accepted text is legitimately reshaped: an email lower-cased, a member id upper-cased. */
const RESHAPED = /(^|\.)(email|to|adminEmail|fromAddress|memberId)$/;

/** A field of the request whose name the response uses for something else (the recall's own reason). */
const NOT_AN_ECHO = new Set(['POST /api/recalls/:id/close reason']);

/** What a response holds at a body path (objects only: lists come back in their own order). */
function valueAt(body: unknown, path: (string | number)[]): unknown {
  let current = body;
  for (const step of path) {
    if (typeof step === 'number' || !current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

describe('injection', () => {
  it('answers every hostile string with a 2xx storing it verbatim or a 4xx changing nothing, never 5xx', async () => {
    const ledger = new Ledger(t);
    await ledger.reset();
    for (const route of routes) {
      const actor = actorFor(w.a, route.access);
      const headers = { cookie: actor.cookie };
      let n = 0;
      const attempts: { label: string; url: string; body: unknown; path?: (string | number)[]; payload: string }[] = [];
      for (const param of route.params) {
        for (const payload of param === 'token' || param === 'code' ? PAYLOADS : shortPayload(n++)) {
          attempts.push({
            label: `:${param}`,
            url: urlFor(route, w.a, { params: { [param]: payload } }),
            body: bodyFor(route, w.a),
            payload,
          });
        }
      }
      for (const parameter of route.query) {
        for (const payload of isFreeText(parameter.schema) ? PAYLOADS : shortPayload(n++)) {
          attempts.push({
            label: `?${parameter.name}`,
            url: urlFor(route, w.a, { query: { [parameter.name]: payload } }),
            body: bodyFor(route, w.a),
            payload,
          });
        }
      }
      if (route.method !== 'GET' && route.method !== 'DELETE' && route.body) {
        const base = bodyFor(route, w.a, true);
        for (const path of stringPaths(route.body)) {
          for (const payload of isFreeText(schemaAt(route.body, path)) ? PAYLOADS : shortPayload(n++)) {
            attempts.push({
              label: path.join('.'),
              url: urlFor(route, w.a),
              body: withPath(base, path, payload),
              path,
              payload,
            });
          }
        }
      }
      for (const attempt of attempts) {
        const res = await send(t, tally, route.method, attempt.url, { body: attempt.body, headers });
        const label = `${name(route)} ${attempt.label}=${attempt.payload}`;
        if (res.status >= 200 && res.status < 300) {
          // Accepted text is data: echoed verbatim in the JSON, not escaped, trimmed or run.
          const echoed = attempt.path ? valueAt(res.body, attempt.path) : undefined;
          const other = NOT_AN_ECHO.has(`${name(route)} ${attempt.label}`);
          if (typeof echoed === 'string' && echoed !== attempt.payload && !RESHAPED.test(attempt.label) && !other) {
            tally.fail(label, res.status, `accepted, but came back as ${JSON.stringify(echoed)}`);
          }
        } else if (res.status < 400 || res.status >= 500) {
          tally.fail(label, res.status, 'neither accepted nor refused with a 4xx');
        } else if (!res.body?.error?.code || !res.body?.error?.message) {
          tally.fail(label, res.status, 'refused without a clear error');
        }
        if (route.method !== 'GET') {
          const changed = await ledger.changed();
          if (res.status >= 400 && changed.length > 0) tally.fail(label, res.status, `refused but changed ${changed}`);
        }
      }
    }
    tally.report(1200);
  }, 300_000);

  it('keeps accepted payloads verbatim when read back', async () => {
    const created = await send(t, tally, 'POST', '/api/patients', {
      headers: { cookie: w.a.as.receptionist.cookie },
      body: {
        givenName: "O'Brien",
        familyName: 'Smith',
        address: { line1: PAYLOADS[3], line2: PAYLOADS[1], city: PAYLOADS[2], postalCode: '02139', country: 'US' },
        birthDate: '1970-01-01',
        sex: 'unknown',
        frontDeskNotes: PAYLOADS.join('\n'),
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const read = await send(t, tally, 'GET', `/api/patients/${created.body.id}`, {
      headers: { cookie: w.a.as.receptionist.cookie },
    });
    expect(read.body).toMatchObject({
      address: { line1: PAYLOADS[3], line2: PAYLOADS[1], city: PAYLOADS[2] },
      frontDeskNotes: PAYLOADS.join('\n'),
    });
    // JSON, never HTML: a browser given this response does not render it.
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    // A quote in a search is a letter, not SQL: it finds the one patient named with it.
    const search = await send(t, tally, 'GET', `/api/patients?q=${encodeURIComponent("O'Brien")}`, {
      headers: { cookie: w.a.as.receptionist.cookie },
    });
    expect(search.body.items.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
  });
});
