import { z } from 'zod';
import type { ReportColumnDefinition } from './appointments';
import { zReportQuery } from './report';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Day sheet (daily close): what was posted to the ledger each day, and the A/R it leaves.
 * Every entry counts on the clinic-local date (the clinic's time zone) of the instant it was
 * posted — the day it entered the books, whatever date it is about:
 * - charges: a charge's full amount on the day it was created (the visit was signed), whatever
 *   its date of service;
 * - voids: a voided charge leaves A/R on the day it was voided, with what it still owed then
 *   (its amount − what was allocated to it and adjusted off it before the void);
 * - patient / insurer payments: each allocation of a payment to a charge, on the day the
 *   allocation was posted (with the payment, or later when unapplied credit is applied), by the
 *   payment's source; money received but not applied to a charge is not A/R and is not counted;
 * - adjustments: write-offs, discounts, bad debt, corrections (net of their reversals; a
 *   transfer between insurer and patient nets to 0) on the day posted;
 * - refunds: the allocations of a payment's reversal (a refund, a bounced check, a mistake), as a
 *   positive amount, on the day the reversal was posted: A/R goes up by that much.
 * Entries on a charge after it was voided do not count (the charge owes nothing then).
 * A/R at an instant = every charge created before it and not voided before it, less the
 * allocations and adjustments posted on those charges before it — so, for every day:
 *   A/R at start + charges − voids − patient payments − insurer payments − adjustments + refunds
 *   = A/R at end (net change = end − start), to the cent.
 * Grouped by provider or location, each row is the charges of that provider/location (and their
 * A/R); by week or month, the period's first day's start and last day's end.
 */
export const DAY_SHEET_METRICS = [
  'charges',
  'voids',
  'patient_payments',
  'insurer_payments',
  'adjustments',
  'refunds',
] as const;
export type DaySheetMetric = (typeof DAY_SHEET_METRICS)[number];

export const DAY_SHEET_REPORT_COLUMNS = [
  { key: 'arStartCents', label: 'reports.daySheet.arStart', kind: 'cents', drill: null },
  { key: 'chargesCount', label: 'reports.daySheet.chargesCount', kind: 'count', drill: 'charges' },
  { key: 'chargesCents', label: 'reports.daySheet.charges', kind: 'cents', drill: 'charges' },
  { key: 'voidsCents', label: 'reports.daySheet.voids', kind: 'cents', drill: 'voids' },
  { key: 'patientPaymentsCents', label: 'reports.daySheet.patientPayments', kind: 'cents', drill: 'patient_payments' },
  { key: 'insurerPaymentsCents', label: 'reports.daySheet.insurerPayments', kind: 'cents', drill: 'insurer_payments' },
  { key: 'adjustmentsCents', label: 'reports.daySheet.adjustments', kind: 'cents', drill: 'adjustments' },
  { key: 'refundsCents', label: 'reports.daySheet.refunds', kind: 'cents', drill: 'refunds' },
  { key: 'netChangeCents', label: 'reports.daySheet.netChange', kind: 'cents', drill: null },
  { key: 'arEndCents', label: 'reports.daySheet.arEnd', kind: 'cents', drill: null },
] as const satisfies ReadonlyArray<ReportColumnDefinition<DaySheetMetric>>;

export const zDaySheetRowsQuery = zReportQuery.and(z.object({ metric: z.enum(DAY_SHEET_METRICS) }));

/** The ledger entries behind a day-sheet figure. */
export const DAY_SHEET_ROWS_COLUMNS = [
  { key: 'posted', label: 'reports.col.posted', kind: 'datetime' },
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'location', label: 'reports.location', kind: 'text' },
  { key: 'serviceDate', label: 'reports.col.serviceDate', kind: 'date' },
  { key: 'code', label: 'reports.col.code', kind: 'text' },
  { key: 'detail', label: 'reports.col.detail', kind: 'text' },
  { key: 'amount', label: 'reports.col.amount', kind: 'cents' },
] as const satisfies readonly ReportRowsColumnDefinition[];
