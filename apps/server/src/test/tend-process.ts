import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testDatabaseName } from '@tend/db/test-databases';
import pg from 'pg';
import { expect } from 'vitest';
import { CSRF_COOKIE, CSRF_HEADER } from '../http/csrf';
import type { ApiResponse } from './harness';

/**
 * The real `tend` command as a child process, for the tests that kill it or stop it (crash
 * safety, graceful shutdown): `tend start` on port 0, its address read from its console.
 */

export const TEND_BIN = new URL('../../bin/tend.js', import.meta.url).pathname;

export interface TendProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/**
 * Where a `tend` child keeps its data: a temporary data folder for the embedded database, and with
 * TEND_TEST_DATABASE_URL a fresh PostgreSQL database (named as the test databases are, so that a killed
 * run's is dropped by a later run). `cleanup` removes both.
 */
export async function tendData(prefix: string): Promise<{
  env: Record<string, string>;
  dataDir: string;
  cleanup: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), `tend-${prefix}-`));
  const env: Record<string, string> = { TEND_DATA_DIR: dataDir, TEND_BACKUP_DIR: `${dataDir}-backups` };
  const serverUrl = process.env.TEND_TEST_DATABASE_URL;
  let name: string | undefined;
  if (serverUrl) {
    name = testDatabaseName();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  return {
    env,
    dataDir,
    async cleanup() {
      if (serverUrl && name) {
        const dropper = new pg.Client({ connectionString: serverUrl });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-backups`, { recursive: true, force: true });
    },
  };
}

export function tendEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env };
}

/** `nodeArgs` go to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
export async function startTend(
  env: Record<string, string>,
  timeoutMs = 300_000,
  nodeArgs: string[] = [],
): Promise<TendProcess> {
  const child = spawn(process.execPath, [...nodeArgs, TEND_BIN, 'start'], {
    env: tendEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tend start did not start within ${timeoutMs} ms:\n${lines.join('\n')}`));
    }, timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        lines.push(line);
        const found = /Tend is running at (http\S+)/.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found[1].replace('localhost', '127.0.0.1'));
        }
      });
    }
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`tend start exited with ${code}:\n${lines.join('\n')}`));
    });
  });
  return { child, url, exited, output: () => lines.join('\n') };
}

/** A `tend` command (not `start`) run to its end. */
export function runTend(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [TEND_BIN, ...args], { env: tendEnv(env), encoding: 'utf8', timeout: 120_000 });
}

/** The harness's response shape, without the headers these tests do not read. */
export type HttpResponse = Pick<ApiResponse, 'status' | 'body'>;

/** A signed-in browser in miniature: keeps the session cookie and sends the CSRF header. */
/**
 * The clients' connections, kept open between requests (loopback HTTP/1.1). node's own `http`
 * rather than `fetch`: the bench's load generator shares the server's two cores, and a request
 * through `fetch` cost ≈0.45 ms more CPU than through `http.request` (node 20, measured on 4,000
 * loopback POSTs at 32 at once).
 */
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export class HttpClient {
  private cookies = new Map<string, string>();

  constructor(public base: string) {}

  /** The same browser talking to another server (its cookies copied): a load balancer's next pick. */
  at(base: string): HttpClient {
    const other = new HttpClient(base);
    for (const [name, value] of this.cookies) other.cookies.set(name, value);
    return other;
  }

  async call(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const csrf = this.cookies.get(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    const res = await new Promise<{ status: number; setCookies: string[]; text: string }>((resolve, reject) => {
      const request = http.request(new URL(path, this.base), { method, headers, agent: keepAlive }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, setCookies: response.headers['set-cookie'] ?? [], text }),
        );
      });
      request.on('error', reject);
      request.end(payload);
    });
    for (const cookie of res.setCookies) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return { status: res.status, body: res.text ? JSON.parse(res.text) : null };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown = {}) => this.call('POST', path, body);
  put = (path: string, body: unknown = {}) => this.call('PUT', path, body);

  /** The cookie header of this client's session, for raw requests. */
  cookieHeader(): Record<string, string> {
    return {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      [CSRF_HEADER]: this.cookies.get(CSRF_COOKIE) ?? '',
    };
  }
}

/** Weekday 30-minute slots from 09:00 New York time in January–February 2031 (no DST change). */
export function slot(index: number): string {
  const day = Math.floor(index / 16);
  const date = new Date(Date.UTC(2031, 0, 6 + Math.floor(day / 5) * 7 + (day % 5))); // 6 Jan 2031 is a Monday
  const minutes = 9 * 60 + (index % 16) * 30;
  const start = new Date(date.getTime() + (minutes + 5 * 60) * 60_000); // EST = UTC-5
  return start.toISOString();
}

/**
 * A clinic set up through the API of a running `tend`: its administrator ada@<domain> (password
 * "unbroken quartz lantern"), email through `smtp`, one provider working weekdays 08:00–18:00 from
 * December 2030, and a 30-minute appointment type.
 */
export async function setUpClinic(url: string, smtp: { host: string; port: number }, domain: string) {
  const admin = new HttpClient(url);
  const setup = await admin.post('/api/setup', {
    clinicName: `Clinic ${domain}`,
    timezone: 'America/New_York',
    adminName: 'Ada Admin',
    adminEmail: `ada@${domain}`,
    adminPassword: 'unbroken quartz lantern',
  });
  expect(setup.status, JSON.stringify(setup.body)).toBe(201);
  const email = await admin.put('/api/settings/email', {
    host: smtp.host,
    port: smtp.port,
    security: 'none',
    username: null,
    password: null,
    fromAddress: `front-desk@${domain}`,
    fromName: `Clinic ${domain}`,
    enabled: true,
  });
  expect(email.status, JSON.stringify(email.body)).toBe(200);
  const location = await admin.post('/api/locations', { name: 'Main', timezone: 'America/New_York' });
  expect(location.status, JSON.stringify(location.body)).toBe(201);
  const provider = await admin.post('/api/providers', { name: 'Dr Quinn' });
  expect(provider.status, JSON.stringify(provider.body)).toBe(201);
  const hours = await admin.put(`/api/providers/${provider.body.id}/working-hours`, {
    locationId: location.body.id,
    validFrom: '2030-12-01',
    blocks: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '18:00' })),
  });
  expect(hours.status, JSON.stringify(hours.body)).toBe(200);
  const type = await admin.post('/api/appointment-types', { name: 'Check-up', durationMinutes: 30, providerIds: [] });
  expect(type.status, JSON.stringify(type.body)).toBe(201);
  return { admin, providerId: provider.body.id as string, appointmentTypeId: type.body.id as string };
}

/** Reads until `done` says so, every 250 ms; fails after `timeoutMs` with the last value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
