import { type Db, queryRows } from '@tend/db';
import {
  DAY_SHEET_METRICS,
  DAY_SHEET_REPORT_COLUMNS,
  DAY_SHEET_ROWS_COLUMNS,
  type DaySheetMetric,
  isPeriodGroup,
  REPORT_ROWS_LIMIT,
  type ReportQuery,
  type ReportRowsResult,
} from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import { openCents, owingCharge } from '../billing/aging';
import type { ClinicScope } from '../context';
import { rowsColumns } from './columns';
import { type ClinicRange, clinicRange, groupedRows, groupKey } from './groups';

/**
 * The Day sheet (definitions and the dating of each entry in packages/domain/src/reports/day-sheet.ts):
 * the ledger entries posted in the range — charges, voids, allocations of payments and of their
 * reversals, adjustments — as one UNION ALL of SQL selects, one per metric (the same select counts
 * a figure and lists its rows), summed by the clinic-local date of their posting instant. The A/R
 * at the start of the range is today's A/R less the same rows posted since; each period's start and end
 * follow from it and the net changes, so start + changes = end holds by construction and is
 * tested against balances computed from the raw rows.
 */

type Range = ClinicRange;

/** The charge filters of the query (the entries of a provider's or a location's charges). */
function chargeFilters(range: Range): SQL {
  return sql`${range.locationId ? sql`AND c.location_id = ${range.locationId}` : sql``}
    ${range.providerId ? sql`AND c.provider_id = ${range.providerId}` : sql``}`;
}

const columns = (metric: DaySheetMetric) =>
  sql`${metric}::text AS metric, c.patient_id, c.provider_id, c.location_id, c.service_date::text AS service_date, c.code`;

/** The entries of one metric posted in [start, end): id, at (posting instant), cents and a detail. */
function entriesOf(metric: DaySheetMetric, range: Range): SQL {
  const { clinicId, start, end } = range;
  const filters = chargeFilters(range);
  if (metric === 'charges') {
    return sql`SELECT ${columns(metric)}, c.id, c.created_at AS at, c.amount_cents::bigint AS cents,
        c.description AS detail
      FROM charges c
      WHERE c.clinic_id = ${clinicId} AND c.created_at >= ${start} AND c.created_at < ${end} ${filters}`;
  }
  if (metric === 'voids') {
    return sql`SELECT ${columns(metric)}, c.id, c.voided_at AS at,
        (c.amount_cents
          - coalesce((SELECT sum(a.amount_cents) FROM allocations a
                      WHERE a.charge_id = c.id AND a.created_at < c.voided_at), 0)
          - coalesce((SELECT sum(d.amount_cents) FROM adjustments d
                      WHERE d.charge_id = c.id AND d.posted_at < c.voided_at), 0))::bigint AS cents,
        coalesce(c.void_reason, '') AS detail
      FROM charges c
      WHERE c.clinic_id = ${clinicId} AND c.status = 'void'
        AND c.voided_at >= ${start} AND c.voided_at < ${end} ${filters}`;
  }
  if (metric === 'adjustments') {
    return sql`SELECT ${columns(metric)}, d.id, d.posted_at AS at, d.amount_cents::bigint AS cents,
        d.kind || ': ' || d.reason AS detail
      FROM adjustments d JOIN charges c ON c.id = d.charge_id
      WHERE d.clinic_id = ${clinicId} AND d.posted_at >= ${start} AND d.posted_at < ${end}
        AND (c.voided_at IS NULL OR d.posted_at < c.voided_at) ${filters}`;
  }
  const which =
    metric === 'refunds'
      ? sql`p.reverses_id IS NOT NULL`
      : sql`p.reverses_id IS NULL AND p.source = ${metric === 'patient_payments' ? 'patient' : 'insurer'}`;
  return sql`SELECT ${columns(metric)}, a.id, a.created_at AS at,
      (CASE WHEN p.reverses_id IS NULL THEN a.amount_cents ELSE -a.amount_cents END)::bigint AS cents,
      p.method || coalesce(' ' || p.reference, '') || coalesce(' — ' || p.note, '') AS detail
    FROM allocations a JOIN payments p ON p.id = a.payment_id JOIN charges c ON c.id = a.charge_id
    WHERE a.clinic_id = ${clinicId} AND a.created_at >= ${start} AND a.created_at < ${end}
      AND (c.voided_at IS NULL OR a.created_at < c.voided_at) AND ${which} ${filters}`;
}

