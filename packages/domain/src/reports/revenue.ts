import { z } from 'zod';
import type { ReportColumnDefinition } from './appointments';
import { zReportQuery } from './report';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Revenue report: what the clinic billed, adjusted and collected in a range of its local dates,
 * straight from the ledger (charges, adjustments, payments and their allocations), in integer cents.
 *
 * - Charges: the amount of the open (not voided) charges whose date of service is in the range.
 *   A charge is made when its visit is signed, dated with the visit's date (a clinic-local date);
 *   a voided charge (a line an addendum removed) is left out of every period, as the ledger owes
 *   nothing on it. Count = those charges.
 * - Adjustments: every adjustment posted in the range (the clinic-local date it was posted):
 *   write-offs, discounts, bad debt, corrections, and both sides of transfers (which add up to 0
 *   unless split by payer). A reversal is a negative adjustment on the day it is reversed.
 * - Net = charges − adjustments.
 * - Collections: payments by the date received (`received_on`), split by who paid (patient or
 *   insurer). A refund or reversal is a negative payment on the day it happens: it lowers the
 *   collections of that period (and is shown on its own as Refunds, a positive amount).
 *
 * Split by payer, a charge counts its insurer portion for its payer and its patient portion for
 * `self` (patients); adjustments likewise by the side they adjust; collections by who paid.
 * Filtered to (or grouped by) a provider, location or service — which payments do not have —
 * collections are the allocations of the payments received in the range to that provider's
 * (location's, service's) charges: a payment's credit not applied to any charge belongs to none.
 */
export const REVENUE_METRICS = [
  'charges',
  'adjustments',
  'collections',
  'collections_patient',
  'collections_insurer',
  'refunds',
] as const;
export type RevenueMetric = (typeof REVENUE_METRICS)[number];

export const REVENUE_REPORT_COLUMNS = [
  { key: 'charges', label: 'reports.revenue.charges', kind: 'cents', drill: 'charges' },
  { key: 'chargeCount', label: 'reports.revenue.chargeCount', kind: 'count', drill: 'charges' },
  { key: 'adjustments', label: 'reports.revenue.adjustments', kind: 'cents', drill: 'adjustments' },
  { key: 'net', label: 'reports.revenue.net', kind: 'cents', drill: null },
  {
    key: 'collectionsPatient',
    label: 'reports.revenue.collectionsPatient',
    kind: 'cents',
    drill: 'collections_patient',
  },
  {
    key: 'collectionsInsurer',
    label: 'reports.revenue.collectionsInsurer',
    kind: 'cents',
    drill: 'collections_insurer',
  },
  { key: 'collections', label: 'reports.revenue.collections', kind: 'cents', drill: 'collections' },
  { key: 'refunds', label: 'reports.revenue.refunds', kind: 'cents', drill: 'refunds' },
] as const satisfies ReadonlyArray<ReportColumnDefinition<RevenueMetric>>;

export const zRevenueRowsQuery = zReportQuery.and(z.object({ metric: z.enum(REVENUE_METRICS) }));

/**
 * The ledger rows behind a Revenue figure: a charge, an adjustment, a payment (or, filtered by
 * provider, location or service, the part of a payment applied to one charge). `amount` is what
 * the row adds to the figure (a refund's is negative in collections, positive in refunds).
 */
export const REVENUE_ROWS_COLUMNS = [
  { key: 'date', label: 'reports.col.date', kind: 'date' },
  { key: 'entry', label: 'reports.col.entry', kind: 'text' },
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'payer', label: 'reports.col.payer', kind: 'text' },
  { key: 'service', label: 'reports.col.service', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'location', label: 'reports.location', kind: 'text' },
  { key: 'amount', label: 'reports.col.amount', kind: 'cents' },
] as const satisfies readonly ReportRowsColumnDefinition[];
