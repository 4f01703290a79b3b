import { z } from 'zod';
import { hasControlCharacters } from './validation';

/**
 * ICD-10-CM diagnosis codes. CMS stores them without the dot ("E119"); people read and type them
 * with it ("E11.9"). Tend stores the CMS form and shows the dotted one.
 */

/** A letter, a digit, a letter or digit, then up to four more: the CMS form, without the dot. */
export const ICD10_CODE_PATTERN = /^[A-Z][0-9][A-Z0-9][A-Z0-9]{0,4}$/;

/**
 * The stored form of what someone typed: trimmed, upper case, without the dot
 * (`' e11.9 '` → `'E119'`). A dot anywhere but after the third character is kept, so that
 * `isValidIcd10Shape` refuses it rather than guessing.
 */
export function normalizeIcd10Code(input: string): string {
  const code = input.trim().toUpperCase();
  return code.indexOf('.') === 3 && code.lastIndexOf('.') === 3 ? code.replace('.', '') : code;
}

/** Whether `input` (with or without its dot) has the shape of an ICD-10-CM code. Says nothing of whether it exists. */
export function isValidIcd10Shape(input: string): boolean {
  return ICD10_CODE_PATTERN.test(normalizeIcd10Code(input));
}

/** The dotted form people read: `E119` → `E11.9`, `J00` → `J00`. */
export function formatIcd10Code(code: string): string {
  const stored = normalizeIcd10Code(code);
  return stored.length > 3 ? `${stored.slice(0, 3)}.${stored.slice(3)}` : stored;
}

/** Where a code in Tend's table came from: the curated set shipped with Tend, or a CMS file of that year. */
export type Icd10Source = 'curated' | `cms-${number}`;

export const zIcd10Code = z.object({
  /** Dotted, as people read it: `E11.9`. */
  code: z.string(),
  description: z.string(),
  /** Header (category) codes such as `E11` and codes retired by a newer code set cannot be billed. */
  billable: z.boolean(),
});
export type Icd10Code = z.infer<typeof zIcd10Code>;

export const ICD10_SEARCH_DEFAULT_LIMIT = 20;
export const ICD10_SEARCH_MAX_LIMIT = 50;

export const zIcd10Search = z.object({
  /** A code or its beginning (`J11`, `j11.1`) or words (`flu`, `low back pain`). */
  q: z
    .string()
    .trim()
    .min(1, { error: 'Type a code or a word to search for.' })
    .max(100, { error: 'Search with at most 100 characters.' })
    .refine((v) => !hasControlCharacters(v), { error: 'Remove the control characters from the search.' }),
  limit: z.coerce.number().int().min(1).max(ICD10_SEARCH_MAX_LIMIT).default(ICD10_SEARCH_DEFAULT_LIMIT),
});
export type Icd10Search = z.infer<typeof zIcd10Search>;

/**
 * The beginning of a code, when the whole query reads as one (`j11.1` → `J111`, `E1` → `E1`);
 * otherwise null and the query is searched as words.
 */
export function icd10CodePrefix(query: string): string | null {
  const code = normalizeIcd10Code(query.replace(/\s+/g, ''));
  const withoutTrailingDot = code.length === 4 && code.endsWith('.') ? code.slice(0, 3) : code;
  return /^[A-Z][0-9][A-Z0-9]{0,5}$/.test(withoutTrailingDot) ? withoutTrailingDot : null;
}

/**
 * Everyday words and the words ICD-10-CM uses for them. Each key is a word or phrase a person
 * types; its values are word beginnings, any of which a description must contain. Small on
 * purpose: each entry is tested, and the full code set is searched by its own words.
 */
