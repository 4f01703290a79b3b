import { describe, expect, it } from 'vitest';
import { isValidNpi, zAddress, zProviderPatch, zUserCreate } from './clinic';

describe('isValidNpi', () => {
  it('accepts an NPI with a correct check digit', () => {
    expect(isValidNpi('1234567893')).toBe(true);
  });

  it('refuses a wrong check digit, a wrong length or letters', () => {
    for (const npi of ['1234567890', '123456789', '12345678931', 'abcdefghij', '123456789X', ''])
      expect(isValidNpi(npi), npi).toBe(false);
  });
});

describe('addresses', () => {
  const address = { line1: '1 Main St', city: 'Cambridge', postalCode: '02139', country: 'US' };

  it('checks the postal code against the address’s own country and names the field', () => {
    expect(zAddress.safeParse(address).success).toBe(true);
    expect(zAddress.safeParse({ ...address, country: 'CA', postalCode: 'K1A 0B1' }).success).toBe(true);
    const wrong = zAddress.safeParse({ ...address, postalCode: 'SW1A 1AA' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0].path).toEqual(['postalCode']);
    expect(wrong.error?.issues[0].message).toContain('02139');
  });
});

describe('staff accounts', () => {
  it('needs a password of at least 12 characters and a known role', () => {
    const base = { email: 'a@b.test', name: 'A', role: 'nurse', password: 'twelve-chars' };
    expect(zUserCreate.safeParse(base).success).toBe(true);
    expect(zUserCreate.safeParse({ ...base, password: 'elevenchars' }).success).toBe(false);
    expect(zUserCreate.safeParse({ ...base, role: 'root' }).success).toBe(false);
  });
});

describe('provider changes', () => {
  it('leave the fields that were not sent alone (no defaults sneak in)', () => {
    expect(zProviderPatch.parse({ active: false })).toEqual({ active: false });
  });
});
