import { z } from 'zod';
import { t } from './i18n';
import { zDate, zId } from './validation';

/**
 * The downtime kit's printed part: the schedule of the coming days per provider and a contact
 * sheet of those days' patients (name, phones, appointment times, balance due), as JSON (the
 * print page, the offline copy) and as PDFs; a manager can have the PDFs written every evening
 * into the backup folder. Cancelled appointments are left out (nobody comes); no-shows and the
 * rest keep their status.
 */

/** At most this many days in one sheet: a kit is for getting through an outage, not a month. */
export const DOWNTIME_MAX_DAYS = 7;
/** The evening's kit covers this many days from the next one (tomorrow and the day after). */
export const DOWNTIME_EVENING_DAYS = 2;
/** Folders of the evening's kit older than this many days are removed. */
export const DOWNTIME_KEEP_DAYS = 14;

export const zDowntimeSheetQuery = z.object({
  /** The first clinic-local day; today when left out. */
  date: zDate.optional(),
  days: z.coerce
    .number({ error: () => t('downtime.validation.days', { max: String(DOWNTIME_MAX_DAYS) }) })
    .int({ error: () => t('downtime.validation.days', { max: String(DOWNTIME_MAX_DAYS) }) })
    .min(1, { error: () => t('downtime.validation.days', { max: String(DOWNTIME_MAX_DAYS) }) })
    .max(DOWNTIME_MAX_DAYS, { error: () => t('downtime.validation.days', { max: String(DOWNTIME_MAX_DAYS) }) })
    .default(2),
  providerId: zId.optional(),
  /** One location's appointments only (a network's day of every location is thousands). */
  locationId: zId.optional(),
});
export type DowntimeSheetQuery = z.infer<typeof zDowntimeSheetQuery>;

export const PAPER_SIZES = ['letter', 'a4'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

export const zDowntimePdfQuery = zDowntimeSheetQuery.extend({
  /** The clinic's usual paper when left out: Letter in North America, A4 elsewhere. */
  paper: z.enum(PAPER_SIZES, { error: () => t('downtime.validation.paper') }).optional(),
});
export type DowntimePdfQuery = z.infer<typeof zDowntimePdfQuery>;

const zDowntimePhone = z.object({ use: z.enum(['mobile', 'home', 'work']), number: z.string() });

export const zDowntimeAppointment = z.object({
  id: z.string(),
  patientId: z.string(),
  /** "Family, Given" — how a paper list is read and sorted. */
  patientName: z.string(),
  mrn: z.string(),
  birthDate: z.string(),
  phones: z.array(zDowntimePhone),
  /** The instant, and the clinic-local time of day (HH:MM) it shows as. */
  startAt: z.string(),
  start: z.string(),
  end: z.string(),
  type: z.string(),
  room: z.string().nullable(),
  location: z.string(),
  status: z.enum(['booked', 'confirmed', 'checked_in', 'in_progress', 'completed', 'no_show']),
});
export type DowntimeAppointment = z.infer<typeof zDowntimeAppointment>;

export const zDowntimeProviderDay = z.object({
  providerId: z.string(),
  providerName: z.string(),
  appointments: z.array(zDowntimeAppointment),
});
export type DowntimeProviderDay = z.infer<typeof zDowntimeProviderDay>;

export const zDowntimeDay = z.object({
  date: z.string(),
  providers: z.array(zDowntimeProviderDay),
});
export type DowntimeDay = z.infer<typeof zDowntimeDay>;

export const zDowntimeContact = z.object({
  patientId: z.string(),
  patientName: z.string(),
  mrn: z.string(),
  birthDate: z.string(),
  phones: z.array(zDowntimePhone),
  /**
   * What the patient owes now (their portion of charges still open, integer cents), and what they
   * paid that is not applied to a charge yet; null for a role that may not see balances.
   */
  balanceDueCents: z.number().int().nullable(),
  creditCents: z.number().int().nullable(),
  appointments: z.array(z.object({ date: z.string(), start: z.string(), providerName: z.string() })),
});
export type DowntimeContact = z.infer<typeof zDowntimeContact>;

export const zDowntimeSheet = z.object({
  clinicName: z.string(),
  /** The location the sheet is of; null: every location. */
  locationName: z.string().nullable(),
  timezone: z.string(),
  currency: z.string(),
  /** When the sheet was read (ISO instant); the clinic-local HH:MM of it. */
  generatedAt: z.string(),
  generatedAtLocal: z.string(),
  dates: z.array(z.string()),
  days: z.array(zDowntimeDay),
  /** The patients of those days, by name. */
  contacts: z.array(zDowntimeContact),
});
export type DowntimeSheet = z.infer<typeof zDowntimeSheet>;

/** A local time of day (HH:MM, 24-hour) for the evening's kit. */
const zPrintTime = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: () => t('downtime.validation.time') });

export const zDowntimePrintSettings = z.object({
  enabled: z.boolean(),
  time: zPrintTime,
});
export type DowntimePrintSettings = z.infer<typeof zDowntimePrintSettings>;

export const DEFAULT_DOWNTIME_PRINT_SETTINGS: DowntimePrintSettings = { enabled: false, time: '18:00' };

export const zDowntimePrintOverview = zDowntimePrintSettings.extend({
  /** The clinic-local day the kit was last written on, and the folder it went to (null before). */
  lastPrintedOn: z.string().nullable(),
  folder: z.string(),
});
export type DowntimePrintOverview = z.infer<typeof zDowntimePrintOverview>;

/** Letter where it is the usual paper (the Americas that use it, the Philippines); A4 elsewhere. */
const LETTER_COUNTRIES = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE', 'GT', 'CR', 'PR', 'DO', 'PA']);
export function defaultPaper(country: string): PaperSize {
  return LETTER_COUNTRIES.has(country.toUpperCase()) ? 'letter' : 'a4';
}
