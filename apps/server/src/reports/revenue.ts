import { type Db, queryRows, schema } from '@tend/db';
import {
  addDaysTo,
  REPORT_ROWS_LIMIT,
  REVENUE_REPORT_COLUMNS,
  REVENUE_ROWS_COLUMNS,
  type ReportQuery,
  type ReportRow,
  type ReportRowsResult,
  type RevenueMetric,
  t,
  zonedTimeToInstant,
} from '@tend/domain';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { ClinicScope } from '../context';
import { rowsColumns } from './columns';
import { groupedRows } from './groups';
import { type SummableRollup, sumRolledUpDays } from './rollups';

/**
 * The Revenue report (definitions in packages/domain/src/reports/revenue.ts): the sums of per-day
 * rollups (rollups.ts; revenueDays, kept valid by the triggers of 0023), each day's being SQL
 * aggregates over the ledger rows of the day, each read through an index on its clinic and date:
 * charges by date of service (charges_clinic_idx: clinic, status, service_date), payments by date
 * received (payments_clinic_received_idx, 0018), adjustments by the instant posted
 * (adjustments_clinic_posted_idx, 0018), allocations by their payment's date received
 * (allocations_clinic_received_idx, 0018). Each drill-down metric is the same FROM/WHERE as its
 * figure, so a figure and its rows cannot disagree.
 *
 * Ledger semantics (apps/server/src/billing/ledger.ts):
 * - a voided charge owes nothing (balancesOf): it is left out; allocations and adjustments stay;
 * - a refund/reversal is a payment of the negative amount, received the day it is reversed, with
 *   negative allocations mirroring the original's;
 * - an insurer's payment pays `insurer` portions, a patient's `patient` portions (checkAllocations).
 */

interface Scope {
  clinicId: string;
  timezone: string;
  query: ReportQuery;
  /** The instants the range's first local day starts and the day after its last starts. */
  start: string;
  end: string;
}

function scopeIn(clinicId: string, timezone: string, query: ReportQuery): Scope {
  return {
    clinicId,
    timezone,
    query,
    start: new Date(zonedTimeToInstant(query.from, '00:00', timezone)).toISOString(),
    end: new Date(zonedTimeToInstant(addDaysTo(query.to, 1), '00:00', timezone)).toISOString(),
  };
}

async function clinicTimezone(db: Db, ctx: ClinicScope): Promise<string> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  return clinic.timezone;
}

async function scopeOf(db: Db, ctx: ClinicScope, query: ReportQuery): Promise<Scope> {
  return scopeIn(ctx.clinicId, await clinicTimezone(db, ctx), query);
}

const where = (conditions: Array<SQL | false | undefined>) =>
  sql.join(
    conditions.filter((c): c is SQL => Boolean(c)),
    sql` AND `,
  );

/** Where a source keeps the provider, location and service (code) of the charge an amount belongs to. */
interface ChargeKeys {
  provider: SQL;
  location: SQL;
  service: SQL;
}
const ON_CHARGES: ChargeKeys = {
  provider: sql`charges.provider_id`,
  location: sql`charges.location_id`,
  service: sql`charges.code`,
};
/** An allocation's copies of its charge's keys (0018). */
const ON_ALLOCATIONS: ChargeKeys = {
  provider: sql`allocations.provider_id`,
  location: sql`allocations.location_id`,
  service: sql`allocations.service_code`,
};

/** Provider, location and service filters: on the charge an amount belongs to. */
function chargeFilters(query: ReportQuery, keys: ChargeKeys): Array<SQL | undefined> {
  return [
    query.providerId ? sql`${keys.provider} = ${query.providerId}` : undefined,
    query.locationId ? sql`${keys.location} = ${query.locationId}` : undefined,
    query.serviceCode ? sql`upper(${keys.service}) = upper(${query.serviceCode})` : undefined,
  ];
}

/**
 * Collections need the charges a payment paid (its allocations) when filtered or grouped by
 * what only a charge has: its provider, location or service.
 */
const byAllocation = (query: ReportQuery) =>
  Boolean(query.providerId || query.locationId || query.serviceCode) ||
  query.group === 'provider' ||
  query.group === 'location' ||
  query.group === 'service';

/** Charges split into the portions owed by their insurer and by the patient (`self`). */
const byPortion = (query: ReportQuery) => query.group === 'payer' || query.payerId !== undefined;

