import { type Db, queryRows } from '@tend/db';
import {
  addDaysTo,
  DAY_SHEET_METRICS,
  DAY_SHEET_REPORT_COLUMNS,
  DAY_SHEET_ROWS_COLUMNS,
  type DaySheetMetric,
  isPeriodGroup,
  REPORT_ROWS_LIMIT,
  type ReportQuery,
  type ReportRowsResult,
  zonedTimeToInstant,
} from '@tend/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { rowsColumns } from './columns';
import { type ClinicRange, clinicRange, groupedRows } from './groups';
import { groupRolledUpDays, type SummableRollup, sumRolledUpDays } from './rollups';

/**
 * The Day sheet (definitions and the dating of each entry in packages/domain/src/reports/day-sheet.ts):
 * the ledger entries posted in the range — charges, voids, allocations of payments and of their
 * reversals, adjustments — as one UNION ALL of SQL selects, one per metric (the same select counts
 * a figure and lists its rows), summed by the clinic-local date of their posting instant and kept as
 * per-day rollups (rollups.ts). The A/R at the start of the range is the net change of every day
 * before it (the same rollups); each period's start and end follow from it and the net changes, so
 * start + changes = end holds by construction and is tested against balances computed from the raw
 * rows and against the A/R aging.
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

/**
 * The entries' sums per clinic-local day of posting × provider × location (rollups.ts), counted
 * as in the figures. A day's entries change only by postings dated that day (a charge, its void,
 * an allocation, an adjustment: each bumps its day, 0025).
 */
function entryDays(clinicId: string, timezone: string): SummableRollup {
  return {
    report: 'day-sheet/1',
    fields: { numbers: SUMS },
    days: (from, to) => {
      const range: Range = {
        clinicId,
        timezone,
        start: new Date(zonedTimeToInstant(from, '00:00', timezone)),
        end: new Date(zonedTimeToInstant(addDaysTo(to, 1), '00:00', timezone)),
      };
      const entries = sql.join(
        DAY_SHEET_METRICS.map((metric) => entriesOf(metric, range)),
        sql` UNION ALL `,
      );
      const sum = (metric: DaySheetMetric) => sql`coalesce(sum(e.cents) FILTER (WHERE e.metric = ${metric}), 0)`;
      return sql`
        SELECT d.local_date, jsonb_agg(jsonb_build_object('provider', d.provider, 'location', d.location,
            'charges_count', d.charges_count, 'charges', d.charges, 'voids', d.voids,
            'patient_payments', d.patient_payments, 'insurer_payments', d.insurer_payments,
            'adjustments', d.adjustments, 'refunds', d.refunds)) AS sums
        FROM (
          SELECT (e.at AT TIME ZONE ${timezone})::date AS local_date, e.provider_id::text AS provider,
            e.location_id::text AS location, count(*) FILTER (WHERE e.metric = 'charges') AS charges_count,
            ${sum('charges')} AS charges, ${sum('voids')} AS voids,
            ${sum('patient_payments')} AS patient_payments, ${sum('insurer_payments')} AS insurer_payments,
            ${sum('adjustments')} AS adjustments, ${sum('refunds')} AS refunds
          FROM (${entries}) e
          GROUP BY 1, 2, 3
        ) d
        GROUP BY d.local_date`;
    },
  };
}

/**
 * A/R at the start of `from`, by provider, location or in total (`all`): the net change of every
 * day posted before it, from the per-day rollups — the same as charges created before the start
 * and not voided before it, less the allocations and adjustments posted on them before it (tested
 * against exactly that, and against the A/R aging).
 */
async function arAtStart(
  db: Db,
  ctx: ClinicScope,
  rollup: SummableRollup,
  query: ReportQuery,
  timezone: string,
  dimension: 'provider' | 'location' | null,
): Promise<Map<string, number>> {
  const [first] = await queryRows<{ day: string | null }>(
    db,
    sql`SELECT (min(created_at) AT TIME ZONE ${timezone})::date::text AS day FROM charges WHERE clinic_id = ${ctx.clinicId}`,
  );
  const starts = new Map<string, number>();
  if (!first?.day || first.day >= query.from) return starts;
  const span = { from: first.day, to: addDaysTo(query.from, -1) };
  const before = await sumRolledUpDays<Sums>(db, ctx, rollup, timezone, span, dimension, query);
  for (const sums of before) {
    if (dimension ? sums.period !== null : sums.period === null) {
      starts.set(sums.period ?? 'all', changesOf(sums).netChangeCents);
    }
  }
  return starts;
}

interface Sums {
  charges_count: number;
  charges: number;
  voids: number;
  patient_payments: number;
  insurer_payments: number;
  adjustments: number;
  refunds: number;
}

/** The rollup's numbers (the count of charges, then the cents of each metric). */
const SUMS = ['charges_count', ...DAY_SHEET_METRICS] as const satisfies readonly (keyof Sums)[];

type Values = Record<(typeof DAY_SHEET_REPORT_COLUMNS)[number]['key'], number>;

function changesOf(row: Partial<Sums> | undefined): Omit<Values, 'arStartCents' | 'arEndCents'> {
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
  const rollup = entryDays(ctx.clinicId, range.timezone);
  const results = await groupRolledUpDays<Sums>(db, ctx, rollup, range.timezone, query);
  const dimension = query.group === 'provider' ? 'provider' : query.group === 'location' ? 'location' : null;
  const starts = await arAtStart(db, ctx, rollup, query, range.timezone, dimension);
  const totalStart = [...starts.values()].reduce((total, cents) => total + cents, 0);
  // A provider/location with A/R but no entries in the range still has its row.
  if (dimension) {
    for (const key of starts.keys()) {
      if (!results.some((row) => row.period === key)) results.push({ period: key });
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
