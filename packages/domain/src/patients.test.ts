import { describe, expect, it } from 'vitest';
import {
  checkPatientInClinic,
  classifyPatientQuery,
  closeBirthDates,
  compareBirthDates,
  duplicateReasons,
  normalizeName,
  phoneticKey,
  soundex,
  zPatientCreate,
  zPatientPatch,
} from './patients';

describe('compareBirthDates', () => {
  it('sees the same date as the same', () => {
    expect(compareBirthDates('1980-03-04', '1980-03-04')).toBe('same');
  });

  it('sees one mistyped field as close', () => {
    expect(compareBirthDates('1980-03-04', '1981-03-04')).toBe('close');
    expect(compareBirthDates('1980-03-04', '1980-08-04')).toBe('close');
    expect(compareBirthDates('1980-03-04', '1980-03-14')).toBe('close');
  });

  it('sees day and month swapped (US vs European entry) as close', () => {
    expect(compareBirthDates('1980-03-04', '1980-04-03')).toBe('close');
  });

  it('sees two or more changed fields as different', () => {
    expect(compareBirthDates('1980-03-04', '1981-04-04')).toBe('different');
    expect(compareBirthDates('1980-03-04', '1990-07-21')).toBe('different');
    // Swapped day/month in another year is two typos, not one.
    expect(compareBirthDates('1980-03-04', '1981-04-03')).toBe('different');
  });
});

describe('duplicateReasons', () => {
  const none = { nameSimilarity: 0, birthDates: 'different', phoneMatch: false, emailMatch: false } as const;

  it('flags a similar name with the same birth date', () => {
    expect(duplicateReasons({ ...none, nameSimilarity: 0.45, birthDates: 'same' })).toEqual(['name_and_birth_date']);
  });

  it('asks for a closer name when the birth date is only close', () => {
    expect(duplicateReasons({ ...none, nameSimilarity: 0.5, birthDates: 'close' })).toEqual([]);
    expect(duplicateReasons({ ...none, nameSimilarity: 0.6, birthDates: 'close' })).toEqual(['name_and_birth_date']);
  });

  it('never flags on the name alone', () => {
    expect(duplicateReasons({ ...none, nameSimilarity: 1, birthDates: 'different' })).toEqual([]);
    expect(duplicateReasons({ ...none, nameSimilarity: 0.3, birthDates: 'same' })).toEqual([]);
  });

  it('flags a shared phone number or email address on its own, with every reason listed', () => {
    expect(duplicateReasons({ ...none, phoneMatch: true })).toEqual(['phone']);
    expect(duplicateReasons({ ...none, emailMatch: true })).toEqual(['email']);
    expect(duplicateReasons({ nameSimilarity: 0.9, birthDates: 'same', phoneMatch: true, emailMatch: true })).toEqual([
      'name_and_birth_date',
      'phone',
      'email',
    ]);
  });
});

describe('classifyPatientQuery', () => {
  it('reads an ISO date as a birth date', () => {
    expect(classifyPatientQuery('2019-03-04')).toEqual({ kind: 'birthDate', birthDate: '2019-03-04' });
  });

  it('reads slashed dates month-first in the US and day-first elsewhere', () => {
    expect(classifyPatientQuery('03/04/2019', 'US')).toEqual({ kind: 'birthDate', birthDate: '2019-03-04' });
    expect(classifyPatientQuery('03/04/2019', 'GB')).toEqual({ kind: 'birthDate', birthDate: '2019-04-03' });
    expect(classifyPatientQuery('3/4/2019', 'US')).toEqual({ kind: 'birthDate', birthDate: '2019-03-04' });
    expect(classifyPatientQuery('04.03.2019', 'DE')).toEqual({ kind: 'birthDate', birthDate: '2019-03-04' });
  });

  it('does not search for a date that does not exist', () => {
    expect(classifyPatientQuery('2019-02-30')).toBeNull();
    expect(classifyPatientQuery('13/25/2019', 'US')).toBeNull();
    expect(classifyPatientQuery('31/12/2019', 'US')).toBeNull();
    expect(classifyPatientQuery('31/12/2019', 'GB')).toEqual({ kind: 'birthDate', birthDate: '2019-12-31' });
  });

  it('reads digits (an MRN or part of a phone number), ignoring phone punctuation', () => {
    expect(classifyPatientQuery('100042')).toEqual({ kind: 'digits', digits: '100042' });
    expect(classifyPatientQuery('(617) 555-01')).toEqual({ kind: 'digits', digits: '61755501' });
  });

  it('reads anything else as a normalised name fragment', () => {
    expect(classifyPatientQuery('  Smith ')).toEqual({ kind: 'name', name: 'smith' });
    expect(classifyPatientQuery('O’Brien')).toEqual({ kind: 'name', name: 'o brien' });
    expect(classifyPatientQuery('José Núñez')).toEqual({ kind: 'name', name: 'jose nunez' });
  });

  it('ignores queries too short or with nothing searchable', () => {
    for (const q of ['', '   ', 'a', '%', '_', "'", '--']) expect(classifyPatientQuery(q), q).toBeNull();
  });
});