interface Source {
  from: SQL;
  keys: ChargeKeys;
  where: SQL;
  /** The clinic-local timestamp its period comes from. */
  local: SQL;
  /** Who it is owed by / paid by: a payer id or `self`. */
  payer: SQL;
  amount: SQL;
}

function chargeSource(scope: Scope, portions = byPortion(scope.query)): Source & { counted: SQL } {
  const { query } = scope;
  // A portion belongs to its side when it holds cents; a charge of 0 belongs to its payer (or the patient).
  const payer = portions ? sql`portion.payer` : sql`coalesce(charges.payer_id::text, 'self')`;
  return {
    from: portions
      ? sql`charges CROSS JOIN LATERAL (VALUES (charges.payer_id::text, charges.insurer_cents), ('self', charges.patient_cents)) AS portion(payer, cents)`
      : sql`charges`,
    where: where([
      sql`charges.clinic_id = ${scope.clinicId}`,
      sql`charges.status = 'open'`,
      sql`charges.service_date >= ${query.from}::date`,
      sql`charges.service_date <= ${query.to}::date`,
      portions &&
        sql`(CASE WHEN portion.payer = 'self' THEN charges.patient_cents > 0 OR charges.payer_id IS NULL
                  ELSE charges.payer_id IS NOT NULL AND (charges.insurer_cents > 0 OR charges.patient_cents = 0) END)`,
      ...chargeFilters(query, ON_CHARGES),
      query.payerId ? sql`${payer} = ${query.payerId}` : undefined,
    ]),
    keys: ON_CHARGES,
    local: sql`charges.service_date::timestamp`,
    payer,
    amount: portions ? sql`portion.cents` : sql`charges.amount_cents`,
    // Each charge once, split into portions or not: its insurer portion if it has one, else the patient's.
    counted: portions
      ? sql`(portion.payer <> 'self' OR charges.payer_id IS NULL OR (charges.insurer_cents = 0 AND charges.patient_cents > 0))`
      : sql`true`,
  };
}

function adjustmentSource(scope: Scope): Source {
  const { query } = scope;
  // The insurer side of a charge without a payer (only a transfer can put cents there) is the patient's.
  const payer = sql`(CASE WHEN adjustments.responsibility = 'patient' THEN 'self' ELSE coalesce(charges.payer_id::text, 'self') END)`;
  return {
    from: sql`adjustments JOIN charges ON charges.id = adjustments.charge_id`,
    where: where([
      sql`adjustments.clinic_id = ${scope.clinicId}`,
      sql`adjustments.posted_at >= ${scope.start}::timestamptz`,
      sql`adjustments.posted_at < ${scope.end}::timestamptz`,
      ...chargeFilters(query, ON_CHARGES),
      query.payerId ? sql`${payer} = ${query.payerId}` : undefined,
    ]),
    keys: ON_CHARGES,
    local: sql`(adjustments.posted_at AT TIME ZONE ${scope.timezone})`,
    payer,
    amount: sql`adjustments.amount_cents`,
  };
}

/**
 * Payments by date received, split by who paid; or, by a provider, location or service, the
 * allocations of the payments received in the range to the matching charges — read from the
 * allocations alone, through their copies of the payment's date and payer and the charge's keys
 * (0018). An allocation's side is its payment's: a patient's pays `patient` portions, an
 * insurer's `insurer` ones (checkAllocations).
 */
function collectionSource(scope: Scope, allocated = byAllocation(scope.query)): Source & { source: SQL } {
  const { query } = scope;
  if (allocated) {
    const payer = sql`(CASE WHEN allocations.responsibility = 'patient' THEN 'self' ELSE allocations.payer_id::text END)`;
    return {
      from: sql`allocations`,
      keys: ON_ALLOCATIONS,
      where: where([
        sql`allocations.clinic_id = ${scope.clinicId}`,
        sql`allocations.received_on >= ${query.from}::date`,
        sql`allocations.received_on <= ${query.to}::date`,
        ...chargeFilters(query, ON_ALLOCATIONS),
        query.payerId ? sql`${payer} = ${query.payerId}` : undefined,
      ]),
      local: sql`allocations.received_on::timestamp`,
      payer,
      amount: sql`allocations.amount_cents`,
      source: sql`allocations.responsibility`,
    };
  }
  const payer = sql`(CASE WHEN payments.source = 'patient' THEN 'self' ELSE payments.payer_id::text END)`;
  return {
    from: sql`payments`,
    keys: ON_CHARGES,
    where: where([
      sql`payments.clinic_id = ${scope.clinicId}`,
      sql`payments.received_on >= ${query.from}::date`,
      sql`payments.received_on <= ${query.to}::date`,
      query.payerId ? sql`${payer} = ${query.payerId}` : undefined,
    ]),
    local: sql`payments.received_on::timestamp`,
    payer,
    amount: sql`payments.amount_cents`,
    source: sql`payments.source`,
  };
}

