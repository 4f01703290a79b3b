import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { readTls } from '../server';
import { createTestApp, type TestApp, type TestClinic } from '../test/harness';
import { buildApp } from './app';

// The test certificate of the SMTP tests: CN=localhost, also valid for 127.0.0.1.
const CERT = new URL('../email/fixtures/localhost-cert.pem', import.meta.url).pathname;
const KEY = new URL('../email/fixtures/localhost-key.pem', import.meta.url).pathname;
const ca = readFileSync(CERT);

let t: TestApp;
let clinic: TestClinic;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  const config = { ...loadConfig({ TEND_TLS_CERT: CERT, TEND_TLS_KEY: KEY }), port: 0 };
  app = await buildApp(
    { database: t.database, config, cliSecret: null },
    { logLevel: false, https: readTls(config.tls!) },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
  await t?.close();
});

function call(method: string, path: string, body?: unknown) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string; protocol: string }>(
    (resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          ca,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const protocol = (res.socket as unknown as { getProtocol(): string }).getProtocol();
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text,
              protocol,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    },
  );
}

/** Handshakes with at most `maxVersion`; resolves with the protocol agreed, or the error code. */
function handshake(target: number, maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2') {
  return new Promise<string>((resolve) => {
    // SECLEVEL=0: the client itself must be able to offer the old protocols.
    const socket = connect(
      { host: '127.0.0.1', port: target, ca, minVersion: 'TLSv1', maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' },
      () => {
        resolve(socket.getProtocol() ?? 'none');
        socket.end();
      },
    );
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('Tend serving HTTPS itself (TEND_TLS_CERT / TEND_TLS_KEY)', () => {
  it('answers over HTTPS with the configured certificate', async () => {
    const health = await call('GET', '/api/health');
    expect(health.status).toBe(200);
    // The server answers (its first backup may still be running: the backup check can warn).
    expect(JSON.parse(health.body).checks.database).toBe('ok');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(health.protocol);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('refuses TLS 1.0 and 1.1, which a server allowing them would accept from the same client', async () => {
    const old = createServer(
      { cert: ca, key: readFileSync(KEY), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => old.listen(0, '127.0.0.1', resolve));
    try {
      const oldPort = (old.address() as AddressInfo).port;
      expect(await handshake(oldPort, 'TLSv1')).toBe('TLSv1');
      expect(await handshake(oldPort, 'TLSv1.1')).toBe('TLSv1.1');
    } finally {
      old.close();
    }
    for (const version of ['TLSv1', 'TLSv1.1'] as const) {
      expect(await handshake(port, version)).toMatch(/^ERR_SSL|^ECONNRESET$/);
    }
    expect(await handshake(port, 'TLSv1.2')).toBe('TLSv1.2');
  });

  it('sends the session and CSRF cookies with Secure', async () => {
    const res = await call('POST', '/api/auth/sign-in', clinic.admin);
    expect(res.status).toBe(200);
    const cookies = res.headers['set-cookie'] as string[];
    const session = cookies.find((c) => c.startsWith('tend_session='));
    const csrf = cookies.find((c) => c.startsWith('tend_csrf='));
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; HttpOnly/);
    expect(csrf).toMatch(/; Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
  });
});

describe('the certificate files', () => {
  it('must be readable, and a certificate with its own key', () => {
    expect(() => readTls({ certFile: CERT, keyFile: '/nonexistent/key.pem' })).toThrow(
      /TEND_TLS_KEY names a file that cannot be read: \/nonexistent\/key.pem \(ENOENT\)/,
    );
    const folder = mkdtempSync(join(tmpdir(), 'tend-tls-'));
    try {
      const otherKey = join(folder, 'other-key.pem');
      for (const { privateKey } of [
        generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
        generateKeyPairSync('rsa', { modulusLength: 2048 }),
      ]) {
        writeFileSync(otherKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
        expect(() => readTls({ certFile: CERT, keyFile: otherKey })).toThrow(
          /TEND_TLS_KEY is not the private key|must be a PEM certificate and its private key/,
        );
      }
      expect(() => readTls({ certFile: KEY, keyFile: KEY })).toThrow(/must be a PEM certificate/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
