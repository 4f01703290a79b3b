import { describe, expect, it } from 'vitest';
import {
  isCalendarDate,
  isTimeZone,
  isValidPostalCode,
  normalizePhone,
  parseMoneyToCents,
  todayIn,
  zBirthDate,
  zCents,
  zEmail,
} from './validation';

describe('isCalendarDate', () => {
  it('accepts real dates, including 29 February of a leap year', () => {
    for (const date of ['2024-02-29', '2000-02-29', '1999-12-31', '2023-01-01'])
      expect(isCalendarDate(date), date).toBe(true);
  });

  it('refuses dates that do not exist and other formats', () => {
    for (const date of [
      '2023-02-29',
      '1900-02-29',
      '2023-02-30',
      '2023-04-31',
      '2023-13-01',
      '2023-00-10',
      '2023-1-5',
      '03/04/2019',
      '',
      'today',
    ]) {
      expect(isCalendarDate(date), date).toBe(false);
    }
  });
});

describe('birth dates', () => {
  const rule = zBirthDate('2024-06-15');

  it('accepts today and the past back to 1900', () => {
    for (const date of ['2024-06-15', '1985-07-04', '1900-01-01'])
      expect(rule.safeParse(date).success, date).toBe(true);
  });

  it('refuses a birth date in the future, before 1900, or impossible', () => {
    for (const date of ['2024-06-16', '2100-01-01', '1899-12-31', '2023-02-30'])
      expect(rule.safeParse(date).success, date).toBe(false);
  });

  it('takes "today" in the clinic’s time zone, not the server’s', () => {
    const instant = new Date('2024-03-10T23:30:00Z');
    expect(todayIn('America/New_York', instant)).toBe('2024-03-10');
    expect(todayIn('Asia/Tokyo', instant)).toBe('2024-03-11');
    // A baby born on the 11th in Tokyo is not "in the future" there.
    expect(zBirthDate(todayIn('Asia/Tokyo', instant)).safeParse('2024-03-11').success).toBe(true);
    expect(zBirthDate(todayIn('America/New_York', instant)).safeParse('2024-03-11').success).toBe(false);
  });
});

describe('normalizePhone', () => {
  it('turns US national numbers in any common layout into E.164', () => {
    for (const input of [
      '(617) 555-0134',
      '617-555-0134',
      '617.555.0134',
      '6175550134',
      '+1 617 555 0134',
      ' 1 617 555 0134 ',
    ]) {
      expect(normalizePhone(input, 'US'), input).toBe('+16175550134');
    }
  });

  it('reads national numbers with the clinic’s country and keeps international ones', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(normalizePhone('+44 20 7946 0958', 'US')).toBe('+442079460958');
  });

  it('returns null for junk', () => {
    for (const input of ['', 'abc', '12', 'call me', '555', '<script>'])
      expect(normalizePhone(input, 'US'), input).toBeNull();
  });
});

describe('postal codes', () => {
  it('knows US ZIP and ZIP+4', () => {
    expect(isValidPostalCode('02139', 'US')).toBe(true);
    expect(isValidPostalCode('02139-4307', 'US')).toBe(true);
    expect(isValidPostalCode('2139', 'US')).toBe(false);
    expect(isValidPostalCode('K1A 0B1', 'US')).toBe(false);
  });

  it('knows Canadian codes, with or without the space, and their excluded letters', () => {
    expect(isValidPostalCode('K1A 0B1', 'CA')).toBe(true);
    expect(isValidPostalCode('k1a0b1', 'CA')).toBe(true);
    expect(isValidPostalCode('D1A 0B1', 'CA')).toBe(false); // D is never a first letter
    expect(isValidPostalCode('02139', 'CA')).toBe(false);
  });

  it('knows UK postcodes', () => {
    for (const code of ['SW1A 1AA', 'EC1A 1BB', 'W1A 0AX', 'M1 1AE', 'B33 8TH', 'cr26xh'])
      expect(isValidPostalCode(code, 'GB'), code).toBe(true);
    for (const code of ['12345', 'SW1A', '1AA SW1']) expect(isValidPostalCode(code, 'GB'), code).toBe(false);
  });

  it('looks the country up case-insensitively', () => {
    expect(isValidPostalCode('02139', 'us')).toBe(true);
  });
});

describe('parseMoneyToCents', () => {
  it('reads amounts as a person types them', () => {
    expect(parseMoneyToCents('25')).toBe(2500);
    expect(parseMoneyToCents('25.5')).toBe(2550);
    expect(parseMoneyToCents('25.50')).toBe(2550);
    expect(parseMoneyToCents('$1,234.56')).toBe(123456);
    expect(parseMoneyToCents('0.07')).toBe(7);
    expect(parseMoneyToCents(' 40 ')).toBe(4000);
  });

  it('never rounds through floating point', () => {
    // 0.29 * 100 is 28.999999999999996 in floating point.
    expect(parseMoneyToCents('0.29')).toBe(29);
    expect(parseMoneyToCents('1.13')).toBe(113);
  });

  it('returns null for what is not an amount', () => {
    for (const input of ['abc', '', '25.555', '-5', '1e3', '25,5.0.1', '.'])
      expect(parseMoneyToCents(input), input).toBeNull();
  });

  it('matches the API rule that money is whole cents', () => {
    expect(zCents.safeParse(2550).success).toBe(true);
    expect(zCents.safeParse(25.5).success).toBe(false);
    expect(zCents.safeParse(-1).success).toBe(false);
  });
});

describe('other shared rules', () => {
  it('recognises IANA time zones only', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('EST')).toBe(false);
  });

  it('lower-cases and trims email addresses', () => {
    expect(zEmail.parse('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(zEmail.safeParse('not-an-email').success).toBe(false);
  });
});