/** The dimensions other than provider and location a query needs the rollup rows keyed by. */
type Dimension = 'payer' | 'service';
function dimensionsOf(query: ReportQuery): Dimension[] {
  const dimensions: Dimension[] = [];
  if (query.group === 'payer' || query.payerId) dimensions.push('payer');
  if (query.group === 'service' || query.serviceCode) dimensions.push('service');
  return dimensions;
}

/**
 * The report's sums of the clinic-local days `from`…`to` (rollups.ts) per provider × location and
 * the query's `dimensions`: `payer` splits charges into portions (byPortion), `service` keys rows
 * by the charge's code. A row's `source` says what it sums: `ledger` the charges and adjustments,
 * `allocations` the collections allocated to charges (by provider, location or service), and
 * `payments` the payments received (with no provider or location: `''`; not kept by service, as
 * collections by service are allocations). Each is the same FROM/WHERE as the drill-down's.
 */
function revenueDays(clinicId: string, timezone: string, dimensions: Dimension[]): SummableRollup {
  const byPayer = dimensions.includes('payer');
  const byService = dimensions.includes('service');
  const keys = (source: Source) => sql`${source.keys.provider}::text, ${source.keys.location}::text,
    ${byPayer ? sql`${source.payer}::text` : sql`NULL::text`},
    ${byService ? sql`${source.keys.service}::text` : sql`NULL::text`}`;
  return {
    report: `revenue/1/${['provider', 'location', ...dimensions].join('+')}`,
    fields: { numbers: ['charges', 'chargeCount', 'chargesCounted', 'adjustments', 'patient', 'insurer', 'refunds'] },
    days: (from, to) => {
      const scope = scopeIn(clinicId, timezone, { from, to, group: 'day' });
      const ch = chargeSource(scope, byPayer);
      const ad = adjustmentSource(scope);
      const al = collectionSource(scope, true);
      const pa = collectionSource(scope, false);
      const collected = (co: typeof al) => sql`sum(${co.amount}) FILTER (WHERE ${co.source} = 'patient'),
        sum(${co.amount}) FILTER (WHERE ${co.source} = 'insurer'), -sum(${co.amount}) FILTER (WHERE ${co.amount} < 0)`;
      const payments = sql`
        UNION ALL
        SELECT 'payments', (${pa.local})::date, '', '', ${byPayer ? sql`${pa.payer}::text` : sql`NULL::text`}, NULL::text,
          NULL, NULL, NULL, NULL, ${collected(pa)}
        FROM ${pa.from} WHERE ${pa.where} GROUP BY 1, 2, 3, 4, 5, 6`;
      return sql`
        SELECT r.local_date, jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
            'source', r.source, 'provider', r.provider, 'location', r.location, 'payer', r.payer,
            'service', r.service, 'charges', r.charges, 'chargeCount', r.charge_count,
            'chargesCounted', r.charges_counted, 'adjustments', r.adjustments, 'patient', r.patient,
            'insurer', r.insurer, 'refunds', r.refunds))) AS sums
        FROM (
          SELECT s.local_date, s.source, s.provider, s.location, s.payer, s.service,
            sum(s.charges) AS charges, sum(s.charge_count) AS charge_count, sum(s.charges_counted) AS charges_counted,
            sum(s.adjustments) AS adjustments, sum(s.patient) AS patient, sum(s.insurer) AS insurer,
            sum(s.refunds) AS refunds
          FROM (
            SELECT 'ledger'::text AS source, (${ch.local})::date AS local_date, ${keys(ch)},
              sum(${ch.amount})::bigint AS charges, count(*) AS charge_count,
              count(*) FILTER (WHERE ${ch.counted}) AS charges_counted, NULL::bigint AS adjustments,
              NULL::bigint AS patient, NULL::bigint AS insurer, NULL::bigint AS refunds
            FROM ${ch.from} WHERE ${ch.where} GROUP BY 1, 2, 3, 4, 5, 6
            UNION ALL
            SELECT 'ledger', (${ad.local})::date, ${keys(ad)}, NULL, NULL, NULL, sum(${ad.amount}), NULL, NULL, NULL
            FROM ${ad.from} WHERE ${ad.where} GROUP BY 1, 2, 3, 4, 5, 6
            UNION ALL
            SELECT 'allocations', (${al.local})::date, ${keys(al)}, NULL, NULL, NULL, NULL, ${collected(al)}
            FROM ${al.from} WHERE ${al.where} GROUP BY 1, 2, 3, 4, 5, 6
            ${byService ? sql`` : payments}
          ) s (source, local_date, provider, location, payer, service, charges, charge_count, charges_counted,
               adjustments, patient, insurer, refunds)
          GROUP BY 1, 2, 3, 4, 5, 6
        ) r
        GROUP BY r.local_date`;
    },
  };
}

