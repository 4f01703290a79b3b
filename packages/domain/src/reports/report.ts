import { z } from 'zod';
import { daysBetween } from '../billing/aging';
import { t } from '../i18n';
import type { Permission } from '../permissions';
import { DAY_MS, wallClockMs, wallDate } from '../scheduling/zoned-time';
import { isCalendarDate, zDate, zId } from '../validation';

/**
 * What every report shares: the query (a range of the clinic's local dates, inclusive, with
 * optional location and provider filters and a grouping), and the result (columns, one row per
 * period, totals). Each figure column names the drill-down metric whose rows make it up.
 */

export const REPORT_NAMES = [
  'appointments',
  'utilisation',
  'reminders',
  'patients',
  'revenue',
  'reconciliation',
  'day-sheet',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/**
 * How a report's rows are split: by a period of the clinic's calendar (day, week, month), or by a
 * dimension (one row per provider, location, service, payer or reminder rule, over the whole range). Each report
 * says which it supports.
 */
export const REPORT_GROUPS = ['day', 'week', 'month', 'provider', 'location', 'service', 'payer', 'rule'] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];
export const PERIOD_GROUPS = ['day', 'week', 'month'] as const satisfies ReadonlyArray<ReportGroup>;
export type PeriodGroup = (typeof PERIOD_GROUPS)[number];
/** How each report's rows may be split (the first is what the web page opens with). */
export const REPORT_GROUPS_OF: Record<ReportName, readonly ReportGroup[]> = {
  appointments: ['week', 'day', 'month', 'provider', 'location'],
  utilisation: ['week', 'day', 'month', 'provider', 'location'],
  reminders: ['week', 'day', 'month', 'rule', 'provider', 'location'],
  patients: ['week', 'day', 'month', 'provider'],
  revenue: ['week', 'day', 'month', 'provider', 'service', 'payer', 'location'],
  reconciliation: ['week', 'day', 'month', 'provider', 'location'],
  'day-sheet': ['day', 'week', 'month', 'provider', 'location'],
};

/**
 * Who reads each report: the manager's reports (report.read), and the money ones that billing
 * specialists work from too (billing.manage).
 */
export const REPORT_ACCESS: Record<ReportName, Permission> = {
  appointments: 'report.read',
  utilisation: 'report.read',
  reminders: 'report.read',
  patients: 'report.read',
  revenue: 'billing.manage',
  reconciliation: 'billing.manage',
  'day-sheet': 'billing.manage',
};

export const isPeriodGroup = (group: ReportGroup): group is PeriodGroup =>
  (PERIOD_GROUPS as readonly string[]).includes(group);

/** How a figure is shown: counts as integers, percents and minutes/days with one decimal, cents as 12.50. */
export const FIGURE_KINDS = ['count', 'percent', 'cents', 'minutes', 'days', 'text', 'date', 'datetime'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

/** About three years: longer ranges are slow to read and to look at. */
export const MAX_REPORT_DAYS = 1096;

export const zReportQuery = z
  .object({
    from: zDate,
    to: zDate,
    locationId: zId.optional(),
    providerId: zId.optional(),
    /** Revenue-type reports: one payer (its id, or `self` for what patients pay themselves). */
    payerId: z.union([zId, z.literal('self')]).optional(),
    /** Revenue-type reports: one service (its code). */
    serviceCode: z.string().trim().min(1).max(20).optional(),
    /** Reminders report: one reminder rule (its id). */
    ruleId: zId.optional(),
    group: z.enum(REPORT_GROUPS, { error: () => t('validation.reportGroup') }).default('week'),
  })
  .superRefine((query, ctx) => {
    if (!isCalendarDate(query.from) || !isCalendarDate(query.to)) return;
    if (query.to < query.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: t('validation.dateRange') });
    } else if (daysBetween(query.from, query.to) >= MAX_REPORT_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: t('validation.reportRange', { days: MAX_REPORT_DAYS }) });
    }
  });
export type ReportQuery = z.output<typeof zReportQuery>;

export const zReportColumn = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(FIGURE_KINDS),
  /** The drill-down metric listing the rows behind this figure (for a rate: its numerator), or null. */
  drill: z.string().nullable(),
});
export type ReportColumn = z.infer<typeof zReportColumn>;

const zFigure = z.union([z.number(), z.string()]).nullable();
export type Figure = z.infer<typeof zFigure>;

export const zReportRow = z.object({
  /**
   * The first local date of the period (a Monday for weeks, the 1st for months), or, grouped by a
   * dimension, its key (a provider/location/payer/reminder rule id, `self`, or a service code).
   */
  period: z.string(),
  /** Grouped by a dimension: its name as shown (null for periods). */
  label: z.string().nullable().default(null),
  /** Grouped by a dimension: the query filters its drill-downs add (e.g. `{ providerId }`). */
  filter: z.record(z.string(), z.string()).default({}),
  /** The part of the period inside the query's range: what its drill-downs ask for. */
  from: z.string(),
  to: z.string(),
  values: z.record(z.string(), zFigure),
});
export type ReportRow = z.infer<typeof zReportRow>;

export const zReportResult = z.object({
  report: z.enum(REPORT_NAMES),
  from: z.string(),
  to: z.string(),
  group: z.enum(REPORT_GROUPS),
  timezone: z.string(),
  columns: z.array(zReportColumn),
  rows: z.array(zReportRow),
  totals: z.record(z.string(), zFigure),
});
export type ReportResult = z.infer<typeof zReportResult>;

/**
 * The rows behind one figure, as every report's drill-down answers them: the columns to show
 * (`datetime` values are ISO instants shown in the clinic's zone) and at most REPORT_ROWS_LIMIT
 * items, each naming its patient (for the audit) when it has one; `total` counts them all.
 */
export const zReportRowsResult = z.object({
  total: z.number().int(),
  columns: z.array(zReportColumn.omit({ drill: true })),
  items: z.array(z.object({ id: z.string(), patientId: z.string().nullable(), values: z.record(z.string(), zFigure) })),
});
export type ReportRowsResult = z.infer<typeof zReportRowsResult>;

export function addDaysTo(date: string, days: number): string {
  return wallDate(wallClockMs(date, '00:00') + days * DAY_MS);
}

/** The first local date of the period holding `date`: itself, its ISO week's Monday, or the 1st. */
export function periodStart(date: string, group: PeriodGroup): string {
  if (group === 'day') return date;
  if (group === 'month') return `${date.slice(0, 8)}01`;
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDaysTo(date, -weekday);
}

function periodEnd(start: string, group: PeriodGroup): string {
  if (group === 'day') return start;
  if (group === 'week') return addDaysTo(start, 6);
  const [year, month] = start.split('-').map(Number);
  return wallDate(Date.UTC(year, month, 0));
}

/** Every period touching `from`…`to`, each with the part of it inside the range. */
export function reportPeriods(
  from: string,
  to: string,
  group: PeriodGroup,
): Array<{ period: string; from: string; to: string }> {
  const periods = [];
  for (let start = periodStart(from, group); start <= to; start = addDaysTo(periodEnd(start, group), 1)) {
    const end = periodEnd(start, group);
    periods.push({ period: start, from: start < from ? from : start, to: end > to ? to : end });
  }
  return periods;
}

/** A ratio as a percent with one decimal (85.0), or null when nothing was counted. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** One decimal, as reports show averages of minutes and days. */
export function oneDecimal(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
