import { z } from 'zod';
import type { ReportColumnDefinition } from './appointments';
import { zReportQuery } from './report';
import type { ReportRowsColumnDefinition } from './rows';

/**
 * The Reconciliation report: do the visits in the range match what was charged, billed and paid?
 * Four lists of things to follow up, each a count (and cents) that drills down to its rows. They
 * describe the ledger as it is now, for the visits/claims/invoices dated in the range
 * (clinic-local dates):
 * - visits without a charge: completed appointments (on the local date they started) and signed
 *   visits without an appointment (on their date of service) with no open charge;
 * - charges not billed: open charges dated in the range and at least RECONCILIATION_BILL_DAYS days
 *   ago, with a side still owed that nobody was asked to pay — the insurer's portion on no
 *   submitted claim and not paid by any insurer, or the patient's portion on no invoice or
 *   statement and not paid by the patient at all; the cents are what those sides still owe;
 * - claims without payment: claims submitted (and not since rejected or denied) for visits in the
 *   range, with no payment of theirs posted (none, or only reversed ones) and nothing paid by
 *   their insurer on their charges; cents: the claim's total;
 * - invoices unpaid after RECONCILIATION_INVOICE_DAYS days: invoices issued in the range, at
 *   least that many days ago, on whose charges the patient still owes something; cents: what is
 *   still owed on them.
 * Grouped by provider or location: the visit's, charge's, claim's or invoiced visit's.
 */
export const RECONCILIATION_BILL_DAYS = 7;
export const RECONCILIATION_INVOICE_DAYS = 30;

export const RECONCILIATION_METRICS = [
  'visits_uncharged',
  'charges_unbilled',
  'claims_unpaid',
  'invoices_overdue',
] as const;
export type ReconciliationMetric = (typeof RECONCILIATION_METRICS)[number];

export const RECONCILIATION_REPORT_COLUMNS = [
  { key: 'visitsUncharged', label: 'reports.reconciliation.visitsUncharged', kind: 'count', drill: 'visits_uncharged' },
  { key: 'chargesUnbilled', label: 'reports.reconciliation.chargesUnbilled', kind: 'count', drill: 'charges_unbilled' },
  {
    key: 'chargesUnbilledCents',
    label: 'reports.reconciliation.chargesUnbilledCents',
    kind: 'cents',
    drill: 'charges_unbilled',
  },
  { key: 'claimsUnpaid', label: 'reports.reconciliation.claimsUnpaid', kind: 'count', drill: 'claims_unpaid' },
  {
    key: 'claimsUnpaidCents',
    label: 'reports.reconciliation.claimsUnpaidCents',
    kind: 'cents',
    drill: 'claims_unpaid',
  },
  { key: 'invoicesOverdue', label: 'reports.reconciliation.invoicesOverdue', kind: 'count', drill: 'invoices_overdue' },
  {
    key: 'invoicesOverdueCents',
    label: 'reports.reconciliation.invoicesOverdueCents',
    kind: 'cents',
    drill: 'invoices_overdue',
  },
] as const satisfies ReadonlyArray<ReportColumnDefinition<ReconciliationMetric>>;

export const zReconciliationRowsQuery = zReportQuery.and(z.object({ metric: z.enum(RECONCILIATION_METRICS) }));

/** The visits, charges, claims or invoices behind a reconciliation figure. */
export const RECONCILIATION_ROWS_COLUMNS = [
  { key: 'date', label: 'reports.col.date', kind: 'date' },
  { key: 'patient', label: 'reports.col.patient', kind: 'text' },
  { key: 'provider', label: 'reports.col.provider', kind: 'text' },
  { key: 'location', label: 'reports.location', kind: 'text' },
  { key: 'detail', label: 'reports.col.detail', kind: 'text' },
  { key: 'amount', label: 'reports.col.amount', kind: 'cents' },
] as const satisfies readonly ReportRowsColumnDefinition[];
