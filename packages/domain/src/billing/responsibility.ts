/**
 * Who owes what of a visit's charges: from the patient's coverage on the date of service, the
 * copay (once per visit), then coinsurance on the rest; uninsured, the patient owes everything.
 * Integer cents throughout; each charge's two portions always add up to its amount.
 */

export interface CoverageTerms {
  /** The copay per visit, in cents (null: none). */
  copayCents: number | null;
  /** The patient's share after the copay, in basis points (2000 = 20 %). */
  coinsuranceBps: number;
}

export interface Portions {
  insurerCents: number;
  patientCents: number;
}

/**
 * Splits each charge of one visit (in order) between insurer and patient. The copay is taken
 * from the first charges until used up; coinsurance applies to what is left of each charge,
 * rounded to the nearest cent (half up).
 */
export function splitVisit(amountsCents: readonly number[], coverage: CoverageTerms | null): Portions[] {
  if (!coverage) return amountsCents.map((amount) => ({ insurerCents: 0, patientCents: amount }));
  let copayLeft = Math.max(0, coverage.copayCents ?? 0);
  const bps = Math.min(10_000, Math.max(0, coverage.coinsuranceBps));
  return amountsCents.map((amount) => {
    const copay = Math.min(copayLeft, amount);
    copayLeft -= copay;
    const rest = amount - copay;
    const coinsurance = Math.round((rest * bps) / 10_000);
    const patientCents = copay + coinsurance;
    return { insurerCents: amount - patientCents, patientCents };
  });
}
