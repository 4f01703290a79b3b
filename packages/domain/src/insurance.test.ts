import { describe, expect, it } from 'vitest';
import { isValidPattern, memberIdError, memberIdMatches, zCoverageCreate } from './insurance';

describe('memberIdMatches', () => {
  const pattern = '[A-Z]{3}\\d{9}';

  it('accepts any member ID when the payer has no format', () => {
    expect(memberIdMatches('anything 123', null)).toBe(true);
  });

  it('matches the whole ID, ignoring case and surrounding spaces', () => {
    expect(memberIdMatches('ABC123456789', pattern)).toBe(true);
    expect(memberIdMatches('abc123456789', pattern)).toBe(true);
    expect(memberIdMatches(' ABC123456789 ', pattern)).toBe(true);
  });

  it('refuses partial matches', () => {
    expect(memberIdMatches('XABC123456789', pattern)).toBe(false);
    expect(memberIdMatches('ABC1234567890', pattern)).toBe(false);
    expect(memberIdMatches('ABC12345678', pattern)).toBe(false);
    expect(memberIdMatches('W12345678', 'W\\d{8,9}')).toBe(true);
    expect(memberIdMatches('W1234567', 'W\\d{8,9}')).toBe(false);
  });
});

describe('payer formats', () => {
  it('refuses formats that could make matching slow (groups, alternation, many variable parts)', () => {
    for (const slow of ['(a+)+', '(a|aa)*', 'A|B', 'a*a*a*a*b', '(\\d{3})+', '\\1']) {
      expect(isValidPattern(slow), slow).toBe(false);
    }
    // An unsafe format stored before this rule is ignored, never run (running it would hang here).
    expect(memberIdMatches(`${'a'.repeat(40)}!`, '(a+)+')).toBe(true);
  });

  it('tells a broken regular expression from a good one', () => {
    expect(isValidPattern('[A-Z]{3}\\d+')).toBe(true);
    expect(isValidPattern('([A-Z')).toBe(false);
  });

  it('explains a mismatch with the payer’s name and example', () => {
    const message = memberIdError({ name: 'Acme Health', memberIdExample: 'ABC123456789' });
    expect(message).toContain('Acme Health');
    expect(message).toContain('ABC123456789');
  });
});

describe('coverage input', () => {
  const base = { payerId: '0190a0b4-8b5a-7c4e-9f3d-0123456789ab', memberId: 'X1', validFrom: '2024-01-01' };

  it('defaults to a primary coverage for the patient themself', () => {
    expect(zCoverageCreate.parse(base)).toMatchObject({
      rank: 'primary',
      subscriberRelationship: 'self',
      validTo: null,
      copayCents: null,
    });
  });

  it('refuses an end date before the start date on the validTo field', () => {
    const parsed = zCoverageCreate.safeParse({ ...base, validTo: '2023-12-31' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['validTo']);
    expect(zCoverageCreate.safeParse({ ...base, validTo: '2024-01-01' }).success).toBe(true);
  });

  it('takes the copay in whole cents only', () => {
    expect(zCoverageCreate.parse({ ...base, copayCents: 2500 }).copayCents).toBe(2500);
    expect(zCoverageCreate.safeParse({ ...base, copayCents: 25.5 }).success).toBe(false);
  });
});