export const ICD10_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  flu: ['influenza'],
  grippe: ['influenza'],
  'high blood pressure': ['hypertensi'],
  'blood pressure': ['hypertensi', 'hypotension'],
  sugar: ['diabet', 'hyperglycemia', 'hypoglycemia'],
  diabetes: ['diabet'],
  diabetic: ['diabet'],
  'tooth decay': ['caries'],
  cavity: ['caries'],
  cavities: ['caries'],
  'back pain': ['dorsalgia', 'low back pain', 'pain in thoracic spine'],
  'heart attack': ['myocardial infarction'],
  cold: ['nasopharyngitis', 'common cold'],
  'sore throat': ['pharyngitis'],
  'pink eye': ['conjunctivitis'],
  'ear infection': ['otitis'],
  'ear wax': ['cerumen'],
  cholesterol: ['hypercholesterolemia', 'hyperlipidemia'],
  'gum disease': ['gingivitis', 'periodontitis', 'periodontal'],
  heartburn: ['reflux', 'dyspepsia'],
  'bladder infection': ['cystitis', 'urinary tract infection'],
  uti: ['urinary tract infection'],
  shingles: ['zoster'],
  'tennis elbow': ['lateral epicondylitis'],
  'frozen shoulder': ['adhesive capsulitis'],
  depression: ['depressi'],
};

const SYNONYM_PHRASES = Object.keys(ICD10_SYNONYMS)
  .map((phrase) => phrase.split(' '))
  .sort((a, b) => b.length - a.length);

/**
 * The words of a query as groups a description must match: every group, and within a group any
 * alternative (a word beginning or a phrase). Lay words become the terms of the code set
 * (`flu` → `influenza`), the longest phrase first (`high blood pressure` before `blood pressure`).
 */
export function icd10SearchTerms(query: string): string[][] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const groups: string[][] = [];
  for (let i = 0; i < words.length; ) {
    const phrase = SYNONYM_PHRASES.find((p) => p.every((word, k) => words[i + k] === word));
    if (phrase) {
      groups.push([...(ICD10_SYNONYMS[phrase.join(' ')] ?? [])]);
      i += phrase.length;
    } else {
      groups.push([words[i] as string]);
      i += 1;
    }
  }
  return groups;
}

/** One line of the CMS code-descriptions file, read. */
export interface Icd10FileCode {
  /** Without the dot, as in the file. */
  code: string;
  description: string;
  line: number;
}

export interface Icd10FileError {
  line: number;
  message: string;
}

const MAX_DESCRIPTION = 500;

/**
 * Reads the CMS ICD-10-CM code-descriptions file (`icd10cm-codes-YYYY.txt`): on each line the code
 * without its dot, spaces up to a fixed column, then the description. Every line is checked; the
 * caller imports nothing when `errors` is not empty. Empty lines are skipped.
 */
export function parseIcd10CodesFile(text: string): { codes: Icd10FileCode[]; errors: Icd10FileError[] } {
  const codes: Icd10FileCode[] = [];
  const errors: Icd10FileError[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return;
    if (index === 0 && /^\d{5} [A-Z0-9]{3,7} +[01] /.test(content)) {
      errors.push({
        line,
        message:
          'this is the CMS "order" file (icd10cm-order-YYYY.txt); import the code-descriptions file icd10cm-codes-YYYY.txt instead',
      });
      return;
    }
    if (hasControlCharacters(content) || content.includes('\t')) {
      errors.push({ line, message: 'the line holds a control character (a tab or another invisible one)' });
      return;
    }
    const space = content.indexOf(' ');
    const code = space === -1 ? content : content.slice(0, space);
    const description = space === -1 ? '' : content.slice(space).trim();
    if (!ICD10_CODE_PATTERN.test(code)) {
      errors.push({
        line,
        message: `"${printable(code)}" is not an ICD-10-CM code as CMS writes it (a letter, a digit, then one to five letters or digits, no dot)`,
      });
      return;
    }
    if (description === '') {
      errors.push({ line, message: `${code} has no description` });
      return;
    }
    if (description.length > MAX_DESCRIPTION) {
      errors.push({ line, message: `${code}: the description is longer than ${MAX_DESCRIPTION} characters` });
      return;
    }
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      errors.push({ line, message: `${code} is listed twice (also on line ${earlier})` });
      return;
    }
    seen.set(code, line);
    codes.push({ code, description, line });
  });
  if (codes.length === 0 && errors.length === 0) errors.push({ line: 1, message: 'the file holds no codes' });
  return { codes, errors };
}

/** A short rendering of what was found where a code should be. */
function printable(value: string): string {
  return value.length > 20 ? `${value.slice(0, 20)}…` : value;
}
