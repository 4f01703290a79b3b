import { describe, expect, it } from 'vitest';
import { eobLine, typedCents } from './eob';

const line = { billedCents: 12_500, contractCents: null, allowed: '', paid: '', patient: '', denied: false };

describe('an EOB line as the form computes it', () => {
  it('reads dollars as cents, empty as 0 and anything else as not an amount', () => {
    expect(typedCents('')).toBe(0);
    expect(typedCents('60')).toBe(6_000);
    expect(typedCents('$1,234.5')).toBe(123_450);
    expect(typedCents('sixty')).toBeNull();
  });

  it('without a contract, writes off what is neither paid nor the patient’s', () => {
    expect(eobLine({ ...line, paid: '60.00', patient: '50' })).toMatchObject({
      writeOffCents: 1_500,
      underpaidCents: 0,
    });
    expect(eobLine({ ...line, paid: '125' }).writeOffCents).toBe(0);
  });

  it('with a contract, writes off billed − allowed and shows an underpayment', () => {
    const contracted = { ...line, contractCents: 10_000, allowed: '100.00' };
    expect(eobLine({ ...contracted, paid: '80', patient: '20' })).toMatchObject({
      writeOffCents: 2_500,
      underpaidCents: 0,
    });
    expect(eobLine({ ...contracted, paid: '40', patient: '50' })).toMatchObject({
      writeOffCents: 2_500,
      underpaidCents: 1_000,
    });
    // The allowed box emptied falls back on the contract.
    expect(eobLine({ ...contracted, allowed: '', paid: '80', patient: '20' }).writeOffCents).toBe(2_500);
  });

  it('writes nothing off on a denied line, or while an amount is not readable', () => {
    expect(eobLine({ ...line, denied: true, patient: '0' }).writeOffCents).toBe(0);
    expect(eobLine({ ...line, paid: '6o' })).toMatchObject({ paidCents: null, writeOffCents: 0 });
  });
});
