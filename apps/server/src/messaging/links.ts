import { createHmac, timingSafeEqual } from 'node:crypto';
import { type SecretKeySource, secretKey } from '../email/secret-box';

/**
 * Signed, expiring links in messages ("confirm", "cancel", "take this time"): a patient acts on
 * one appointment without signing in, and nothing else. The token names the action, the record,
 * the appointment start it was written for (a link for a time that has since moved is refused)
 * and when it expires, signed with an HMAC of the server's secret key (TEND_SECRET_KEY or the data
 * folder's key — every server of a clinic network must share it). 42 bytes, 56 characters in a
 * URL: short enough for a text message.
 */

export const LINK_ACTIONS = ['confirm', 'cancel', 'offer', 'book'] as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];

export interface LinkClaims {
  action: LinkAction;
  /** The appointment (confirm, cancel), waitlist offer (offer) or recall (book). */
  id: string;
  /** The appointment start the message was written for, epoch seconds (0 when not about a time). */
  start: number;
  /** Epoch seconds after which the link is refused. */
  expires: number;
}

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

const VERSION = 1;
const BODY_BYTES = 1 + 1 + 16 + 4 + 4;
const MAC_BYTES = 16;

function linkKey(source: SecretKeySource): Buffer {
  // A key of its own, derived from the server's secret key (which also seals stored passwords).
  return createHmac('sha256', secretKey(source)).update('tend:message-links:v1').digest();
}

function mac(source: SecretKeySource, body: Buffer): Buffer {
  return createHmac('sha256', linkKey(source)).update(body).digest().subarray(0, MAC_BYTES);
}

export function signLink(source: SecretKeySource, claims: LinkClaims): string {
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(LINK_ACTIONS.indexOf(claims.action), 1);
  Buffer.from(claims.id.replace(/-/g, ''), 'hex').copy(body, 2);
  body.writeUInt32BE(claims.start, 18);
  body.writeUInt32BE(claims.expires, 22);
  return Buffer.concat([body, mac(source, body)]).toString('base64url');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function verifyLink(source: SecretKeySource, token: string, now: number = Date.now()): LinkCheck {
  if (!/^[A-Za-z0-9_-]{56}$/.test(token)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(token, 'base64url');
  const body = raw.subarray(0, BODY_BYTES);
  const given = raw.subarray(BODY_BYTES);
  if (raw.length !== BODY_BYTES + MAC_BYTES || !timingSafeEqual(given, mac(source, body))) {
    return { ok: false, reason: 'forged' };
  }
  const action = LINK_ACTIONS[body.readUInt8(1)];
  if (body.readUInt8(0) !== VERSION || !action) return { ok: false, reason: 'malformed' };
  const claims: LinkClaims = {
    action,
    id: uuidOf(body.subarray(2, 18)),
    start: body.readUInt32BE(18),
    expires: body.readUInt32BE(22),
  };
  if (claims.expires * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
