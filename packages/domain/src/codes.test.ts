import { describe, expect, it } from 'vitest';
import {
  formatIcd10Code,
  icd10CodePrefix,
  icd10SearchTerms,
  isValidIcd10Shape,
  normalizeIcd10Code,
  parseIcd10CodesFile,
  zIcd10Search,
} from './codes';

describe('normalizeIcd10Code', () => {
  it('stores what people type as CMS writes it', () => {
    expect(normalizeIcd10Code('e11.9')).toBe('E119');
    expect(normalizeIcd10Code('E119')).toBe('E119');
    expect(normalizeIcd10Code(' E11.9 ')).toBe('E119');
    expect(normalizeIcd10Code('s93.401a')).toBe('S93401A');
    expect(normalizeIcd10Code('J00')).toBe('J00');
  });

  it('keeps a misplaced dot, so the shape check refuses it', () => {
    expect(normalizeIcd10Code('E1.19')).toBe('E1.19');
    expect(isValidIcd10Shape('E1.19')).toBe(false);
    expect(isValidIcd10Shape('E11..9')).toBe(false);
  });
});

describe('isValidIcd10Shape', () => {
  it('accepts a letter, a digit, an alphanumeric and up to four more, with or without the dot', () => {
    for (const code of ['J00', 'E11', 'E11.9', 'E119', 'F32.A', 'U07.1', 'S02.5XXA', 'S025XXA', 'm54.50']) {
      expect(isValidIcd10Shape(code), code).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const code of ['', 'E1', '11.9', 'EE1.9', 'E11.99999', 'E11-9', 'E11 9', 'E11.9;', 'é11']) {
      expect(isValidIcd10Shape(code), code).toBe(false);
    }
  });
});

describe('formatIcd10Code', () => {
  it('puts the dot after the third character', () => {
    expect(formatIcd10Code('E119')).toBe('E11.9');
    expect(formatIcd10Code('S025XXA')).toBe('S02.5XXA');
    expect(formatIcd10Code('J00')).toBe('J00');
    expect(formatIcd10Code('e11.9')).toBe('E11.9');
  });
});

describe('zIcd10Search', () => {
  it('defaults the limit to 20 and caps it at 50', () => {
    expect(zIcd10Search.parse({ q: ' flu ' })).toEqual({ q: 'flu', limit: 20 });
    expect(zIcd10Search.parse({ q: 'flu', limit: '50' }).limit).toBe(50);
    expect(zIcd10Search.safeParse({ q: 'flu', limit: '51' }).success).toBe(false);
    expect(zIcd10Search.safeParse({ q: '   ' }).success).toBe(false);
  });
});

describe('icd10CodePrefix', () => {
  it('reads a query as the beginning of a code when it looks like one', () => {
    expect(icd10CodePrefix('J11')).toBe('J11');
    expect(icd10CodePrefix('j11.1')).toBe('J111');
    expect(icd10CodePrefix('J11.')).toBe('J11');
    expect(icd10CodePrefix('e1')).toBe('E1');
  });

  it('leaves words to the word search', () => {
    expect(icd10CodePrefix('flu')).toBeNull();
    expect(icd10CodePrefix('back pain')).toBeNull();
    expect(icd10CodePrefix('J')).toBeNull();
  });
});

describe('icd10SearchTerms', () => {
  it('splits words into groups, each to be found', () => {
    expect(icd10SearchTerms('Acute  bronchitis,')).toEqual([['acute'], ['bronchitis']]);
  });

  it('translates lay words into the words of the code set', () => {
    expect(icd10SearchTerms('flu')).toEqual([['influenza']]);
    expect(icd10SearchTerms('sugar')).toEqual([['diabet', 'hyperglycemia', 'hypoglycemia']]);
    expect(icd10SearchTerms('tooth decay')).toEqual([['caries']]);
    expect(icd10SearchTerms('back pain')).toEqual([['dorsalgia', 'low back pain', 'pain in thoracic spine']]);
  });

  it('prefers the longest phrase', () => {
    expect(icd10SearchTerms('high blood pressure')).toEqual([['hypertensi']]);
    expect(icd10SearchTerms('flu with pneumonia')).toEqual([['influenza'], ['with'], ['pneumonia']]);
  });
});

describe('parseIcd10CodesFile', () => {
  it('reads the CMS format: code padded to a column, then the description', () => {
    const text = [
      'A000    Cholera due to Vibrio cholerae 01, biovar cholerae',
      'S025XXA Fracture of tooth (traumatic), initial encounter for closed fracture',
      '',
      'J111    Influenza due to unidentified influenza virus with other respiratory manifestations\r',
    ].join('\n');
    expect(parseIcd10CodesFile(text)).toEqual({
      codes: [
        { code: 'A000', description: 'Cholera due to Vibrio cholerae 01, biovar cholerae', line: 1 },
        {
          code: 'S025XXA',
          description: 'Fracture of tooth (traumatic), initial encounter for closed fracture',
          line: 2,
        },
        {
          code: 'J111',
          description: 'Influenza due to unidentified influenza virus with other respiratory manifestations',
          line: 4,
        },
      ],
      errors: [],
    });
  });

  it('names every bad line', () => {
    const text = [
      'A000    Cholera due to Vibrio cholerae 01, biovar cholerae',
      'E11.9   Type 2 diabetes mellitus without complications',
      'A001',
      'A009\tCholera, unspecified',
      'A000    Cholera again',
      '12345   Not a code',
    ].join('\n');
    const { errors } = parseIcd10CodesFile(text);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    expect(errors[0]?.message).toMatch(/"E11\.9" is not an ICD-10-CM code/);
    expect(errors[1]?.message).toBe('A001 has no description');
    expect(errors[2]?.message).toMatch(/control character/);
    expect(errors[3]?.message).toBe('A000 is listed twice (also on line 1)');
  });

  it('recognises the order file and an empty file', () => {
    const order = '00001 A00     0 Cholera                                                      Cholera';
    expect(parseIcd10CodesFile(order).errors[0]?.message).toMatch(/order" file/);
    expect(parseIcd10CodesFile('\n\n').errors).toEqual([{ line: 1, message: 'the file holds no codes' }]);
  });
});
