import { type Db, queryRows, queryRowsWithoutJit } from '@tend/db';
import {
  RECONCILIATION_BILL_DAYS,
  RECONCILIATION_INVOICE_DAYS,
  RECONCILIATION_METRICS,
  RECONCILIATION_REPORT_COLUMNS,
  RECONCILIATION_ROWS_COLUMNS,
  REPORT_ROWS_LIMIT,
  type ReconciliationMetric,
  type ReportQuery,
  type ReportRowsResult,
  t,
  todayIn,
} from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { rowsColumns } from './columns';
import { type ClinicRange, clinicRange, groupedRows, groupKey } from './groups';

/**
 * The Reconciliation report (definitions in packages/domain/src/reports/reconciliation.ts): four
 * selects over the ledger as it is now, one per metric, each giving the same columns (the row's
 * local date, patient, provider, location, cents and what to show); the figures are each
 * select's count and sum grouped by period or dimension in the database (the four run side by
 * side), and a drill-down lists one select's rows — the same condition counts and lists.
 */

interface Scope extends ClinicRange {
  today: string;
  from: string;
  to: string;
}

async function scopeOf(db: Db, ctx: ClinicScope, query: ReportQuery): Promise<Scope> {
  const range = await clinicRange(db, ctx, query);
  return { ...range, today: todayIn(range.timezone), from: query.from, to: query.to };
}

function filters(scope: Scope, alias: string): SQL {
  return sql`${scope.locationId ? sql`AND ${sql.raw(alias)}.location_id = ${scope.locationId}` : sql``}
    ${scope.providerId ? sql`AND ${sql.raw(alias)}.provider_id = ${scope.providerId}` : sql``}`;
}

/** An open charge's balance on one side (portion − allocations − adjustments on that side, kept on the charge: 0020). */
const balance = (side: 'insurer' | 'patient') =>
  `(c.${side}_cents - c.${side}_allocated_cents - c.${side}_adjusted_cents)`;

/**
 * An open charge's side not billed: owed, nothing ever allocated on it, and held by no submitted
 * claim (insurer) or invoice or statement (patient) — kept on the charge by triggers (0051). The
 * two sides or'ed are the predicate of `charges_unbilled_idx` (0051): the range reads only the
 * charges it lists.
 */
const unbilled = (side: 'insurer' | 'patient') =>
  sql.raw(`(${balance(side)} > 0 AND c.${side}_allocated_cents <= 0 AND NOT c.${side}_billed)`);

/**
 * Each metric's rows: id, patient_id, provider_id, location_id, day (the local date it counts on),
 * cents, and `kind`/`label` for the drill-down's detail.
 */
