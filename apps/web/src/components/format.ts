import { formatPhone, t } from '@tend/domain';

/** Display helpers. Dates are shown unambiguously ("Mar 4, 1985"), times in the clinic's zone. */

const LOCALE = 'en-US';

/** `YYYY-MM-DD` → "Mar 4, 1985" (a calendar date: no time zone shift). */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return date;
  const utc = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' }).format(utc);
}

/** An instant, in the clinic's time zone: "Mar 4, 2026, 9:05 AM". */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** An instant with seconds, for the audit log. */
export function formatTimestamp(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** Completed years (and months under two) between a birth date and today, both `YYYY-MM-DD`. */
export function ageOn(birthDate: string, today: string): { years: number; months: number } | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  const n = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (!b || !n) return null;
  const [by, bm, bd] = [Number(b[1]), Number(b[2]), Number(b[3])];
  const [ny, nm, nd] = [Number(n[1]), Number(n[2]), Number(n[3])];
  let months = (ny - by) * 12 + (nm - bm);
  if (nd < bd) months -= 1;
  if (months < 0) return null;
  return { years: Math.floor(months / 12), months };
}

export function formatAge(birthDate: string, today: string): string {
  const age = ageOn(birthDate, today);
  if (!age) return '';
  if (age.years < 2) return t('age.months', { count: age.months });
  return t('age.years', { count: age.years });
}

/** "Mar 4, 1985 (40 y)". */
export function formatBirthDate(birthDate: string, today: string): string {
  const age = formatAge(birthDate, today);
  return age ? `${formatDate(birthDate)} (${age})` : formatDate(birthDate);
}

export function displayPhone(phone: string | null | undefined): string {
  return phone ? formatPhone(phone) : '';
}

/** The UTC instant of midnight at the start of `date` (YYYY-MM-DD) in `timeZone`. */
export function startOfDayIn(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // The zone's offset at that moment, applied twice to settle across DST changes.
  let instant = guess - offsetAt(guess, timeZone);
  instant = guess - offsetAt(instant, timeZone);
  return new Date(instant);
}

function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The next calendar day of a `YYYY-MM-DD` date. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The hour of the day (0–23) now, in `timeZone`. */
export function hourIn(timeZone: string, now: Date = new Date()): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now));
}
