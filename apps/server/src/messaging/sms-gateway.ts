import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one place that talks to the SMS gateway: an HTTP API in the common (Twilio) shape.
 * Failures become sentences an administrator can act on, and say whether sending again later
 * can help (`retryable`). Every send carries an idempotency key (`Idempotency-Key` and
 * `I-Twilio-Idempotency-Token`): a gateway that honours it answers a retry after a timeout or a
 * crash with the first message instead of sending twice, as the test server does. Not every
 * provider documents this for creating messages (Twilio documents that token on the webhooks it
 * sends), so with such a provider a retry after an unanswered request may send a second text.
 */

export interface SmsGatewaySettings {
  /** e.g. `https://api.twilio.com` */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** The clinic's sending number, E.164. */
  fromNumber: string;
}

export type SmsOutcome =
  | { ok: true; providerMessageId: string; status: string }
  | { ok: false; error: string; retryable: boolean };

export interface SmsToSend {
  /** E.164, e.g. `+15551234567`. */
  to: string;
  body: string;
  /** The same key for every attempt of one message (e.g. the outbox row's id). */
  idempotencyKey: string;
  statusCallbackUrl?: string | null;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const E164 = /^\+[1-9]\d{1,14}$/;
/** Visible ASCII only: the key travels in an HTTP header. */
const HEADER_SAFE = /^[\x21-\x7e]{1,255}$/;

export function isE164(phone: string): boolean {
  return E164.test(phone);
}

export async function sendSms(
  settings: SmsGatewaySettings,
  message: SmsToSend,
  options: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<SmsOutcome> {
  const refused = (error: string): SmsOutcome => ({ ok: false, error, retryable: false });
  if (!isE164(message.to)) {
    return refused(
      `The number "${message.to}" cannot receive texts as written: it must be in international form (E.164), like +15551234567.`,
    );
  }
  if (!isE164(settings.fromNumber)) {
    return refused(
      `The sending number "${settings.fromNumber}" in the SMS settings must be in international form (E.164), like +15551234567.`,
    );
  }
  if (!message.body.trim()) return refused('The text message is empty: there is nothing to send.');
  if (!HEADER_SAFE.test(message.idempotencyKey)) {
    return refused('The text has no usable idempotency key (1 to 255 visible ASCII characters), so it was not sent.');
  }
  let url: URL;
  try {
    url = new URL(
      `${settings.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`,
    );
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
  } catch {
    return refused(
      `The SMS gateway address "${settings.baseUrl}" in the SMS settings is not a web address (like https://api.twilio.com).`,
    );
  }

  const form = new URLSearchParams({ To: message.to, From: settings.fromNumber, Body: message.body });
  if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const gateway = url.host;
  const scrub = (text: string) => redact(text, settings.authToken);
  try {
    const response = await (options.fetchImpl ?? fetch)(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'idempotency-key': message.idempotencyKey,
        'i-twilio-idempotency-token': message.idempotencyKey,
      },
      body: form.toString(),
      // Never let the credentials follow a redirect; an address that moved is a settings fix.
      redirect: 'manual',
      signal: controller.signal,
    });
    // The timer keeps running while the body is read: a gateway that stalls mid-answer also times out.
    const text = await response.text();
    const reply = parseJson(text);

    if (response.ok) {
      const sid = typeof reply?.sid === 'string' ? reply.sid : '';
      if (!sid) {
        // It may have been sent; retrying with the same idempotency key cannot send it twice.
        return {
          ok: false,
          error: `The SMS gateway ${gateway} answered HTTP ${response.status} without a message id: ${scrub(snippet(text))}`,
          retryable: true,
        };
      }
      return { ok: true, providerMessageId: sid, status: typeof reply?.status === 'string' ? reply.status : 'queued' };
    }
    return { ok: false, ...describeSmsHttpError(response, reply, text, settings, gateway, message.to) };
  } catch (error) {
    if (controller.signal.aborted) {
      return {
        ok: false,
        error: `The SMS gateway ${gateway} did not answer within ${formatSeconds(timeoutMs)}. Check the gateway address in the SMS settings and that a firewall lets Tend reach it.`,
        retryable: true,
      };
    }
    return { ok: false, error: scrub(describeNetworkError(error, url)), retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

interface GatewayReply {
  sid?: unknown;
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/** A sentence for an HTTP failure, with the gateway's own words (never the auth token). */
function describeSmsHttpError(
  response: Response,
  reply: GatewayReply | null,
  text: string,
  settings: SmsGatewaySettings,
  gateway: string,
  to: string,
): { error: string; retryable: boolean } {
  const status = response.status;
  const apiMessage = typeof reply?.message === 'string' ? reply.message.trim() : snippet(text);
  const apiCode = typeof reply?.code === 'number' || typeof reply?.code === 'string' ? String(reply.code) : null;
  const said = redact([apiMessage, apiCode ? `error ${apiCode}` : ''].filter(Boolean).join(', '), settings.authToken);
  const words = said ? `: ${said}` : '';

  if (status === 401 || status === 403) {
    return {
      error: `The SMS gateway ${gateway} refused the account SID ${settings.accountSid} or its auth token (HTTP ${status}${words}). Check both in the SMS settings; the token may have been changed.`,
      retryable: false,
    };
  }
  if (status === 404) {
    return {
      error: `The SMS gateway ${gateway} does not know the account SID ${settings.accountSid} (HTTP 404${words}). Check the account SID and the gateway address in the SMS settings.`,
      retryable: false,
    };
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return {
      error: `The SMS gateway address ${settings.baseUrl} redirects${location ? ` to ${location}` : ''} (HTTP ${status}). Put the gateway's current address in the SMS settings.`,
      retryable: false,
    };
  }
  if (status === 429) {
    const wait = response.headers.get('retry-after');
    return {
      error: `The SMS gateway ${gateway} is limiting how fast texts are sent (HTTP 429${words}). This is temporary${wait ? `; it asks to wait ${wait} s` : ''}.`,
      retryable: true,
    };
  }
  if (status >= 500 || status === 408) {
    return {
      error: `The SMS gateway ${gateway} could not take the text right now (HTTP ${status}${words}). This is usually temporary.`,
      retryable: true,
    };
  }
  // 400 and the rest of 4xx: this message, as it is, will never be accepted.
  return { error: `The SMS gateway refused the text to ${to} (HTTP ${status})${words}`, retryable: false };
}

function describeNetworkError(error: unknown, url: URL): string {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } })?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  const detail = cause?.message || (error instanceof Error ? error.message : String(error));
  switch (code) {
    case 'ECONNREFUSED':
      return `Tend could not connect to the SMS gateway ${url.host}: the connection was refused. The gateway may be down, or the address in the SMS settings is wrong.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Tend cannot find the SMS gateway host ${url.hostname} (${code}). Check the gateway address in the SMS settings and this server's DNS.`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `The connection to the SMS gateway ${url.host} broke before it answered (${code}). This is usually temporary.`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `The SMS gateway ${url.host} did not accept the connection in time (${code}). Check the address and that a firewall lets Tend reach it.`;
    default:
      if (/certificate|CERT_|self[- ]signed/i.test(`${code ?? ''} ${detail}`)) {
        return `The SMS gateway ${url.host} presented a certificate Tend does not trust (${detail}). Check the gateway address in the SMS settings.`;
      }
      return `Tend could not talk to the SMS gateway ${url.host}: ${detail}${code ? ` (${code})` : ''}.`;
  }
}

function parseJson(text: string): GatewayReply | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as GatewayReply) : null;
  } catch {
    return null;
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} seconds` : `${(ms / 1000).toFixed(1)} seconds`;
}

/** The auth token never appears in an error, even if a gateway echoes it. */
function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[auth token]') : text;
}

// ---- Incoming texts and delivery reports (webhooks) ----------------------------------------

export interface InboundSms {
  from: string;
  to: string;
  body: string;
  messageSid: string | null;
}

/** The form the gateway posts when a patient texts the clinic's number. */
export function parseInboundSms(form: Record<string, string>): InboundSms {
  const from = form.From?.trim();
  const to = form.To?.trim();
  if (!from || !to) throw new Error('An incoming text must name the sender (From) and the receiving number (To).');
  return {
    from,
    to,
    body: form.Body ?? '',
    messageSid: form.MessageSid || form.SmsMessageSid || form.SmsSid || null,
  };
}

// Carrier opt-out and opt-in keywords: the whole message, ignoring case and surrounding space.
// The gateway itself also stops sending after STOP; Tend records it so it does not keep trying.
const STOP_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const START_KEYWORDS = new Set(['START', 'UNSTOP', 'YES']);

export function isStopKeyword(body: string): boolean {
  return STOP_KEYWORDS.has(body.trim().toUpperCase());
}

export function isStartKeyword(body: string): boolean {
  return START_KEYWORDS.has(body.trim().toUpperCase());
}

export interface SmsStatusReport {
  messageSid: string;
  /** queued, sent, delivered, undelivered, failed, … */
  status: string;
  errorCode: string | null;
}

/** The form the gateway posts to `StatusCallback` as a text moves along. */
export function parseStatusCallback(form: Record<string, string>): SmsStatusReport {
  const messageSid = form.MessageSid || form.SmsSid;
  const status = form.MessageStatus || form.SmsStatus;
  if (!messageSid || !status) {
    throw new Error('A delivery report must name the message (MessageSid) and its status (MessageStatus).');
  }
  return { messageSid, status, errorCode: form.ErrorCode?.trim() || null };
}

/**
 * The `X-Twilio-Signature` of a webhook: HMAC-SHA1, keyed with the auth token, over the full
 * URL the gateway called (scheme, host, path and query, exactly as configured there — behind a
 * proxy that is the public URL, not the one this server sees) followed by every POST parameter
 * sorted by name, each as name then value with no separators; base64.
 */
export function webhookSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyWebhookSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | null | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(webhookSignature(authToken, url, params));
  const given = Buffer.from(signature);
  // The length of an HMAC-SHA1 in base64 is public (28); only the content is compared in constant time.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
