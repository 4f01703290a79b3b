import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGING_BUCKETS, agingBucket, agingReport } from './aging';
import { splitVisit } from './responsibility';

describe('patient responsibility', () => {
  it('takes a $50 copay from the visit, then the insurer pays the rest (no coinsurance)', () => {
    expect(splitVisit([12_500, 3_850], { copayCents: 5_000, coinsuranceBps: 0 })).toEqual([
      { insurerCents: 7_500, patientCents: 5_000 },
      { insurerCents: 3_850, patientCents: 0 },
    ]);
  });

  it('spreads a copay larger than the first charge over the next ones', () => {
    expect(splitVisit([3_000, 4_000], { copayCents: 5_000, coinsuranceBps: 0 })).toEqual([
      { insurerCents: 0, patientCents: 3_000 },
      { insurerCents: 2_000, patientCents: 2_000 },
    ]);
  });

  it('adds 20 % coinsurance on what is left after the copay, to the cent', () => {
    // $125 − $20 copay = $105; 20 % = $21 → patient $41, insurer $84.
    expect(splitVisit([12_500], { copayCents: 2_000, coinsuranceBps: 2_000 })).toEqual([
      { insurerCents: 8_400, patientCents: 4_100 },
    ]);
    // 12.5 % of $0.99 = 12.375 cents → 12 cents.
    expect(splitVisit([99], { copayCents: null, coinsuranceBps: 1_250 })).toEqual([
      { insurerCents: 87, patientCents: 12 },
    ]);
  });

  it('makes the uninsured (self-pay) patient responsible for everything', () => {
    expect(splitVisit([12_500, 3_850], null)).toEqual([
      { insurerCents: 0, patientCents: 12_500 },
      { insurerCents: 0, patientCents: 3_850 },
    ]);
  });

  it('never loses or creates a cent: portions are whole, non-negative and add up to each charge', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 12 }),
        fc.option(fc.integer({ min: 0, max: 100_000 })),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        (amounts, copay, bps, insured) => {
          const split = splitVisit(amounts, insured ? { copayCents: copay, coinsuranceBps: bps } : null);
          split.forEach((portion, i) => {
            expect(Number.isInteger(portion.insurerCents) && Number.isInteger(portion.patientCents)).toBe(true);
            expect(portion.insurerCents).toBeGreaterThanOrEqual(0);
            expect(portion.patientCents).toBeGreaterThanOrEqual(0);
            expect(portion.insurerCents + portion.patientCents).toBe(amounts[i]);
          });
          // The copay is charged at most once per visit.
          if (insured && bps === 0) {
            const patient = split.reduce((sum, p) => sum + p.patientCents, 0);
            expect(patient).toBe(
              Math.min(
                copay ?? 0,
                amounts.reduce((a, b) => a + b, 0),
              ),
            );
          }
        },
      ),
    );
  });
});

describe('aging', () => {
  it('puts amounts in 0–30, 31–60, 61–90 and 90+ day buckets by age on the report date', () => {
    expect(agingBucket('2026-11-27', '2026-11-27')).toBe('0-30');
    expect(agingBucket('2026-10-28', '2026-11-27')).toBe('0-30');
    expect(agingBucket('2026-10-27', '2026-11-27')).toBe('31-60');
    expect(agingBucket('2026-09-28', '2026-11-27')).toBe('31-60');
    expect(agingBucket('2026-09-27', '2026-11-27')).toBe('61-90');
    expect(agingBucket('2026-08-29', '2026-11-27')).toBe('61-90');
    expect(agingBucket('2026-08-28', '2026-11-27')).toBe('90+');
  });

  it('reconciles: rows add up to the totals, and the buckets to the grand total', () => {
    const day = fc
      .integer({ min: 0, max: 400 })
      .map((d) => new Date(Date.UTC(2026, 10, 27) - d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('Aetna', 'Cigna', 'self'),
            amountCents: fc.integer({ min: -50_000, max: 500_000 }),
            since: day,
          }),
        ),
        (items) => {
          const { rows, totals } = agingReport(items, '2026-11-27');
          const sum = items.reduce((total, item) => total + item.amountCents, 0);
          expect(totals.total).toBe(sum);
          expect(AGING_BUCKETS.reduce((total, bucket) => total + totals[bucket], 0)).toBe(sum);
          expect([...rows.values()].reduce((total, row) => total + row.total, 0)).toBe(sum);
        },
      ),
    );
  });
});
