import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@tend/db';
import { createTestDatabase } from '@tend/db/testing';

export { createTestDatabase };

import type { Role } from '@tend/domain';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../admin/service';
import { contextForUser } from '../auth/service';
import { createClinic } from '../clinic/service';
import { type Config, loadConfig } from '../config';
import type { RequestContext } from '../context';
import { buildApp } from '../http/app';
import { CSRF_HEADER, csrfToken } from '../http/csrf';

export interface TestClinic {
  clinicId: string;
  admin: { email: string; password: string };
  /** Creates a staff account with this role and returns its credentials. */
  addUser(role: Role): Promise<{ email: string; password: string; userId: string }>;
  /** Acting as the administrator, for calling services directly. */
  adminCtx(): Promise<RequestContext>;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  /** PostgreSQL only: the test database's URL (a second server process would connect to it). */
  databaseUrl: string | undefined;
  createClinic(options?: { timezone?: string; country?: string }): Promise<TestClinic>;
  /** Signs in and returns a client that sends the session cookie. */
  signIn(credentials: { email: string; password: string }): Promise<ApiClient>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON freely and assert on it
  body: any;
  headers: Record<string, unknown>;
}

export interface ApiClient {
  cookie: string;
  get(url: string, headers?: Record<string, string>): Promise<ApiResponse>;
  post(url: string, body?: unknown): Promise<ApiResponse>;
  patch(url: string, body?: unknown): Promise<ApiResponse>;
  put(url: string, body?: unknown): Promise<ApiResponse>;
  delete(url: string): Promise<ApiResponse>;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * The headers a browser running Tend's web app sends with `headers`: a change sent with a session
 * cookie carries `x-tend-csrf` (the session's `tend_csrf` cookie), as `api/client.ts` does —
 * unless the test gives its own or `csrf: false` (to test the refusal).
 */
export function withCsrf(
  method: string,
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (method === 'GET' || !headers?.cookie || CSRF_HEADER in headers) return headers;
  const session = /(?:^|;\s*)tend_session=([^;]+)/.exec(headers.cookie)?.[1];
  return session ? { ...headers, [CSRF_HEADER]: csrfToken(session) } : headers;
}

export async function request(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; remoteAddress?: string; csrf?: boolean } = {},
): Promise<ApiResponse> {
  const response = await app.inject({
    method,
    url,
    headers: options.csrf === false ? options.headers : withCsrf(method, options.headers),
    // The client's address (`request.ip`); 127.0.0.1 unless given.
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    ...(options.body === undefined ? {} : { payload: options.body as object }),
  });
  let body: unknown = null;
  if (response.body) {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  return { status: response.statusCode, body, headers: response.headers };
}

export function clientWithHeaders(app: FastifyInstance, headers: Record<string, string>, cookie = ''): ApiClient {
  return {
    cookie,
    get: (url, extra) => request(app, 'GET', url, { headers: { ...headers, ...extra } }),
    post: (url, body) => request(app, 'POST', url, { body: body ?? {}, headers }),
    patch: (url, body) => request(app, 'PATCH', url, { body: body ?? {}, headers }),
    put: (url, body) => request(app, 'PUT', url, { body: body ?? {}, headers }),
    delete: (url) => request(app, 'DELETE', url, { headers }),
  };
}

export async function createTestApp(options: { poolSize?: number; config?: Partial<Config> } = {}): Promise<TestApp> {
  const { database, drop, url } = await createTestDatabase(options);
  // Backups an API test takes (POST /api/backups) go to a temporary folder, of the test's database.
  const backupDir = join(tmpdir(), `tend-test-backups-${process.pid}`);
  const config = { ...loadConfig({}), port: 0, databaseUrl: url, backupDir, ...options.config };
  const app = await buildApp({ database, config, cliSecret: null }, serverLog());
  await app.ready();
  const origin = { ip: '127.0.0.1', userAgent: 'test' };

  return {
    app,
    database,
    databaseUrl: url,
    async createClinic(options = {}) {
      const admin = { email: `${unique('admin')}@clinic.test`, password: 'admin-password-123' };
      const { clinicId } = await createClinic(
        database.db,
        {
          clinicName: unique('Clinic'),
          timezone: options.timezone ?? 'America/New_York',
          currency: 'USD',
          country: options.country ?? 'US',
          address: null,
          adminName: 'Ada Admin',
          adminEmail: admin.email,
          adminPassword: admin.password,
        },
        origin,
        { onlyIfEmpty: false },
      );
      const adminCtx = () => contextForUser(database.db, admin.email);
      return {
        clinicId,
        admin,
        adminCtx,
        async addUser(role) {
          const credentials = { email: `${unique(role)}@clinic.test`, password: `${role}-password-123` };
          const user = await createUser(database.db, await adminCtx(), {
            ...credentials,
            name: `Test ${role}`,
            role,
          });
          return { ...credentials, userId: user.id };
        },
      };
    },
    async signIn(credentials) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: credentials });
      if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'tend_session');
      if (!cookie) throw new Error('no session cookie');
      const header = `tend_session=${cookie.value}`;
      return clientWithHeaders(app, { cookie: header }, header);
    },
    async close() {
      // The database is dropped even when closing the app fails (a test closed its database first).
      try {
        await app.close();
      } finally {
        await drop();
      }
    },
  };
}