function rowsOf(metric: ReconciliationMetric, scope: Scope): SQL {
  const { clinicId, from, to } = scope;
  if (metric === 'visits_uncharged') {
    // A completed appointment, or a signed visit that was not a completed appointment; neither
    // with an open charge on its visit. Whether a visit has one is kept on the visit
    // (`open_charges`) and on its appointment (`charged`) by triggers (0050), so each side reads
    // only its candidates through a partial index instead of probing every visit of the range.
    // The candidate visits look up their appointment by its key: as a plain NOT EXISTS the planner
    // made it an anti-join against a hash of every completed appointment of the clinic's history
    // (the `IS NULL OR` keeps it a lookup per visit).
    return sql`SELECT ap.id, ap.patient_id, ap.provider_id, ap.location_id,
          (ap.start_at at time zone ${scope.timezone})::date AS day, 0::bigint AS cents,
          'appointment' AS kind, '' AS label
        FROM appointments ap
        WHERE ap.clinic_id = ${clinicId} AND ap.status = 'completed' AND NOT ap.charged
          AND ap.start_at >= ${scope.start} AND ap.start_at < ${scope.end} ${filters(scope, 'ap')}
      UNION ALL
      SELECT e.id, e.patient_id, e.provider_id, e.location_id, e.service_date AS day, 0::bigint,
          'encounter', ''
        FROM encounters e
        WHERE e.clinic_id = ${clinicId} AND e.status = 'signed' AND e.open_charges = 0
          AND e.service_date >= ${from}::date AND e.service_date <= ${to}::date ${filters(scope, 'e')}
          AND (e.appointment_id IS NULL
               OR NOT EXISTS (SELECT 1 FROM appointments ap WHERE ap.id = e.appointment_id AND ap.status = 'completed'))`;
  }
  if (metric === 'charges_unbilled') {
    return sql`SELECT c.id, c.patient_id, c.provider_id, c.location_id, c.service_date AS day,
          (CASE WHEN ${unbilled('insurer')} THEN ${sql.raw(balance('insurer'))} ELSE 0 END
           + CASE WHEN ${unbilled('patient')} THEN ${sql.raw(balance('patient'))} ELSE 0 END)::bigint AS cents,
          CASE WHEN ${unbilled('insurer')} AND ${unbilled('patient')} THEN 'both'
               WHEN ${unbilled('insurer')} THEN 'insurer' ELSE 'patient' END AS kind,
          c.code AS label
        FROM charges c
        WHERE c.clinic_id = ${clinicId} AND c.status = 'open' AND (${unbilled('insurer')} OR ${unbilled('patient')})
          AND c.service_date >= ${from}::date AND c.service_date <= ${to}::date
          AND c.service_date <= ${scope.today}::date - ${RECONCILIATION_BILL_DAYS}::int ${filters(scope, 'c')}`;
  }
  if (metric === 'claims_unpaid') {
    return sql`SELECT k.id, k.patient_id, k.provider_id, k.location_id, k.service_date AS day,
          k.total_cents::bigint AS cents, k.status AS kind,
          k.number::text || ' ' || (${scope.today}::date - (k.submitted_at at time zone ${scope.timezone})::date)::text AS label
        FROM claims k
        WHERE k.clinic_id = ${clinicId} AND k.submitted_at IS NOT NULL
          AND k.status IN ('submitted', 'accepted', 'partially_paid', 'paid')
          AND k.service_date >= ${from}::date AND k.service_date <= ${to}::date ${filters(scope, 'k')}
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.claim_id = k.id AND p.reverses_id IS NULL
                          AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.reverses_id = p.id))
          AND coalesce((SELECT sum(a.amount_cents) FROM claim_lines l
                          JOIN allocations a ON a.charge_id = l.charge_id AND a.responsibility = 'insurer'
                          JOIN payments p ON p.id = a.payment_id AND p.payer_id = k.payer_id
                        WHERE l.claim_id = k.id), 0) <= 0`;
  }
  // Invoices: the provider and location of the visit invoiced (of its first charge).
  return sql`SELECT i.id, i.patient_id, i.provider_id, i.location_id, i.day, i.owed::bigint AS cents,
        'invoice' AS kind, i.number::text || ' ' || (${scope.today}::date - i.day)::text AS label
      FROM (
        SELECT v.id, v.patient_id, v.number, v.issued_on AS day,
          (SELECT c.provider_id FROM invoice_lines l JOIN charges c ON c.id = l.charge_id
            WHERE l.invoice_id = v.id ORDER BY l.id LIMIT 1) AS provider_id,
          (SELECT c.location_id FROM invoice_lines l JOIN charges c ON c.id = l.charge_id
            WHERE l.invoice_id = v.id ORDER BY l.id LIMIT 1) AS location_id,
          (SELECT coalesce(sum(CASE WHEN c.status = 'open' THEN ${sql.raw(balance('patient'))} ELSE 0 END), 0)
            FROM charges c WHERE c.id IN (SELECT l.charge_id FROM invoice_lines l WHERE l.invoice_id = v.id)) AS owed
        FROM invoices v
        WHERE v.clinic_id = ${clinicId} AND v.issued_on >= ${from}::date AND v.issued_on <= ${to}::date
          AND v.issued_on <= ${scope.today}::date - ${RECONCILIATION_INVOICE_DAYS}::int
      ) i
      WHERE i.owed > 0 ${filters(scope, 'i')}`;
}

type Sums = { period: string | null } & Partial<Record<ReconciliationMetric | `${ReconciliationMetric}_cents`, number>>;