interface Sums {
  charges: number;
  chargeCount: number;
  chargesCounted: number;
  adjustments: number;
  patient: number;
  insurer: number;
  refunds: number;
}

export async function revenueReport(db: Db, ctx: ClinicScope, query: ReportQuery) {
  const timezone = await clinicTimezone(db, ctx);
  const dimensions = dimensionsOf(query);
  // Collections by provider, location or service are the allocations, else the payments.
  const unused = byAllocation(query) ? 'payments' : 'allocations';
  const service = query.serviceCode?.toUpperCase();
  const payerId = query.payerId;
  const grouped = await sumRolledUpDays<Sums>(
    db,
    ctx,
    revenueDays(ctx.clinicId, timezone, dimensions),
    timezone,
    query,
    query.group,
    {
      ...query,
      where: (field) => sql`${field('source')} <> ${unused}
        ${payerId ? sql`AND ${field('payer')} = ${payerId}` : sql``}
        ${service ? sql`AND upper(${field('service')}) = ${service}` : sql``}`,
    },
  );

  // Grouped by payer, a charge split between an insurer and its patient counts in both rows; the
  // total counts it once.
  const figures = (row: (typeof grouped)[number] | undefined): ReportRow['values'] => {
    const charges = row?.charges ?? 0;
    const adjustments = row?.adjustments ?? 0;
    const patient = row?.patient ?? 0;
    const insurer = row?.insurer ?? 0;
    const counted = row?.period === null && query.group === 'payer' && !query.payerId;
    return {
      charges,
      chargeCount: (counted ? row?.chargesCounted : row?.chargeCount) ?? 0,
      adjustments,
      net: charges - adjustments,
      collectionsPatient: patient,
      collectionsInsurer: insurer,
      collections: patient + insurer,
      refunds: row?.refunds ?? 0,
    };
  };
  return {
    timezone,
    columns: REVENUE_REPORT_COLUMNS,
    rows: await groupedRows(db, ctx, query, grouped, figures),
    totals: figures(grouped.find((row) => row.period === null)),
  };
}

interface LedgerRow {
  id: string;
  patient_id: string | null;
  date: string;
  entry: string;
  given_name: string | null;
  family_name: string | null;
  payer: string | null;
  code: string | null;
  description: string | null;
  provider: string | null;
  location: string | null;
  amount: unknown;
}

