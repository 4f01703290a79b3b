import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildStatement, monthBounds, type StatementEntry, zMonth } from './statements';

describe('monthly statements', () => {
  it('knows where a month ends (leap years included)', () => {
    expect(monthBounds('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(monthBounds('2026-12')).toEqual({ first: '2026-12-01', last: '2026-12-31' });
    expect(zMonth.safeParse('2026-13').success).toBe(false);
    expect(zMonth.safeParse('2026-1').success).toBe(false);
  });

  it('carries September’s open charge as the previous balance and adds October’s activity', () => {
    const entries: StatementEntry[] = [
      { chargeId: 'sep', date: '2026-09-10', description: '99213 Office visit', amountCents: 5_000 },
      { chargeId: 'sep', date: '2026-09-10', description: 'Payment by card', amountCents: -2_000 },
      { chargeId: 'paid', date: '2026-09-20', description: '90471 Vaccine', amountCents: 3_000 },
      { chargeId: 'paid', date: '2026-09-21', description: 'Payment by cash', amountCents: -3_000 },
      { chargeId: 'oct', date: '2026-10-05', description: '99214 Office visit', amountCents: 8_000 },
      { chargeId: 'sep', date: '2026-10-12', description: 'Payment by check', amountCents: -1_000 },
      { chargeId: 'oct', date: '2026-10-30', description: 'Moved to you from your insurer', amountCents: 2_500 },
      // November is after the statement: not on it.
      { chargeId: 'oct', date: '2026-11-02', description: 'Payment by card', amountCents: -10_500 },
    ];
    const october = buildStatement('2026-10', entries);
    expect(october).toMatchObject({
      previousBalanceCents: 3_000,
      chargesCents: 10_500,
      creditsCents: 1_000,
      totalDueCents: 12_500,
    });
    expect(october.openChargeIds.sort()).toEqual(['oct', 'sep']);
    expect(october.lines.map((line) => [line.date, line.chargeCents, line.creditCents])).toEqual([
      ['2026-09-10', 5_000, 0],
      ['2026-09-10', 0, 2_000],
      ['2026-10-05', 8_000, 0],
      ['2026-10-12', 0, 1_000],
      ['2026-10-30', 2_500, 0],
    ]);
    // In November the October visit is paid: only September's charge is still owed.
    expect(buildStatement('2026-11', entries)).toMatchObject({
      previousBalanceCents: 2_000,
      chargesCents: 0,
      creditsCents: 0,
      totalDueCents: 2_000,
      openChargeIds: ['sep'],
    });
  });

  it('always adds up: previous + charges − credits = total = the lines = what the open charges owe', () => {
    const entry = fc.record({
      chargeId: fc.constantFrom('a', 'b', 'c'),
      date: fc.constantFrom('2026-08-31', '2026-09-01', '2026-09-15', '2026-09-30', '2026-10-01'),
      description: fc.constant('x'),
      amountCents: fc.integer({ min: -5_000, max: 5_000 }).filter((v) => v !== 0),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const built = buildStatement('2026-09', entries);
        expect(built.previousBalanceCents + built.chargesCents - built.creditsCents).toBe(built.totalDueCents);
        expect(built.lines.reduce((sum, l) => sum + l.chargeCents - l.creditCents, 0)).toBe(built.totalDueCents);
        const owed = (id: string) =>
          entries.filter((e) => e.chargeId === id && e.date <= '2026-09-30').reduce((s, e) => s + e.amountCents, 0);
        expect(built.openChargeIds.every((id) => owed(id) > 0)).toBe(true);
        expect(built.totalDueCents).toBe(
          ['a', 'b', 'c']
            .map(owed)
            .filter((v) => v > 0)
            .reduce((s, v) => s + v, 0),
        );
      }),
    );
  });
});
