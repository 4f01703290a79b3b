import { z } from 'zod';
import { zAddress, zStoredAddress } from './clinic';
import type { FieldError } from './errors';
import { t } from './i18n';
import {
  isCalendarDate,
  normalizePhone,
  phoneExample,
  zDate,
  zLanguage,
  zOptionalEmail,
  zOptionalPersonName,
  zOptionalText,
  zPersonName,
  zRequiredText,
} from './validation';

/** Patient registration: what the front desk enters, what the API returns. */

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const PHONE_USES = ['mobile', 'home', 'work'] as const;
export const CONTACT_METHODS = ['phone', 'sms', 'email', 'mail'] as const;

export const zSex = z.enum(SEXES, { error: () => t('validation.sex') });

export const zPhone = z.object({
  use: z.enum(PHONE_USES).default('mobile'),
  number: zRequiredText(40),
});
export type Phone = z.infer<typeof zPhone>;

export const zEmergencyContact = z.object({
  name: zPersonName,
  relationship: zOptionalText(60),
  phone: zRequiredText(40),
});
/** An emergency contact as stored and returned (no transforms in response schemas). */
export const zStoredEmergencyContact = z.object({
  name: z.string(),
  relationship: z.string().nullable(),
  phone: z.string(),
});

const patientFields = {
  givenName: zPersonName,
  familyName: zPersonName,
  preferredName: zOptionalPersonName,
  birthDate: zDate,
  sex: zSex,
  /** The primary phone; shorthand for the first entry of `phones`. */
  phone: zOptionalText(40),
  phones: z.array(zPhone).max(5).optional(),
  email: zOptionalEmail,
  address: zAddress.nullish().transform((v) => v ?? null),
  preferredContactMethod: z
    .enum(CONTACT_METHODS)
    .nullish()
    .transform((v) => v ?? null),
  preferredLanguage: zLanguage.nullish().transform((v) => v ?? null),
  emergencyContact: zEmergencyContact.nullish().transform((v) => v ?? null),
  frontDeskNotes: zOptionalText(2000),
};

export const zPatientCreate = z.object({
  ...patientFields,
  /** Set after staff confirmed "this is a different person" for the shown candidates. */
  allowDuplicate: z.boolean().default(false),
});
export type PatientCreateInput = z.input<typeof zPatientCreate>;
export type PatientCreate = z.output<typeof zPatientCreate>;

export const zPatientPatch = z
  .object({
    givenName: zPersonName,
    familyName: zPersonName,
    preferredName: patientFields.preferredName,
    birthDate: zDate,
    sex: zSex,
    phone: zOptionalText(40),
    phones: z.array(zPhone).max(5),
    email: zOptionalEmail,
    address: zAddress.nullable(),
    preferredContactMethod: z.enum(CONTACT_METHODS).nullable(),
    preferredLanguage: zLanguage.nullable(),
    emergencyContact: zEmergencyContact.nullable(),
    frontDeskNotes: zOptionalText(2000),
    /** The patient does not want texts (they texted STOP, or told the front desk). */
    smsOptOut: z.boolean(),
    /** The patient does not want email (invoices a person sends are not affected). */
    emailOptOut: z.boolean(),
  })
  .partial();
export type PatientPatch = z.output<typeof zPatientPatch>;

