import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type SecretKeySource, secretKey } from '../email/secret-box';

/**
 * The first-run setup is open to whoever reaches it first. From the computer Tend runs on that is
 * the person who started it; from another computer it could be anyone on the network, so there
 * the setup page also asks for a code that `tend start` prints on its console. The code is derived
 * from the secret key (HMAC), so every server process on one database shows the same one, and
 * nothing has to be stored.
 */

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

export function setupCode(keys: SecretKeySource): string {
  const mac = createHmac('sha256', secretKey(keys)).update('tend:setup-code:v1').digest();
  const chars = [...mac.subarray(0, 10)].map((byte) => ALPHABET[byte % ALPHABET.length]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/**
 * A request made on the computer Tend runs on: its connection comes from the loopback interface
 * and no proxy forwarded it. The socket's own address is used, never `X-Forwarded-For` (which the
 * client writes), and a forwarded request is never local — a reverse proxy on the same computer
 * connects from loopback on behalf of anyone.
 */
export function isLocalRequest(request: FastifyRequest): boolean {
  const headers = request.headers;
  if (headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined) return false;
  const ip = request.socket.remoteAddress;
  if (!ip) return false;
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** Whether `given` is the setup code; case, spaces and dashes do not matter. */
export function isSetupCode(keys: SecretKeySource, given: string | null | undefined): boolean {
  if (!given) return false;
  const normalise = (code: string) => Buffer.from(code.toUpperCase().replace(/[\s-]/g, ''));
  const expected = normalise(setupCode(keys));
  const actual = normalise(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
