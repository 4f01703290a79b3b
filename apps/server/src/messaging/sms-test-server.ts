import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback standing in for the SMS gateway in tests. It speaks the
 * Messages API of sms-gateway.ts: checks HTTP Basic auth and the form, keeps every text it
 * accepts, and answers a repeated idempotency key with the first message (stored once), as the
 * real gateway does. Tests can make it fail the next requests, go down, or refuse numbers.
 */

export interface ReceivedSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  idempotencyKey: string | null;
  statusCallback: string | null;
  receivedAt: Date;
}

export interface TestSmsServer {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** The texts accepted, one per idempotency key. */
  messages: ReceivedSms[];
  /** Every request that reached the server, whatever the answer. */
  readonly requestCount: number;
  /** The next `count` requests get HTTP `status` with a JSON error. */
  failNext(count: number, status?: number): void;
  /** Stops listening and drops open connections: connecting is refused until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Texts to these numbers get 400 with error 21211. */
  rejectNumbers(numbers: Iterable<string>): void;
  /** Resolves when `count` texts have been accepted. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedSms[]>;
  close(): Promise<void>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export async function startTestSmsServer(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<TestSmsServer> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const messages: ReceivedSms[] = [];
  const byKey = new Map<string, ReceivedSms>();
  let rejected = new Set<string>();
  let failures = { remaining: 0, status: 503 };
  let requestCount = 0;

  const server = createServer((req, res) => {
    requestCount += 1;
    readBody(req)
      .then((body) => reply(res, answer(req, body)))
      .catch((error: unknown) =>
        reply(res, { status: 500, body: { code: 20500, message: `Test SMS server error: ${String(error)}` } }),
      );
  });

  function answer(req: IncomingMessage, rawBody: string): Answer {
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      const status = failures.status;
      return fail(status, {
        code: status === 429 ? 20429 : 20500,
        message: status === 429 ? 'Too Many Requests' : `Service unavailable (test server answering ${status})`,
      });
    }
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = MESSAGES_PATH.exec(path);
    if (!match || req.method !== 'POST') {
      return fail(404, { code: 20404, message: `The requested resource ${path} was not found` });
    }
    if (!isAuthorized(req.headers.authorization)) {
      return {
        ...fail(401, { code: 20003, message: 'Authenticate' }),
        headers: { 'www-authenticate': 'Basic realm="Test SMS gateway"' },
      };
    }
    if (decodeURIComponent(match[1]) !== accountSid) {
      return fail(404, { code: 20404, message: `The requested resource ${path} was not found` });
    }
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return fail(400, { code: 20001, message: 'The request body must be form-encoded.' });
    }
    const form = new URLSearchParams(rawBody);
    const to = form.get('To');
    const from = form.get('From');
    const body = form.get('Body');
    if (!to) return fail(400, { code: 21604, message: "A 'To' phone number is required." });
    if (!from) return fail(400, { code: 21603, message: "A 'From' phone number is required." });
    if (!body) return fail(400, { code: 21602, message: 'Message body is required.' });
    if (!/^\+[1-9]\d{1,14}$/.test(to) || rejected.has(to)) {
      return fail(400, { code: 21211, message: "The 'To' number is not a valid phone number." });
    }

    const keyHeader = req.headers['idempotency-key'] ?? req.headers['i-twilio-idempotency-token'];
    const idempotencyKey = (Array.isArray(keyHeader) ? keyHeader[0] : keyHeader) ?? null;
    const earlier = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
    if (earlier) return { status: 201, body: messageResource(earlier) };

    const message: ReceivedSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from,
      body,
      idempotencyKey,
      statusCallback: form.get('StatusCallback'),
      receivedAt: new Date(),
    };
    messages.push(message);
    if (idempotencyKey) byKey.set(idempotencyKey, message);
    return { status: 201, body: messageResource(message) };
  }

  function isAuthorized(header: string | undefined): boolean {
    const [scheme, encoded] = (header ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'basic' || !encoded) return false;
    return Buffer.from(encoded, 'base64').toString('utf8') === `${accountSid}:${authToken}`;
  }

  function messageResource(message: ReceivedSms): Record<string, unknown> {
    return {
      sid: message.sid,
      account_sid: accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: 'queued',
      num_segments: '1',
      date_created: message.receivedAt.toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    };
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    get requestCount() {
      return requestCount;
    },
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    down: stop,
    // The same port again, so the settings under test stay valid.
    up: () => (server.listening ? Promise.resolve() : listen(port)),
    rejectNumbers(numbers) {
      rejected = new Set(numbers);
    },
    async waitFor(count, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} texts, got ${messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return messages;
    },
    close: stop,
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** An error in the gateway's shape: its code, its words, where to read more. */
function fail(status: number, error: { code: number; message: string }): Answer {
  return { status, body: { ...error, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status } };
}

function reply(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    // No kept-alive connections: after down(), the next request meets a refused connection at
    // once, instead of a pooled socket that the client has not yet noticed is closed.
    connection: 'close',
    ...answer.headers,
  });
  res.end(JSON.stringify(answer.body));
}
