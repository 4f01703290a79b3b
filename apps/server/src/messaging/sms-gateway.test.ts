import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  isStartKeyword,
  isStopKeyword,
  parseInboundSms,
  parseStatusCallback,
  type SmsGatewaySettings,
  sendSms,
  verifyWebhookSignature,
  webhookSignature,
} from './sms-gateway';
import { startTestSmsServer, type TestSmsServer } from './sms-test-server';

/**
 * The SMS gateway adapter against a real HTTP server on loopback (sms-test-server.ts): delivery
 * with auth and idempotency, every kind of failure as a sentence that says whether a retry can
 * help, the token that never leaks, and the webhook side (signatures, STOP, delivery reports).
 */

const CLINIC_NUMBER = '+15550100100';
const PATIENT = '+15557654321';

let gateway: TestSmsServer;
let settings: SmsGatewaySettings;

beforeAll(async () => {
  gateway = await startTestSmsServer({ accountSid: 'AC0123456789abcdef0123456789abcdef' });
  settings = {
    baseUrl: gateway.baseUrl,
    accountSid: gateway.accountSid,
    authToken: gateway.authToken,
    fromNumber: CLINIC_NUMBER,
  };
});
afterAll(() => gateway.close());
beforeEach(async () => {
  await gateway.up();
  gateway.failNext(0);
  gateway.rejectNumbers([]);
});

const reminder = (overrides: Partial<Parameters<typeof sendSms>[1]> = {}) => ({
  to: PATIENT,
  body: 'Reminder: your appointment at Riverside Clinic is tomorrow at 9:30. Reply STOP to opt out.',
  idempotencyKey: randomUUID(),
  ...overrides,
});

describe('sendSms', () => {
  it('delivers a text with the form fields, Basic auth and both idempotency headers', async () => {
    const sent: RequestInit[] = [];
    const spy: typeof fetch = (url, init) => {
      sent.push(init ?? {});
      return fetch(url, init);
    };
    const message = reminder({ statusCallbackUrl: 'https://tend.example/api/sms/status' });
    const before = gateway.messages.length;

    const outcome = await sendSms(settings, message, { fetchImpl: spy });

    expect(outcome).toEqual({
      ok: true,
      providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'queued',
    });
    const stored = await gateway.waitFor(before + 1);
    expect(stored.at(-1)).toMatchObject({
      sid: outcome.ok ? outcome.providerMessageId : '',
      to: PATIENT,
      from: CLINIC_NUMBER,
      body: message.body,
      idempotencyKey: message.idempotencyKey,
      statusCallback: 'https://tend.example/api/sms/status',
    });
    const headers = new Headers(sent[0].headers);
    expect(headers.get('authorization')).toBe(
      `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`,
    );
    expect(headers.get('idempotency-key')).toBe(message.idempotencyKey);
    expect(headers.get('i-twilio-idempotency-token')).toBe(message.idempotencyKey);
  });

  it('leaves StatusCallback out when there is none', async () => {
    const outcome = await sendSms(settings, reminder({ statusCallbackUrl: null }));
    expect(outcome.ok).toBe(true);
    expect(gateway.messages.at(-1)?.statusCallback).toBeNull();
  });

  it('stores a text sent twice with the same idempotency key once, and answers with the first sid', async () => {
    const message = reminder();
    const before = gateway.messages.length;
    const first = await sendSms(settings, message);
    const again = await sendSms(settings, message);
    expect(first.ok && again.ok).toBe(true);
    expect(again).toEqual(first);
    expect(gateway.messages.length).toBe(before + 1);
    expect(gateway.messages.filter((m) => m.idempotencyKey === message.idempotencyKey)).toHaveLength(1);
  });

  it('a wrong auth token is not retryable, names the account SID and never shows the token', async () => {
    const wrongToken = 'wrong-token-5f3a9c';
    const outcome = await sendSms({ ...settings, authToken: wrongToken }, reminder());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.retryable).toBe(false);
    expect(outcome.error).toContain(settings.accountSid);
    expect(outcome.error).toMatch(
      /refused the account SID .* or its auth token \(HTTP 401: Authenticate, error 20003\)/,
    );
    expect(outcome.error).not.toContain(wrongToken);
    expect(outcome.error).not.toContain(settings.authToken);
  });

  it('keeps the token out of an error even when the gateway echoes it', async () => {
    const echo: typeof fetch = async () =>
      new Response(JSON.stringify({ code: 20003, message: `Bad credentials ${settings.authToken}` }), { status: 403 });
    const outcome = await sendSms(settings, reminder(), { fetchImpl: echo });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).not.toContain(settings.authToken);
    expect(outcome.error).toContain('[auth token]');
  });

  it('503 and 429 are retryable, and the retry with the same key sends the text once', async () => {
    const message = reminder();
    gateway.failNext(1, 503);
    const unavailable = await sendSms(settings, message);
    expect(unavailable).toEqual({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/could not take the text right now \(HTTP 503: .*\)\. This is usually temporary\./),
    });
    gateway.failNext(1, 429);
    const limited = await sendSms(settings, message);
    expect(limited).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('HTTP 429') });

    const retried = await sendSms(settings, message);
    expect(retried.ok).toBe(true);
    expect(gateway.messages.filter((m) => m.idempotencyKey === message.idempotencyKey)).toHaveLength(1);
  });

  it('a gateway that is down is retryable, with a sentence that says so; it works again once up', async () => {
    await gateway.down();
    const outcome = await sendSms(settings, reminder());
    expect(outcome).toEqual({
      ok: false,
      retryable: true,
      error: `Tend could not connect to the SMS gateway ${new URL(gateway.baseUrl).host}: the connection was refused. The gateway may be down, or the address in the SMS settings is wrong.`,
    });
    await gateway.up();
    expect((await sendSms(settings, reminder())).ok).toBe(true);
  });

  it('a gateway that does not answer in time is retryable', async () => {
    const silent: Server = createServer(() => {
      // Accepts the request and never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const baseUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const started = Date.now();
      const outcome = await sendSms({ ...settings, baseUrl }, reminder(), { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(outcome).toEqual({
        ok: false,
        retryable: true,
        error: expect.stringContaining('did not answer within 0.3 seconds'),
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("an invalid number is not retryable and carries the gateway's own words", async () => {
    gateway.rejectNumbers([PATIENT]);
    const outcome = await sendSms(settings, reminder());
    expect(outcome).toEqual({
      ok: false,
      retryable: false,
      error: `The SMS gateway refused the text to ${PATIENT} (HTTP 400): The 'To' number is not a valid phone number., error 21211`,
    });
  });

  it('refuses numbers that are not E.164 before any request is made', async () => {
    let calls = 0;
    const counting: typeof fetch = (url, init) => {
      calls += 1;
      return fetch(url, init);
    };
    const requestsBefore = gateway.requestCount;
    for (const to of ['555-765-4321', '15557654321', '+0155576543', '+1 555 765 4321', '']) {
      const outcome = await sendSms(settings, reminder({ to }), { fetchImpl: counting });
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('E.164') });
    }
    const badSender = await sendSms({ ...settings, fromNumber: 'Riverside' }, reminder(), { fetchImpl: counting });
    expect(badSender).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('sending number') });
    expect(calls).toBe(0);
    expect(gateway.requestCount).toBe(requestsBefore);
  });

  it('a wrong account SID and a bad gateway address are settings problems, not retried', async () => {
    const unknownAccount = await sendSms({ ...settings, accountSid: 'ACffffffffffffffffffffffffffffffff' }, reminder());
    expect(unknownAccount).toMatchObject({ ok: false, retryable: false });
    const notAnAddress = await sendSms({ ...settings, baseUrl: 'api.example' }, reminder());
    expect(notAnAddress).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringContaining('not a web address'),
    });
  });
});