describe('soundex', () => {
  it('gives the standard American Soundex codes', () => {
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Smith')).toBe('S530');
    expect(soundex('Smiht')).toBe('S530');
    expect(soundex('Tymczak')).toBe('T522');
    expect(soundex('Pfister')).toBe('P236');
    expect(soundex('Ashcraft')).toBe('A261');
    expect(soundex('Lee')).toBe('L000');
  });

  it('reads accented letters as their base letter and ignores the rest', () => {
    expect(soundex('Müller')).toBe(soundex('Muller'));
    expect(soundex("O'Brien")).toBe(soundex('OBrien'));
    expect(soundex('123')).toBe('');
  });

  it('keys every word of a name once, for the phonetic search column', () => {
    expect(phoneticKey('Jon Smith')).toBe('J500 S530');
    expect(phoneticKey('Smith Smyth')).toBe('S530');
  });
});

describe('normalizeName', () => {
  it('removes accents, lower-cases, and turns punctuation into single spaces', () => {
    expect(normalizeName('O’Brien-Núñez')).toBe('o brien nunez');
    expect(normalizeName("D'Angelo")).toBe('d angelo');
    expect(normalizeName('  José   MÜLLER ')).toBe('jose muller');
    expect(normalizeName('Zoë Ångström')).toBe('zoe angstrom');
  });

  it('keeps letters of other scripts', () => {
    expect(normalizeName('Анна Петрова')).toBe('анна петрова');
  });
});

describe('checkPatientInClinic', () => {
  const clinic = { country: 'US', today: '2024-06-15' };

  it('refuses a birth date after the clinic’s today, or before 1900', () => {
    expect(checkPatientInClinic({ birthDate: '2024-06-16' }, clinic).errors.map((e) => e.path)).toEqual(['birthDate']);
    expect(checkPatientInClinic({ birthDate: '1899-12-31' }, clinic).errors.map((e) => e.path)).toEqual(['birthDate']);
    expect(checkPatientInClinic({ birthDate: '2024-06-15' }, clinic).errors).toEqual([]);
  });

  it('names the field of a bad phone number and gives an example in the message', () => {
    const result = checkPatientInClinic({ phone: '12', phones: [{ use: 'home', number: 'abc' }] }, clinic);
    expect(result.errors.map((e) => e.path)).toEqual(['phone', 'phones.0.number']);
    expect(result.errors[0].message).toMatch(/\d{3}/);
  });

  it('normalises phones to E.164, primary first, without repeats', () => {
    const result = checkPatientInClinic(
      {
        phone: '(617) 555-0134',
        phones: [
          { use: 'home', number: '617 555 0134' },
          { use: 'work', number: '617-555-0199' },
        ],
      },
      clinic,
    );
    expect(result.errors).toEqual([]);
    expect(result.phones).toEqual([
      { use: 'mobile', number: '+16175550134' },
      { use: 'work', number: '+16175550199' },
    ]);
  });

  it('leaves phones alone when none were given (a patch that does not touch them)', () => {
    expect(checkPatientInClinic({ birthDate: '2000-01-01' }, clinic).phones).toBeUndefined();
  });

  it('checks the emergency contact’s phone', () => {
    expect(checkPatientInClinic({ emergencyContact: { phone: 'none' } }, clinic).errors.map((e) => e.path)).toEqual([
      'emergencyContact.phone',
    ]);
    expect(checkPatientInClinic({ emergencyContact: { phone: '617.555.0100' } }, clinic).emergencyPhone).toBe(
      '+16175550100',
    );
  });
});

describe('patient input', () => {
  const patient = { givenName: 'Ada', familyName: 'Lovelace', birthDate: '1815-12-10', sex: 'female' };

  it('accepts names in any script with apostrophes and hyphens, and refuses markup and digits', () => {
    for (const givenName of ['Zoë', 'Seán', "D'Arcy", 'Anne-Marie', 'Сергей', '李']) {
      expect(zPatientCreate.safeParse({ ...patient, givenName }).success, givenName).toBe(true);
    }
    for (const givenName of ['<script>alert(1)</script>', "Robert'); DROP TABLE patients;--", 'R2D2', '']) {
      expect(zPatientCreate.safeParse({ ...patient, givenName }).success, givenName).toBe(false);
    }
  });

  it('turns empty optional text into null', () => {
    const parsed = zPatientCreate.parse({ ...patient, preferredName: '', email: '', frontDeskNotes: '  ' });
    expect(parsed).toMatchObject({ preferredName: null, email: null, frontDeskNotes: null });
  });

  it('a patch carries only the fields sent, so nothing else is cleared', () => {
    expect(zPatientPatch.parse({ phone: '617-555-0101' })).toEqual({ phone: '617-555-0101' });
    expect(zPatientPatch.parse({})).toEqual({});
  });
});

describe('closeBirthDates', () => {
  it('lists exactly the dates from 1900 on that are the same or close, leap days included', () => {
    const all: string[] = [];
    for (let at = Date.UTC(1900, 0, 1); at <= Date.UTC(2030, 11, 31); at += 86_400_000) {
      all.push(new Date(at).toISOString().slice(0, 10));
    }
    for (const date of ['1980-03-04', '2000-02-29', '1999-12-31', '1900-01-01', '2024-11-07']) {
      const expected = all.filter((other) => compareBirthDates(other, date) !== 'different');
      expect(closeBirthDates(date, 2030), date).toEqual(expected);
    }
  });
});
