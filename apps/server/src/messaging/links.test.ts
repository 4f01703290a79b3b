import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type LinkClaims, signLink, verifyLink } from './links';

const source = { secretKey: 'links-test-key', dataDir: '/nonexistent' };
const other = { secretKey: 'another-servers-key', dataDir: '/nonexistent' };
const now = Date.parse('2026-11-27T12:00:00Z');
const claims = (overrides: Partial<LinkClaims> = {}): LinkClaims => ({
  action: 'confirm',
  id: randomUUID(),
  start: Date.parse('2026-11-30T15:00:00Z') / 1000,
  expires: Date.parse('2026-11-30T15:00:00Z') / 1000,
  ...overrides,
});

describe('signed links', () => {
  it('carry the action, record, start and expiry in 56 URL-safe characters', () => {
    const c = claims({ action: 'cancel' });
    const token = signLink(source, c);
    expect(token).toMatch(/^[A-Za-z0-9_-]{56}$/);
    expect(verifyLink(source, token, now)).toEqual({ ok: true, claims: c });
  });

  it('refuse an expired link, a forged or altered one, and one signed with another key', () => {
    const token = signLink(source, claims({ expires: now / 1000 - 1 }));
    expect(verifyLink(source, token, now)).toEqual({ ok: false, reason: 'expired' });

    const good = signLink(source, claims());
    // Change the action byte (confirm → cancel) without the key: the signature no longer matches.
    const raw = Buffer.from(good, 'base64url');
    raw[1] = 1;
    expect(verifyLink(source, raw.toString('base64url'), now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(other, good, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyLink(source, 'not-a-token', now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLink(source, `${good.slice(0, 55)}`, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