/**
 * Where the test servers log. Normally nowhere; with TEND_TEST_LOG_DIR (scripts/test.mjs sets it)
 * every test app logs at `debug` into that folder, and every patient body made here is written
 * down as a canary: after the whole run the logs are searched for them (scripts/log-canaries.mjs),
 * so a route that logged a patient's name, phone or email fails the suite.
 */
const LOG_DIR = process.env.TEND_TEST_LOG_DIR;
let logFiles = 0;

function serverLog(): { logLevel: string | false; logStream?: NodeJS.WritableStream } {
  if (!LOG_DIR) return { logLevel: false };
  mkdirSync(LOG_DIR, { recursive: true });
  const name = `server-${process.pid}-${++logFiles}-${randomBytes(3).toString('hex')}.jsonl`;
  // Written synchronously: a test file's process may end right after its last request, and a
  // buffered stream would lose what it held.
  const fd = openSync(join(LOG_DIR, name), 'a');
  const logStream = { write: (line: string) => writeSync(fd, line) } as unknown as NodeJS.WritableStream;
  return { logLevel: 'debug', logStream };
}

function recordCanaries(patient: Record<string, unknown>): void {
  if (!LOG_DIR) return;
  const values = [patient.givenName, patient.familyName, patient.phone, patient.email].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  mkdirSync(LOG_DIR, { recursive: true });
  appendFileSync(join(LOG_DIR, `canaries-${process.pid}.txt`), `${values.join('\n')}\n`);
}

function randomLetters(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  return Array.from(randomBytes(length), (b) => alphabet[b % 26]).join('');
}

/** A valid, random patient registration body (unlikely to look like another); override what the test is about. */
export function patientBody(overrides: Record<string, unknown> = {}) {
  const [y, m, d] = randomBytes(3);
  const family = randomLetters(9);
  const patient = {
    givenName: `${randomLetters(1).toUpperCase()}${randomLetters(7)}`,
    familyName: `${family[0].toUpperCase()}${family.slice(1)}`,
    birthDate: `${1940 + (y % 70)}-${String(1 + (m % 12)).padStart(2, '0')}-${String(1 + (d % 28)).padStart(2, '0')}`,
    sex: 'female',
    // Seven random digits: with only four, two of a file's ~50 patients share a number (a
    // "possible duplicate") often enough to make tests flaky.
    phone: `617-${200 + (randomBytes(2).readUInt16BE() % 800)}-${String(randomBytes(2).readUInt16BE() % 10_000).padStart(4, '0')}`,
    email: `${family}@example.com`,
    ...overrides,
  };
  recordCanaries(patient);
  return patient;
}
