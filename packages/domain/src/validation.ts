import { type CountryCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import { z } from 'zod';
import { t } from './i18n';

/** Building blocks shared by every schema: names, dates, contacts, codes. */

export const zId = z.uuid({ error: () => t('validation.uuid') });

export function zText(max: number) {
  return z
    .string()
    .trim()
    .max(max, { error: () => t('validation.tooLong', { max }) })
    .refine((v) => !hasControlCharacters(v), { error: () => t('validation.controlCharacters') });
}

/** NUL and other control characters (except tab and line breaks) are never meant, and NUL cannot be stored. */
export function hasControlCharacters(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value);
}

export function zRequiredText(max: number) {
  return zText(max).min(1, { error: () => t('validation.required') });
}

/** Optional free text: empty strings become `null` so "cleared" and "never set" look the same. */
export function zOptionalText(max: number) {
  return zText(max)
    .nullish()
    .transform((v) => (v ? v : null));
}

/** Personal names: letters in any script, spaces, apostrophes, hyphens, periods. No digits, no markup. */
const NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}'’\-. ]*$/u;
export const zPersonName = zRequiredText(100).refine((v) => v === '' || NAME_PATTERN.test(v), {
  error: () => t('validation.name'),
});
export const zOptionalPersonName = zOptionalText(100).refine((v) => v === null || NAME_PATTERN.test(v), {
  error: () => t('validation.name'),
});

/** A calendar date `YYYY-MM-DD` that exists (no 2023-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const zDate = z
  .string()
  .trim()
  .refine(isCalendarDate, { error: () => t('validation.date') });

/**
 * One formatter per zone, made once: an Intl.DateTimeFormat costs ≈0.1 ms to make and holds ICU
 * memory outside the JavaScript heap until it is collected (docs/performance.md, "Booking: where
 * the CPU went").
 */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in an IANA time zone, as `YYYY-MM-DD`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}

export function zBirthDate(today: string) {
  return zDate
    .refine((v) => v <= today, { error: () => t('validation.birthDateFuture') })
    .refine((v) => v >= '1900-01-01', { error: () => t('validation.birthDateTooOld') });
}

export const zEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, { error: () => t('validation.tooLong', { max: 254 }) })
  .pipe(z.email({ error: () => t('validation.email') }));

export const zOptionalEmail = z
  .union([z.literal('').transform(() => null), zEmail, z.null()])
  .optional()
  .transform((v) => v ?? null);

export const zCountry = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, { error: () => t('validation.country') });

export function isTimeZone(value: string): boolean {
  if (!value.includes('/') && value !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const zTimeZone = z
  .string()
  .trim()
  .refine(isTimeZone, { error: () => t('validation.timezone') });

export const zCurrency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, { error: () => t('validation.currency') });

export const zLanguage = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, { error: () => t('validation.language') });

export const zColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, { error: () => t('validation.color') });

/** Passwords: length is what matters (NIST 800-63B); composition rules are not. */
export const zPassword = z
  .string()
  .min(12, { error: () => t('validation.password') })
  .max(256, { error: () => t('validation.passwordTooLong') });

/** Money entered as integer cents (the API) — never floats. */
export const zCents = z
  .number()
  .int({ error: () => t('validation.money') })
  .min(0, { error: () => t('validation.money') })
  .max(100_000_000, { error: () => t('validation.money') });

/** Parses "25", "25.5", "25.50", "$25.00" into cents; null when it is not an amount. */
export function parseMoneyToCents(input: string): number | null {
  const cleaned = input.replace(/[$€£,\s]/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

export function formatCents(cents: number, currency: string, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
}

// ---- Phones -------------------------------------------------------------------------------

export function phoneExample(country: string): string {
  const example = getExampleNumber(country as CountryCode, examples);
  return example ? example.formatNational() : '+1 555 010 0100';
}

/**
 * Normalises a phone number to E.164 using the clinic's country for national numbers.
 * Returns null when the number cannot be a real phone number.
 */
export function normalizePhone(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
  if (!parsed?.isPossible()) return null;
  return parsed.number;
}

export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}

// ---- Postal codes -------------------------------------------------------------------------

const POSTAL_CODES: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '02139' },
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, example: 'K1A 0B1' },
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  ES: { pattern: /^\d{5}$/, example: '28001' },
  IT: { pattern: /^\d{5}$/, example: '00184' },
  NL: { pattern: /^\d{4} ?[A-Z]{2}$/i, example: '1012 AB' },
  BE: { pattern: /^\d{4}$/, example: '1000' },
  CH: { pattern: /^\d{4}$/, example: '8001' },
  AT: { pattern: /^\d{4}$/, example: '1010' },
  AU: { pattern: /^\d{4}$/, example: '2000' },
  NZ: { pattern: /^\d{4}$/, example: '6011' },
  IE: { pattern: /^[AC-FHKNPRTV-Y]\d{2}(\d|W) ?[AC-FHKNPRTV-Y\d]{4}$/i, example: 'D02 X285' },
  IN: { pattern: /^\d{6}$/, example: '110001' },
  MX: { pattern: /^\d{5}$/, example: '06000' },
  BR: { pattern: /^\d{5}-?\d{3}$/, example: '01001-000' },
};

export function postalCodeRule(country: string): { pattern: RegExp; example: string } {
  return POSTAL_CODES[country.toUpperCase()] ?? { pattern: /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, example: '12345' };
}

export function isValidPostalCode(value: string, country: string): boolean {
  return postalCodeRule(country).pattern.test(value.trim());
}

// ---- Errors -------------------------------------------------------------------------------

/** Turns a zod error into Tend's field errors (`address.postalCode: message`). */
export function fieldErrorsFromZod(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}