/** How each kind of entry counts backwards from today's A/R: charges and refunds had raised it, the rest lowered it. */
const UNDO: Record<DaySheetMetric, 1 | -1> = {
  charges: -1,
  voids: 1,
  patient_payments: 1,
  insurer_payments: 1,
  adjustments: 1,
  refunds: -1,
};

/** Later than any posting (entries are counted from the start with no end). */
const NO_END = new Date('9999-01-01T00:00:00Z');

/**
 * A/R at the range's start, by the group's dimension (or in total): what is owed today (the
 * per-charge balances kept on the charges by 0020, read through the partial index of the charges
 * still owing) less every entry posted since the start — so it reads the recent entries, not the
 * clinic's whole history. The same as charges created before the start and not voided before it,
 * less the allocations and adjustments posted on them before it (tested against exactly that).
 */
async function arAtStart(db: Db, range: Range, dimension: 'provider_id' | 'location_id' | null) {
  const { clinicId } = range;
  const filters = chargeFilters(range);
  const owed = (alias: string) => sql.raw(dimension ? `${alias}.${dimension}::text` : `'all'`);
  const since = { ...range, end: NO_END };
  const undo = sql.join(
    DAY_SHEET_METRICS.map(
      (metric) =>
        sql`SELECT ${owed('e')} AS key, ${UNDO[metric]} * e.cents AS cents FROM (${entriesOf(metric, since)}) e`,
    ),
    sql` UNION ALL `,
  );
  const rows = await queryRows<{ key: string; cents: string | number | null }>(
    db,
    sql`SELECT x.key, sum(x.cents) AS cents FROM (
          SELECT ${owed('c')} AS key, (${openCents}) AS cents FROM charges c
            WHERE c.clinic_id = ${clinicId} AND ${owingCharge} ${filters}
          UNION ALL ${undo}
        ) x GROUP BY x.key`,
  );
  return new Map(rows.map((row) => [row.key, Number(row.cents ?? 0)]));
}

interface Sums {
  period: string | null;
  charges_count: number | string;
  charges: number | string | null;
  voids: number | string | null;
  patient_payments: number | string | null;
  insurer_payments: number | string | null;
  adjustments: number | string | null;
  refunds: number | string | null;
}

type Values = Record<(typeof DAY_SHEET_REPORT_COLUMNS)[number]['key'], number>;

function changesOf(row: Sums | undefined): Omit<Values, 'arStartCents' | 'arEndCents'> {
  const n = (value: number | string | null | undefined) => Number(value ?? 0);
  const charges = n(row?.charges);
  const voids = n(row?.voids);
  const patient = n(row?.patient_payments);
  const insurer = n(row?.insurer_payments);
  const adjustments = n(row?.adjustments);
  const refunds = n(row?.refunds);
  return {
    chargesCount: n(row?.charges_count),
    chargesCents: charges,
    voidsCents: voids,
    patientPaymentsCents: patient,
    insurerPaymentsCents: insurer,
    adjustmentsCents: adjustments,
    refundsCents: refunds,
    netChangeCents: charges - voids - patient - insurer - adjustments + refunds,
  };
}

/** Figures in column order, with the A/R at start and end. */
function withAr(changes: Omit<Values, 'arStartCents' | 'arEndCents'>, arStart: number): Values {
  return {
    arStartCents: arStart,
    chargesCount: changes.chargesCount,
    chargesCents: changes.chargesCents,
    voidsCents: changes.voidsCents,
    patientPaymentsCents: changes.patientPaymentsCents,
    insurerPaymentsCents: changes.insurerPaymentsCents,
    adjustmentsCents: changes.adjustmentsCents,
    refundsCents: changes.refundsCents,
    netChangeCents: changes.netChangeCents,
    arEndCents: arStart + changes.netChangeCents,
  };
}

