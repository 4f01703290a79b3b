import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { type ApiClient, createTestApp, patientBody, request, type TestApp, type TestClinic } from '../test/harness';
import { buildApp } from './app';
import { CSRF_HEADER } from './csrf';

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
});
afterAll(() => t?.close());

const patientsNamed = async (familyName: string) =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM patients WHERE family_name = ${familyName}`,
    )
  )[0].n;

/** The cookies a browser keeps from a sign-in: name → { value, attributes }. */
async function browserSignIn() {
  const res = await request(t.app, 'POST', '/api/auth/sign-in', { body: clinic.admin });
  expect(res.status).toBe(200);
  const raw = [res.headers['set-cookie']].flat() as string[];
  const cookies = new Map(
    raw.map((line) => {
      const [pair, ...attributes] = line.split(/;\s*/);
      const [name, value] = pair.split('=');
      return [name, { value, attributes }];
    }),
  );
  const session = cookies.get('tend_session')!;
  const csrf = cookies.get('tend_csrf')!;
  return { session, csrf, cookie: `tend_session=${session.value}; tend_csrf=${csrf.value}` };
}

describe('CSRF: a signed-in change needs the x-tend-csrf header', () => {
  it('sets a readable, same-site-only tend_csrf cookie with the session', async () => {
    const { session, csrf } = await browserSignIn();
    expect(session.attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(csrf.attributes).toEqual(expect.arrayContaining(['SameSite=Strict', 'Path=/']));
    expect(csrf.attributes).not.toContain('HttpOnly');
    expect(csrf.value).toMatch(/^[\w-]{43}$/);
    expect(csrf.value).not.toBe(session.value);
  });

  it('refuses a cookie-authenticated change without the header, or with a wrong one, and saves nothing', async () => {
    const { cookie, csrf } = await browserSignIn();
    const other = await browserSignIn();
    const body = patientBody({ familyName: 'Csrfvictim' });
    const attempts: Record<string, string>[] = [
      { cookie },
      { cookie, [CSRF_HEADER]: '' },
      { cookie, [CSRF_HEADER]: 'forged' },
      { cookie, [CSRF_HEADER]: `${csrf.value}x` },
      // Another session's token (a cookie planted by a sibling site would be one) does not fit.
      { cookie, [CSRF_HEADER]: other.csrf.value },
    ];
    for (const headers of attempts) {
      for (const [method, url] of [
        ['POST', '/api/patients'],
        ['PATCH', '/api/clinic'],
        ['POST', '/api/auth/sign-out'],
      ] as const) {
        const res = await request(t.app, method, url, { body, headers, csrf: false });
        expect(res.status, `${method} ${url} with ${JSON.stringify(headers[CSRF_HEADER])}`).toBe(403);
        expect(res.body.error.code).toBe('csrf_failed');
        expect(res.body.error.message).toMatch(/did not come from a Tend page/);
      }
    }
    expect(await patientsNamed('Csrfvictim')).toBe(0);
    // The session was not signed out by the refused sign-out.
    expect((await request(t.app, 'GET', '/api/auth/session', { headers: { cookie } })).status).toBe(200);
  });

  it('accepts the change when the header repeats the cookie, as the web app sends it', async () => {
    const { cookie, csrf } = await browserSignIn();
    const res = await request(t.app, 'POST', '/api/patients', {
      body: patientBody({ familyName: 'Csrfok' }),
      headers: { cookie, [CSRF_HEADER]: csrf.value },
      csrf: false,
    });
    expect(res.status).toBe(201);
    expect(await patientsNamed('Csrfok')).toBe(1);
  });

  it('needs no header for reads, API tokens or the public routes', async () => {
    const { cookie } = await browserSignIn();
    expect((await request(t.app, 'GET', '/api/patients', { headers: { cookie }, csrf: false })).status).toBe(200);
    const token = (
      await admin.post('/api/tokens', { name: 'Import', scopes: ['patient.read', 'patient.write'], expiresInDays: 30 })
    ).body.token;
    expect(token).toMatch(/^tend_/);
    const byToken = await request(t.app, 'POST', '/api/patients', {
      body: patientBody({ familyName: 'Csrftoken' }),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byToken.status).toBe(201);
    // Sign-in is public: no session yet, nothing to forge.
    expect((await request(t.app, 'POST', '/api/auth/sign-in', { body: clinic.admin })).status).toBe(200);
  });

  it('gives a session without a tend_csrf cookie (signed in before the upgrade) one on its next request', async () => {
    const { session } = await browserSignIn();
    const res = await request(t.app, 'GET', '/api/auth/session', {
      headers: { cookie: `tend_session=${session.value}` },
    });
    expect(res.status).toBe(200);
    const csrf = ([res.headers['set-cookie']].flat() as string[]).find((c) => c?.startsWith('tend_csrf='));
    expect(csrf).toBeDefined();
    const value = /^tend_csrf=([^;]+)/.exec(csrf!)![1];
    const ok = await request(t.app, 'POST', '/api/patients', {
      body: patientBody(),
      headers: { cookie: `tend_session=${session.value}; tend_csrf=${value}`, [CSRF_HEADER]: value },
      csrf: false,
    });
    expect(ok.status).toBe(201);
  });

  it('judges the Origin by the Host header, and X-Forwarded-Host only behind a trusted proxy', async () => {
    const spoofed = {
      origin: 'https://evil.example',
      host: 'tend.clinic.test',
      'x-forwarded-host': 'evil.example',
    };
    const direct = await request(t.app, 'POST', '/api/patients', {
      body: patientBody({ familyName: 'Forwarded' }),
      headers: { cookie: admin.cookie, ...spoofed },
    });
    expect(direct.status).toBe(403);
    expect(await patientsNamed('Forwarded')).toBe(0);

    const proxied = await buildApp(
      { database: t.database, config: { ...loadConfig({ TEND_TRUST_PROXY: '1' }), port: 0 }, cliSecret: null },
      { logLevel: false },
    );
    try {
      const behindProxy = await request(proxied, 'POST', '/api/patients', {
        body: patientBody({ familyName: 'Forwarded' }),
        headers: { cookie: admin.cookie, ...spoofed },
      });
      expect(behindProxy.status).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});

describe('errors', () => {
  it('answers a body over 1 MiB with 413 payload_too_large', async () => {
    const res = await admin.post('/api/patients', patientBody({ frontDeskNotes: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({
      code: 'payload_too_large',
      message: 'The request is too large: the server accepts at most 1 MiB.',
      fields: [],
    });
  });

  it('answers malformed JSON with 400 malformed_json, without quoting the body', async () => {
    for (const payload of ['{"givenName": "Zqmalformedname",', '{"familyName": Zqbareword}', '']) {
      const res = await request(t.app, 'POST', '/api/patients', {
        body: payload,
        headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      });
      expect(res.status, payload).toBe(400);
      expect(res.body.error).toEqual({
        code: 'malformed_json',
        message: 'The request body is not valid JSON; check its syntax.',
        fields: [],
      });
    }
  });

  it('answers a body that is not JSON (text, a form) with 415 unsupported_media_type', async () => {
    for (const [type, payload] of [
      ['text/plain', '{"givenName":"Zqtext"}'],
      ['application/x-www-form-urlencoded', 'givenName=Zqform'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
    ]) {
      const res = await request(t.app, 'POST', '/api/patients', {
        body: payload,
        headers: { cookie: admin.cookie, 'content-type': type },
      });
      expect(res.status, type).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      expect(res.body.error.message).toBe('Send the request body as JSON (Content-Type: application/json).');
      expect(JSON.stringify(res.body)).not.toContain('Zq');
    }
  });

  it('answers a failure inside the server with a generic 500: no message, no stack', async () => {
    const app = await buildApp(
      { database: t.database, config: { ...loadConfig({}), port: 0 }, cliSecret: null },
      { logLevel: false },
    );
    app.get('/api/test-crash', { config: { access: 'public' } }, async () => {
      throw new Error('Zqsecret failure for patient Zqpatient at /srv/tend/secret.ts');
    });
    try {
      const res = await request(app, 'GET', '/api/test-crash');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        error: {
          code: 'internal',
          message:
            'Something went wrong on the server. Please try again; if it keeps happening, tell your administrator.',
          fields: [],
        },
      });
      expect(JSON.stringify(res.headers)).not.toContain('Zq');
    } finally {
      await app.close();
    }
  });

  it('answers an unknown API route with the same error shape', async () => {
    const res = await admin.get('/api/no-such-route');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'There is no such API route.', fields: [] });
  });
});

describe('response headers', () => {
  it('sends the exact security headers', async () => {
    const res = await admin.get('/api/patients');
    // Directive order is helmet's business; the set of directives is exact.
    expect(String(res.headers['content-security-policy']).split(';').sort()).toEqual([
      "base-uri 'self'",
      "connect-src 'self'",
      "default-src 'self'",
      "font-src 'self' https: data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "img-src 'self' data:",
      "object-src 'none'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "style-src 'self' 'unsafe-inline'",
    ]);
    expect(res.headers).toMatchObject({
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
  });

  it('forbids caching of API answers (they carry patient data)', async () => {
    const created = await admin.post('/api/patients', patientBody());
    for (const res of [
      created,
      await admin.get(`/api/patients/${created.body.id}`),
      await admin.get('/api/patients'),
      await request(t.app, 'GET', '/api/patients'),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('keeps CORS closed: a foreign preflight or request gets no Access-Control-Allow-* header', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/patients',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-tend-csrf',
      },
    });
    const read = await request(t.app, 'GET', '/api/patients', {
      headers: { cookie: admin.cookie, origin: 'https://evil.example' },
    });
    for (const headers of [preflight.headers, read.headers]) {
      expect(Object.keys(headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('secure cookies', () => {
  it('are the default when TEND_PUBLIC_URL is https', async () => {
    const app = await buildApp(
      {
        database: t.database,
        config: { ...loadConfig({ TEND_PUBLIC_URL: 'https://tend.clinic.test' }), port: 0 },
        cliSecret: null,
      },
      { logLevel: false },
    );
    try {
      const res = await request(app, 'POST', '/api/auth/sign-in', { body: clinic.admin });
      const cookies = [res.headers['set-cookie']].flat() as string[];
      expect(cookies.filter((c) => /^tend_(session|csrf)=/.test(c))).toHaveLength(2);
      for (const cookie of cookies) expect(cookie).toMatch(/; Secure/);
    } finally {
      await app.close();
    }
    const plain = await request(t.app, 'POST', '/api/auth/sign-in', { body: clinic.admin });
    for (const cookie of [plain.headers['set-cookie']].flat() as string[]) expect(cookie).not.toMatch(/Secure/);
  });
});
