import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientBody } from '../test/harness';
import { HttpClient, startTend, type TendProcess, tendData } from '../test/tend-process';

/**
 * `tend start` stopped with SIGTERM (systemd, docker stop): the request in flight — here a
 * registration whose body is still arriving — completes, a live-update stream is ended rather
 * than waited on, new connections are refused, and the process exits 0; a request that never
 * completes does not hold it past the 10-second deadline (exit 1).
 */

let data: Awaited<ReturnType<typeof tendData>>;
let server: TendProcess | undefined;

beforeAll(async () => {
  data = await tendData('stop');
});
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await data?.cleanup();
});

async function signedIn(): Promise<HttpClient> {
  const admin = new HttpClient((server as TendProcess).url);
  const setUp = (await admin.get('/api/setup')).body.setUp;
  const credentials = { email: 'ada@stop-clinic.test', password: 'unbroken quartz lantern' };
  const res = setUp
    ? await admin.post('/api/auth/sign-in', credentials)
    : await admin.post('/api/setup', {
        clinicName: 'Graceful Stop Clinic',
        timezone: 'America/New_York',
        adminName: 'Ada Admin',
        adminEmail: credentials.email,
        adminPassword: credentials.password,
      });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return admin;
}

/** A POST whose body arrives in two parts: the second when the test says so. */
function slowPost(admin: HttpClient, path: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(path, admin.base);
  let answer: (value: { status: number; body: string }) => void;
  let fail: (error: Error) => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  const req = httpRequest(
    url,
    {
      method: 'POST',
      headers: { ...admin.cookieHeader(), 'content-type': 'application/json', 'content-length': payload.length },
    },
    (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => answer({ status: res.statusCode ?? 0, body: text }));
    },
  );
  req.on('error', (error) => fail(error));
  req.write(payload.subarray(0, 10));
  return { response, finish: () => req.end(payload.subarray(10)) };
}

/** The live-update stream; resolves when the server ends it. */
function openEvents(admin: HttpClient): Promise<{ ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL('/api/events', admin.base), { headers: admin.cookieHeader() }, (res) => {
      expect(res.statusCode).toBe(200);
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      const ended = new Promise<string>((done) => res.on('close', () => done(text)));
      resolve({ ended });
    });
    req.on('error', reject);
    req.end();
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tend start stopped with SIGTERM', () => {
  it('finishes the request in flight, ends live updates, refuses new connections and exits 0', async () => {
    server = await startTend(data.env);
    const admin = await signedIn();
    const events = await openEvents(admin);
    const registration = slowPost(admin, '/api/patients', patientBody({ givenName: 'Grace' }));
    await pause(300);

    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    // The live-update stream is ended, not waited on.
    expect(await events.ended).toContain(': connected');
    // A new connection is refused while the registration is still arriving.
    await expect(fetch(`${admin.base}/api/health`)).rejects.toThrow();
    registration.finish();
    const answered = await registration.response;
    expect(answered.status, answered.body).toBe(201);
    const { id } = JSON.parse(answered.body);

    // 0: it stopped by itself, before its 10-second deadline.
    expect(await server.exited).toEqual({ code: 0, signal: null });
    console.log(`[stop] exited 0 ${Date.now() - stoppedAt} ms after SIGTERM`);

    // It was written: the next start has it.
    server = await startTend(data.env);
    const again = await signedIn();
    const patient = await again.get(`/api/patients/${id}`);
    expect(patient.status).toBe(200);
    expect(patient.body.givenName).toBe('Grace');
  }, 900_000);

  it('gives up on a request that never completes after 10 seconds, with exit code 1', async () => {
    if (!server || server.child.exitCode !== null || server.child.signalCode) server = await startTend(data.env);
    const admin = await signedIn();
    const stuck = slowPost(admin, '/api/patients', patientBody({ givenName: 'Stuck' }));
    stuck.response.catch(() => undefined);
    await pause(300);
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    server = undefined;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(9_500);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
  }, 600_000);
});