export async function daySheetReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const range = await clinicRange(db, ctx, query);
  const entries = sql.join(
    DAY_SHEET_METRICS.map((metric) => entriesOf(metric, range)),
    sql` UNION ALL `,
  );
  const local = sql`(e.at at time zone ${range.timezone})`;
  const period = groupKey(query.group, local, { provider: sql`e.provider_id`, location: sql`e.location_id` });
  const sum = (metric: DaySheetMetric) => sql`sum(e.cents) FILTER (WHERE e.metric = ${metric})`;
  const results = await queryRows<Sums>(
    db,
    sql`SELECT ${period} AS period,
          count(*) FILTER (WHERE e.metric = 'charges') AS charges_count,
          ${sum('charges')} AS charges, ${sum('voids')} AS voids,
          ${sum('patient_payments')} AS patient_payments, ${sum('insurer_payments')} AS insurer_payments,
          ${sum('adjustments')} AS adjustments, ${sum('refunds')} AS refunds
        FROM (${entries}) e
        GROUP BY GROUPING SETS ((1), ())`,
  );
  const dimension = query.group === 'provider' ? 'provider_id' : query.group === 'location' ? 'location_id' : null;
  const starts = await arAtStart(db, range, dimension);
  const totalStart = [...starts.values()].reduce((total, cents) => total + cents, 0);
  // A provider/location with A/R but no entries in the range still has its row.
  if (dimension) {
    for (const key of starts.keys()) {
      if (!results.some((row) => row.period === key)) {
        results.push({
          period: key,
          charges_count: 0,
          charges: 0,
          voids: 0,
          patient_payments: 0,
          insurer_payments: 0,
          adjustments: 0,
          refunds: 0,
        });
      }
    }
  }
  const totalChanges = changesOf(results.find((row) => row.period === null));
  let rows: Array<{
    period: string;
    from: string;
    to: string;
    label?: string;
    filter?: Record<string, string>;
    values: Values;
  }>;
  if (isPeriodGroup(query.group)) {
    // Each period starts with what the previous one ended with.
    let running = totalStart;
    rows = (await groupedRows(db, ctx, query, results, changesOf)).map((row) => {
      const values = withAr(row.values, running);
      running = values.arEndCents;
      return { ...row, values };
    });
  } else {
    rows = (await groupedRows(db, ctx, query, results, (row) => ({ row, changes: changesOf(row) }))).map((row) => ({
      ...row,
      values: withAr(row.values.changes, starts.get(row.period) ?? 0),
    }));
  }
  return {
    timezone: range.timezone,
    columns: DAY_SHEET_REPORT_COLUMNS,
    rows,
    totals: withAr(totalChanges, totalStart),
  };
}

/** The ledger entries behind one figure: the metric's own select, listed by posting time. */
export async function daySheetReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: DaySheetMetric },
): Promise<ReportRowsResult> {
  const range = await clinicRange(db, ctx, query);
  const entries = entriesOf(query.metric, range);
  const [{ total }] = await queryRows<{ total: number | string }>(
    db,
    sql`SELECT count(*) AS total FROM (${entries}) e`,
  );
  const items = await queryRows<{
    id: string;
    patient_id: string;
    at: Date | string;
    cents: number | string;
    service_date: string;
    code: string;
    detail: string;
    patient: string;
    provider: string;
    location: string;
  }>(
    db,
    sql`SELECT e.id, e.patient_id, e.at, e.cents, e.service_date, e.code, e.detail,
          p.given_name || ' ' || p.family_name AS patient, v.name AS provider, l.name AS location
        FROM (${entries}) e
        JOIN patients p ON p.id = e.patient_id
        JOIN providers v ON v.id = e.provider_id
        JOIN locations l ON l.id = e.location_id
        ORDER BY e.at, e.id LIMIT ${REPORT_ROWS_LIMIT}`,
  );
  return {
    total: Number(total),
    columns: rowsColumns(DAY_SHEET_ROWS_COLUMNS),
    items: items.map((item) => ({
      id: item.id,
      patientId: item.patient_id,
      values: {
        posted: new Date(item.at).toISOString(),
        patient: item.patient,
        provider: item.provider,
        location: item.location,
        serviceDate: item.service_date,
        code: item.code,
        detail: item.detail,
        amount: Number(item.cents),
      },
    })),
  };
}