export const zPatient = z.object({
  id: z.string(),
  mrn: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  preferredName: z.string().nullable(),
  birthDate: z.string(),
  sex: zSex,
  phone: z.string().nullable(),
  phones: z.array(z.object({ use: z.enum(PHONE_USES), number: z.string() })),
  email: z.string().nullable(),
  address: zStoredAddress.nullable(),
  preferredContactMethod: z.enum(CONTACT_METHODS).nullable(),
  preferredLanguage: z.string().nullable(),
  emergencyContact: zStoredEmergencyContact.nullable(),
  frontDeskNotes: z.string().nullable(),
  smsOptOut: z.boolean(),
  /** Since when (a STOP text, or staff). */
  smsOptOutAt: z.string().nullable(),
  emailOptOut: z.boolean(),
  emailOptOutAt: z.string().nullable(),
  /**
   * The clinical record is open only to the patient's care providers and to emergency grants
   * (demographics stay visible so the front desk can book).
   */
  restricted: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Patient = z.infer<typeof zPatient>;

export const zPatientSummary = zPatient.pick({
  id: true,
  mrn: true,
  givenName: true,
  familyName: true,
  preferredName: true,
  birthDate: true,
  sex: true,
  phone: true,
  email: true,
});
export type PatientSummary = z.infer<typeof zPatientSummary>;

/**
 * The checks that need the clinic: phone numbers in its country's format, birth dates not after
 * its today. Returns the normalised phones (E.164) or the field errors to show.
 */
export function checkPatientInClinic(
  input: {
    birthDate?: string;
    phone?: string | null;
    /** What kind of number `phone` is (an edit keeps the kind of the number it replaces). */
    phoneUse?: Phone['use'];
    phones?: Phone[];
    emergencyContact?: { phone: string } | null;
  },
  clinic: { country: string; today: string },
): { phones: Phone[] | undefined; emergencyPhone: string | undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const example = phoneExample(clinic.country);
  if (input.birthDate !== undefined) {
    if (input.birthDate > clinic.today) errors.push({ path: 'birthDate', message: t('validation.birthDateFuture') });
    else if (input.birthDate < '1900-01-01')
      errors.push({ path: 'birthDate', message: t('validation.birthDateTooOld') });
  }
  let phones: Phone[] | undefined;
  if (input.phones !== undefined || input.phone !== undefined) {
    const entries: Array<Phone & { path: string }> = [];
    if (input.phone) entries.push({ use: input.phoneUse ?? 'mobile', number: input.phone, path: 'phone' });
    for (const [i, p] of (input.phones ?? []).entries()) entries.push({ ...p, path: `phones.${i}.number` });
    phones = [];
    for (const entry of entries) {
      const normalized = normalizePhone(entry.number, clinic.country);
      if (!normalized) errors.push({ path: entry.path, message: t('validation.phone', { example }) });
      else if (!phones.some((p) => p.number === normalized)) phones.push({ use: entry.use, number: normalized });
    }
  }
  let emergencyPhone: string | undefined;
  if (input.emergencyContact) {
    const normalized = normalizePhone(input.emergencyContact.phone, clinic.country);
    if (!normalized) errors.push({ path: 'emergencyContact.phone', message: t('validation.phone', { example }) });
    else emergencyPhone = normalized;
  }
  return { phones, emergencyPhone, errors };
}

// ---- Search and duplicates ----------------------------------------------------------------

/** Lower-case, accents removed, punctuation to spaces: "O’Brien-Núñez" → "o brien nunez". */
export function normalizeName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * American Soundex of one word ("Smith" and "Smiht" → S530), so a misspelt name still finds
 * the patient. Letters outside A–Z are dropped after accents are removed.
 */
export function soundex(word: string): string {
  const letters = normalizeName(word).replace(/[^a-z]/g, '');
  if (!letters) return '';
  const codes: Record<string, string> = {
    b: '1',
    f: '1',
    p: '1',
    v: '1',
    c: '2',
    g: '2',
    j: '2',
    k: '2',
    q: '2',
    s: '2',
    x: '2',
    z: '2',
    d: '3',
    t: '3',
    l: '4',
    m: '5',
    n: '5',
    r: '6',
  };
  let result = letters[0].toUpperCase();
  let previous = codes[letters[0]] ?? '';
  for (const letter of letters.slice(1)) {
    const code = codes[letter] ?? '';
    if (code && code !== previous) result += code;
    // h and w do not separate equal codes; vowels do.
    if (letter !== 'h' && letter !== 'w') previous = code;
    if (result.length === 4) break;
  }
  return result.padEnd(4, '0');
}

/** Space-separated Soundex codes of every word of a name, for the phonetic search column. */
export function phoneticKey(name: string): string {
  return [...new Set(normalizeName(name).split(' ').filter(Boolean).map(soundex))].join(' ');
}

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '');
}

