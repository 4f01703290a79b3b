import { type Db, queryRows, schema } from '@tend/db';
import { AGING_BUCKETS, type AgingTotals, emptyAging, todayIn } from '@tend/domain';
import { eq, type SQL, sql } from 'drizzle-orm';
import type { RequestContext } from '../context';

/**
 * A/R aging by insurer and by patient, from the ledger's open balances (by date of service),
 * computed in the database: each open charge's balance per side (its portion − what was
 * allocated to it − what was adjusted off it, as `balancesOf` does), summed by payer or patient
 * and by bucket in one grouped query — never the clinic's charges loaded into Node.
 *
 * What was allocated and adjusted per side is kept on each charge by triggers on allocations
 * and adjustments (migration 0020), so no allocation or adjustment is read here, and only the
 * charges still owing something are (through the partial index `charges_owing_idx`).
 */

/** A side's open balance of charge `c` from its rollups (0020). */
const openOf = (side: 'insurer' | 'patient') =>
  sql.raw(`c.${side}_cents - c.${side}_allocated_cents - c.${side}_adjusted_cents`);

/**
 * The charges still owing on either side — exactly the predicate of the partial index
 * `charges_owing_idx` (0020), so that the planner reads only them.
 */
/** What a charge `c` still owes, both sides (its portions less what was allocated and adjusted). */
export const openCents = sql.raw(
  'c.insurer_cents - c.insurer_allocated_cents - c.insurer_adjusted_cents + c.patient_cents - c.patient_allocated_cents - c.patient_adjusted_cents',
);

export const owingCharge = sql.raw(`c.status = 'open'
    AND (c.insurer_cents - c.insurer_allocated_cents - c.insurer_adjusted_cents <> 0
      OR c.patient_cents - c.patient_allocated_cents - c.patient_adjusted_cents <> 0)`);

/**
 * The balance of every open charge dated up to `asOf` that still owes something, per side, with
 * its aging bucket (0…3). Charges owing nothing add nothing to any sum and are left out.
 */
export function openChargeBalances(clinicId: string, asOf: string): SQL {
  return sql`
    SELECT c.patient_id, c.payer_id, c.service_date,
      CASE WHEN ${asOf}::date - c.service_date <= 30 THEN 0
           WHEN ${asOf}::date - c.service_date <= 60 THEN 1
           WHEN ${asOf}::date - c.service_date <= 90 THEN 2 ELSE 3 END AS bucket,
      ${openOf('insurer')} AS insurer,
      ${openOf('patient')} AS patient
    FROM charges c
    WHERE c.clinic_id = ${clinicId} AND ${owingCharge} AND c.service_date <= ${asOf}::date`;
}

interface AgingSum {
  side: 'insurer' | 'patient';
  key: string;
  bucket: number;
  cents: number | string;
}

export async function arAging(db: Db, ctx: RequestContext, asOfInput?: string) {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, ctx.clinicId));
  const asOf = asOfInput ?? todayIn(clinic.timezone);
  // One pass: the insurer side by payer (charges billed to one), the patient side by patient.
  const sums = await queryRows<AgingSum>(
    db,
    sql`SELECT CASE WHEN grouping(o.payer_id) = 0 THEN 'insurer' ELSE 'patient' END AS side,
        coalesce(o.payer_id, o.patient_id)::text AS key, o.bucket,
        CASE WHEN grouping(o.payer_id) = 0 THEN sum(o.insurer) ELSE sum(o.patient) END AS cents
      FROM (${openChargeBalances(ctx.clinicId, asOf)}) o
      GROUP BY GROUPING SETS ((o.payer_id, o.bucket), (o.patient_id, o.bucket))
      HAVING (grouping(o.payer_id) = 0 AND o.payer_id IS NOT NULL AND sum(o.insurer) <> 0)
          OR (grouping(o.payer_id) = 1 AND sum(o.patient) <> 0)`,
  );
  const insurer = totalsOf(sums.filter((row) => row.side === 'insurer'));
  const patient = totalsOf(sums.filter((row) => row.side === 'patient'));
  const names = await namesOf(db, ctx.clinicId, [...insurer.rows.keys()], [...patient.rows.keys()]);
  const rows = (report: ReturnType<typeof totalsOf>) =>
    [...report.rows.entries()]
      .filter(([, totals]) => totals.total !== 0)
      .map(([id, totals]) => ({ id, name: names.get(id) ?? '', ...bucketsOf(totals) }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return {
    asOf,
    byPayer: rows(insurer),
    byPatient: rows(patient),
    totals: {
      insurer: bucketsOf(insurer.totals),
      patient: bucketsOf(patient.totals),
    },
  };
}

function totalsOf(sums: AgingSum[]) {
  const rows = new Map<string, AgingTotals>();
  const totals = emptyAging();
  for (const sum of sums) {
    const bucket = AGING_BUCKETS[Number(sum.bucket)];
    const cents = Number(sum.cents);
    const row = rows.get(sum.key) ?? emptyAging();
    row[bucket] += cents;
    row.total += cents;
    totals[bucket] += cents;
    totals.total += cents;
    rows.set(sum.key, row);
  }
  return { rows, totals };
}

/** Names of the payers and patients shown (only those with something owed). */
async function namesOf(db: Db, clinicId: string, payerIds: string[], patientIds: string[]) {
  const names = new Map<string, string>();
  const list = (ids: string[]) =>
    sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
  if (payerIds.length) {
    const rows = await queryRows<{ id: string; name: string }>(
      db,
      sql`SELECT id::text, name FROM payers WHERE clinic_id = ${clinicId} AND id IN (${list(payerIds)})`,
    );
    for (const row of rows) names.set(row.id, row.name);
  }
  if (patientIds.length) {
    const rows = await queryRows<{ id: string; name: string }>(
      db,
      sql`SELECT id::text, given_name || ' ' || family_name AS name FROM patients
          WHERE clinic_id = ${clinicId} AND id = ANY(${`{${patientIds.join(',')}}`}::uuid[])`,
    );
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}

function bucketsOf(totals: AgingTotals) {
  return {
    d0to30: totals[AGING_BUCKETS[0]],
    d31to60: totals[AGING_BUCKETS[1]],
    d61to90: totals[AGING_BUCKETS[2]],
    d90plus: totals[AGING_BUCKETS[3]],
    total: totals.total,
  };
}