describe('webhooks', () => {
  it("matches the signature of Twilio's documented example", () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    expect(webhookSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    );
  });

  it('verifies its own signature, and rejects a tampered parameter, URL, token or signature', () => {
    const url = 'https://clinic.example/api/sms/inbound?clinic=riverside';
    const params = {
      From: PATIENT,
      To: CLINIC_NUMBER,
      Body: 'Can I move my 9:30 to Friday? Merci, Zoë',
      MessageSid: 'SM1',
    };
    const signature = webhookSignature(settings.authToken, url, params);
    // Insertion order does not matter: the parameters are sorted by name.
    const reordered = { MessageSid: 'SM1', Body: params.Body, To: CLINIC_NUMBER, From: PATIENT };

    expect(verifyWebhookSignature(settings.authToken, url, reordered, signature)).toBe(true);
    expect(verifyWebhookSignature(settings.authToken, url, { ...params, Body: 'STOP' }, signature)).toBe(false);
    expect(verifyWebhookSignature(settings.authToken, url, { ...params, Extra: '' }, signature)).toBe(false);
    expect(verifyWebhookSignature(settings.authToken, `${url}x`, params, signature)).toBe(false);
    expect(verifyWebhookSignature('another-token', url, params, signature)).toBe(false);
    expect(verifyWebhookSignature(settings.authToken, url, params, signature.slice(1))).toBe(false);
    expect(verifyWebhookSignature(settings.authToken, url, params, '')).toBe(false);
    expect(verifyWebhookSignature(settings.authToken, url, params, null)).toBe(false);
  });

  it('recognises STOP and START keywords only as the whole message, in any case', () => {
    for (const body of ['STOP', 'stop', ' Stop \n', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit']) {
      expect(isStopKeyword(body), body).toBe(true);
    }
    for (const body of ['stop please', "don't stop", 'STOP!', 'cancel my appointment', '', 'YES']) {
      expect(isStopKeyword(body), body).toBe(false);
    }
    for (const body of ['START', 'unstop', ' yes ']) expect(isStartKeyword(body), body).toBe(true);
    for (const body of ['yes please', 'STOP', 'started']) expect(isStartKeyword(body), body).toBe(false);
  });

  it('reads an incoming text and a delivery report', () => {
    expect(
      parseInboundSms({ From: PATIENT, To: CLINIC_NUMBER, Body: 'STOP', MessageSid: 'SMabc', AccountSid: 'AC1' }),
    ).toEqual({ from: PATIENT, to: CLINIC_NUMBER, body: 'STOP', messageSid: 'SMabc' });
    expect(parseInboundSms({ From: PATIENT, To: CLINIC_NUMBER })).toEqual({
      from: PATIENT,
      to: CLINIC_NUMBER,
      body: '',
      messageSid: null,
    });
    expect(() => parseInboundSms({ Body: 'hello' })).toThrow(/From/);

    expect(parseStatusCallback({ MessageSid: 'SMabc', MessageStatus: 'delivered' })).toEqual({
      messageSid: 'SMabc',
      status: 'delivered',
      errorCode: null,
    });
    expect(parseStatusCallback({ SmsSid: 'SMabc', SmsStatus: 'undelivered', ErrorCode: '30003' })).toEqual({
      messageSid: 'SMabc',
      status: 'undelivered',
      errorCode: '30003',
    });
    expect(() => parseStatusCallback({ MessageStatus: 'failed' })).toThrow(/MessageSid/);
  });
});