export type PatientQuery =
  | { kind: 'birthDate'; birthDate: string }
  | { kind: 'digits'; digits: string }
  | { kind: 'name'; name: string };

/**
 * What the global search box was given: a birth date (2019-03-04, 03/04/2019 in the US,
 * 04/03/2019 elsewhere), digits (an MRN or part of a phone number), or a name fragment.
 * A date that does not exist (2019-02-30) searches nothing: no birth date can match it.
 */
export function classifyPatientQuery(q: string, country = 'US'): PatientQuery | null {
  const trimmed = q.trim();
  if (!trimmed) return null;
  const birthDate = (date: string): PatientQuery | null =>
    isCalendarDate(date) ? { kind: 'birthDate', birthDate: date } : null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return birthDate(trimmed);
  const slashed = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(trimmed);
  if (slashed) {
    const [a, b, year] = [slashed[1].padStart(2, '0'), slashed[2].padStart(2, '0'), slashed[3]];
    const [month, day] = country === 'US' ? [a, b] : [b, a];
    return birthDate(`${year}-${month}-${day}`);
  }
  if (/^[\d\s()+.-]+$/.test(trimmed)) {
    const digits = digitsOnly(trimmed);
    if (digits.length >= 3) return { kind: 'digits', digits };
  }
  const name = normalizeName(trimmed);
  return name.length >= 2 ? { kind: 'name', name } : null;
}

export type BirthDateMatch = 'same' | 'close' | 'different';

/**
 * Two birth dates are "close" when they look like one typo of each other: exactly one of
 * year, month or day differs, or day and month are swapped.
 */
export function compareBirthDates(a: string, b: string): BirthDateMatch {
  if (a === b) return 'same';
  const [ay, am, ad] = a.split('-');
  const [by, bm, bd] = b.split('-');
  const differing = [ay !== by, am !== bm, ad !== bd].filter(Boolean).length;
  if (differing === 1) return 'close';
  if (ay === by && am === bd && ad === bm) return 'close';
  return 'different';
}

/**
 * Every birth date from 1900 (the earliest a patient may have) to `lastYear` that is the same as
 * `date` or close to it (`compareBirthDates`): the same day and month of another year, the same
 * day of another month, another day of the same month, the day and month swapped. About 170
 * dates, which the duplicate check asks an index for instead of comparing a name with everyone's.
 */
export function closeBirthDates(date: string, lastYear = new Date().getUTCFullYear() + 1): string[] {
  const [year, month, day] = date.split('-').map(Number);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const dates = new Set<string>([date]);
  const add = (y: number, m: number, d: number) => {
    const at = new Date(Date.UTC(y, m - 1, d));
    if (at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d) {
      dates.add(`${pad(y, 4)}-${pad(m)}-${pad(d)}`);
    }
  };
  for (let y = 1900; y <= lastYear; y++) add(y, month, day);
  for (let m = 1; m <= 12; m++) add(year, m, day);
  for (let d = 1; d <= 31; d++) add(year, month, d);
  add(year, day, month);
  return [...dates].sort();
}

export type DuplicateReason = 'name_and_birth_date' | 'phone' | 'email';

/**
 * Decides whether an existing patient is a likely duplicate of a new registration.
 * `nameSimilarity` is the trigram similarity (0–1) of the normalised full names.
 */
export function duplicateReasons(evidence: {
  nameSimilarity: number;
  birthDates: BirthDateMatch;
  phoneMatch: boolean;
  emailMatch: boolean;
}): DuplicateReason[] {
  const reasons: DuplicateReason[] = [];
  const { nameSimilarity, birthDates } = evidence;
  if ((birthDates === 'same' && nameSimilarity >= 0.4) || (birthDates === 'close' && nameSimilarity >= 0.6)) {
    reasons.push('name_and_birth_date');
  }
  if (evidence.phoneMatch) reasons.push('phone');
  if (evidence.emailMatch) reasons.push('email');
  return reasons;
}

export const zDuplicateCandidate = zPatientSummary.extend({
  reasons: z.array(z.enum(['name_and_birth_date', 'phone', 'email'])),
});
export type DuplicateCandidate = z.infer<typeof zDuplicateCandidate>;