/** The FROM/WHERE of a metric's rows, what each row adds to its figure, and how to list them. */
function metricRows(scope: Scope, metric: RevenueMetric) {
  if (metric === 'charges') {
    const ch = chargeSource(scope);
    return {
      from: ch.from,
      where: ch.where,
      order: sql`charges.service_date, charges.id`,
      select: sql`charges.id, charges.patient_id, charges.service_date::text AS date, 'charge' AS entry,
                  ${ch.payer} AS payer_key, ${ch.amount} AS amount, charges.id AS charge_id`,
    };
  }
  if (metric === 'adjustments') {
    const ad = adjustmentSource(scope);
    return {
      from: ad.from,
      where: ad.where,
      order: sql`adjustments.posted_at, adjustments.id`,
      select: sql`adjustments.id, charges.patient_id, (${ad.local})::date::text AS date, adjustments.kind AS entry,
                  ${ad.payer} AS payer_key, ${ad.amount} AS amount, charges.id AS charge_id`,
    };
  }
  const co = collectionSource(scope);
  const allocated = byAllocation(scope.query);
  const condition =
    metric === 'collections_patient'
      ? sql`${co.source} = 'patient'`
      : metric === 'collections_insurer'
        ? sql`${co.source} = 'insurer'`
        : metric === 'refunds'
          ? sql`${co.amount} < 0`
          : sql`true`;
  if (allocated) {
    return {
      from: sql`allocations JOIN payments ON payments.id = allocations.payment_id`,
      where: sql`${co.where} AND ${condition}`,
      order: sql`allocations.received_on, payments.posted_at, allocations.id`,
      select: sql`allocations.id, NULL::uuid AS patient_id, allocations.received_on::text AS date,
                  CASE WHEN allocations.amount_cents < 0 THEN 'refund' ELSE 'applied' END AS entry,
                  ${co.payer} AS payer_key,
                  ${metric === 'refunds' ? sql`-${co.amount}` : co.amount} AS amount,
                  allocations.charge_id`,
    };
  }
  return {
    from: co.from,
    where: sql`${co.where} AND ${condition}`,
    order: sql`payments.received_on, payments.posted_at, payments.id`,
    select: sql`payments.id, payments.patient_id, payments.received_on::text AS date,
                CASE WHEN payments.amount_cents < 0 THEN 'refund' ELSE 'payment' END AS entry,
                ${co.payer} AS payer_key,
                ${metric === 'refunds' ? sql`-${co.amount}` : co.amount} AS amount,
                NULL::uuid AS charge_id`,
  };
}

const ENTRY_LABELS: Record<string, Parameters<typeof t>[0]> = {
  charge: 'reports.revenue.entry.charge',
  payment: 'reports.revenue.entry.payment',
  applied: 'reports.revenue.entry.applied',
  refund: 'reports.revenue.entry.refund',
  contractual: 'reports.revenue.entry.contractual',
  discount: 'reports.revenue.entry.discount',
  bad_debt: 'reports.revenue.entry.bad_debt',
  transfer: 'reports.revenue.entry.transfer',
  correction: 'reports.revenue.entry.correction',
};

/** The charges, adjustments or payments behind one figure: the same range, filters and source. */
export async function revenueReportRows(
  db: Db,
  ctx: ClinicScope,
  query: ReportQuery & { metric: RevenueMetric },
): Promise<ReportRowsResult> {
  const scope = await scopeOf(db, ctx, query);
  const m = metricRows(scope, query.metric);
  const [{ total }] = await queryRows<{ total: unknown }>(
    db,
    sql`SELECT count(*) AS total FROM ${m.from} WHERE ${m.where}`,
  );
  const rows = await queryRows<LedgerRow>(
    db,
    sql`SELECT r.id, coalesce(r.patient_id, c.patient_id) AS patient_id, r.date, r.entry, r.amount, pt.given_name, pt.family_name,
               CASE WHEN r.payer_key = 'self' THEN NULL ELSE py.name END AS payer,
               r.payer_key, c.code, c.description, pr.name AS provider, l.name AS location
        FROM (SELECT ${m.select} FROM ${m.from} WHERE ${m.where} ORDER BY ${m.order} LIMIT ${REPORT_ROWS_LIMIT}) r
        LEFT JOIN patients pt ON pt.id = r.patient_id
        LEFT JOIN payers py ON py.id::text = r.payer_key
        LEFT JOIN charges c ON c.id = r.charge_id
        LEFT JOIN providers pr ON pr.id = c.provider_id
        LEFT JOIN locations l ON l.id = c.location_id
        ORDER BY r.date, r.id`,
  );
  const self = t('reports.payer.self');
  return {
    total: Number(total),
    columns: rowsColumns(REVENUE_ROWS_COLUMNS),
    items: rows.map((row) => ({
      id: row.id,
      patientId: row.patient_id,
      values: {
        date: row.date,
        entry: ENTRY_LABELS[row.entry] ? t(ENTRY_LABELS[row.entry]) : row.entry,
        patient: row.given_name === null ? null : `${row.given_name} ${row.family_name}`,
        payer: row.payer ?? self,
        service: row.code === null ? null : `${row.code} ${row.description}`,
        provider: row.provider,
        location: row.location,
        amount: Number(row.amount),
      },
    })),
  };
}
