import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback for tests (smtp-server): it keeps every message it accepts,
 * raw and parsed (mailparser). `security` is what it offers: TLS from the first byte, STARTTLS,
 * or plain text only. With `auth`, it accepts exactly that user name and password.
 */

export const TEST_CERT_FILE = new URL('./fixtures/localhost-cert.pem', import.meta.url).pathname;
const TEST_KEY_FILE = new URL('./fixtures/localhost-key.pem', import.meta.url).pathname;

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  secure: boolean;
  user: string | undefined;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  received: ReceivedMail[];
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startTestSmtpServer(
  options: { security: 'tls' | 'starttls' | 'none'; auth?: { user: string; pass: string }; port?: number } = {
    security: 'starttls',
  },
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const { auth } = options;
  const server = new SMTPServer({
    secure: options.security === 'tls',
    key: readFileSync(TEST_KEY_FILE),
    cert: readFileSync(TEST_CERT_FILE),
    disabledCommands: options.security === 'none' ? ['STARTTLS', ...(auth ? [] : ['AUTH'])] : auth ? [] : ['AUTH'],
    authOptional: !auth,
    allowInsecureAuth: options.security === 'none',
    logger: false,
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
        return callback(null, { user: credentials.username });
      }
      const error = new Error('Authentication credentials invalid') as Error & { responseCode: number };
      error.responseCode = 535;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        received.push({
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw,
          parsed: await simpleParser(raw),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