export async function reconciliationReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const scope = await scopeOf(db, ctx, query);
  const local = sql`(x.day::timestamp)`;
  const period = groupKey(query.group, local, { provider: sql`x.provider_id`, location: sql`x.location_id` });
  // One grouped query per metric, run side by side (each on its own connection on PostgreSQL),
  // without JIT: the per-row lookups are priced high enough to compile them (≈1 s of JIT for a
  // 0.6 s query on the bench network).
  const perMetric = await Promise.all(
    RECONCILIATION_METRICS.map((metric) =>
      queryRowsWithoutJit<{ period: string | null; n: number | string; cents: number | string | null }>(
        db,
        sql`SELECT ${period} AS period, count(*) AS n, sum(x.cents) AS cents
            FROM (${rowsOf(metric, scope)}) x
            GROUP BY GROUPING SETS ((1), ())`,
      ),
    ),
  );
  const byPeriod = new Map<string | null, Sums>();
  RECONCILIATION_METRICS.forEach((metric, i) => {
    for (const row of perMetric[i]) {
      const sums = byPeriod.get(row.period) ?? { period: row.period };
      sums[metric] = Number(row.n);
      sums[`${metric}_cents`] = Number(row.cents ?? 0);
      byPeriod.set(row.period, sums);
    }
  });
  const results = [...byPeriod.values()];
  const figures = (row: Sums | undefined) => {
    return {
      visitsUncharged: row?.visits_uncharged ?? 0,
      chargesUnbilled: row?.charges_unbilled ?? 0,
      chargesUnbilledCents: row?.charges_unbilled_cents ?? 0,
      claimsUnpaid: row?.claims_unpaid ?? 0,
      claimsUnpaidCents: row?.claims_unpaid_cents ?? 0,
      invoicesOverdue: row?.invoices_overdue ?? 0,
      invoicesOverdueCents: row?.invoices_overdue_cents ?? 0,
    };
  };
  return {
    timezone: scope.timezone,
    columns: RECONCILIATION_REPORT_COLUMNS,
    rows: await groupedRows(db, ctx, query, results, figures),
    totals: figures(results.find((row) => row.period === null)),
  };
}

const CLAIM_STATUS: Record<string, string> = {
  submitted: 'submitted',
  accepted: 'accepted',
  partially_paid: 'partially paid',
  paid: 'marked paid',
};

function detailOf(metric: ReconciliationMetric, kind: string, label: string): string {
  if (metric === 'visits_uncharged') {
    return t(kind === 'appointment' ? 'reports.reconciliation.appointment' : 'reports.reconciliation.encounter');
  }
  if (metric === 'charges_unbilled') {
    const key =
      kind === 'both'
        ? 'reports.reconciliation.unbilledBoth'
        : kind === 'insurer'
          ? 'reports.reconciliation.unbilledInsurer'
          : 'reports.reconciliation.unbilledPatient';
    return t(key, { code: label });
  }
  const [number, days] = label.split(' ');
  if (metric === 'claims_unpaid') {
    return t('reports.reconciliation.claim', { number, status: CLAIM_STATUS[kind] ?? kind, days });
  }
  return t('reports.reconciliation.invoice', { number, days });
}

/** The visits, charges, claims or invoices behind one figure, oldest first. */
export async function reconciliationReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: ReconciliationMetric },
): Promise<ReportRowsResult> {
  const scope = await scopeOf(db, ctx, query);
  const rows = rowsOf(query.metric, scope);
  const [{ total }] = await queryRows<{ total: number | string }>(db, sql`SELECT count(*) AS total FROM (${rows}) r`);
  const items = await queryRows<{
    id: string;
    patient_id: string;
    day: string | Date;
    cents: number | string;
    kind: string;
    label: string;
    patient: string;
    provider: string;
    location: string;
  }>(
    db,
    sql`SELECT r.id, r.patient_id, r.day::text AS day, r.cents, r.kind, r.label,
          p.given_name || ' ' || p.family_name AS patient, v.name AS provider, l.name AS location
        FROM (${rows}) r
        JOIN patients p ON p.id = r.patient_id
        LEFT JOIN providers v ON v.id = r.provider_id
        LEFT JOIN locations l ON l.id = r.location_id
        ORDER BY r.day, r.id LIMIT ${REPORT_ROWS_LIMIT}`,
  );
  return {
    total: Number(total),
    columns: rowsColumns(RECONCILIATION_ROWS_COLUMNS),
    items: items.map((item) => ({
      id: item.id,
      patientId: item.patient_id,
      values: {
        date: String(item.day),
        patient: item.patient,
        provider: item.provider ?? '',
        location: item.location ?? '',
        detail: detailOf(query.metric, item.kind, item.label),
        amount: query.metric === 'visits_uncharged' ? null : Number(item.cents),
      },
    })),
  };
}
