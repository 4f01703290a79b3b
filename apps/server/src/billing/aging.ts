import { type Db, queryRows, queryRowsWithoutJit, schema } from '@tend/db';
import {
  AGING_BUCKETS,
  type AgingTotals,
  type ArAging,
  type ArAgingQuery,
  emptyAging,
  normalizeName,
  todayIn,
  zArAgingQuery,
} from '@tend/domain';
import { eq, type SQL, sql } from 'drizzle-orm';
import { recordPatientsAccess } from '../audit/service';
import type { RequestContext } from '../context';

/**
 * A/R aging by insurer and by patient, from the ledger's open balances by date of service: each
 * open charge's balance per side is its portion − what was allocated to it − what was adjusted
 * off it (as `balancesOf` does), kept on the charge by triggers on allocations and adjustments
 * (0020).
 *
 * Those balances are also rolled up by triggers on charges (0022), in the transaction of every
 * change: per clinic × date of service × payer (`ar_open_by_date`, a few thousand rows: the
 * bucket totals and the payers' rows) and per patient (`ar_open_by_patient`: the patient list,
 * paged by balance). Only the patients of the page shown have their own owing charges read, for
 * their bucket split.
 */

/** A side's open balance of charge `c` from its rollups (0020). */
const openOf = (side: 'insurer' | 'patient') =>
  sql.raw(`c.${side}_cents - c.${side}_allocated_cents - c.${side}_adjusted_cents`);

/** What a charge `c` still owes, both sides (its portions less what was allocated and adjusted). */
export const openCents = sql.raw(
  'c.insurer_cents - c.insurer_allocated_cents - c.insurer_adjusted_cents + c.patient_cents - c.patient_allocated_cents - c.patient_adjusted_cents',
);

/**
 * The charges still owing on either side — exactly the predicate of the partial index
 * `charges_owing_idx` (0020), so that the planner reads only them.
 */
export const owingCharge = sql.raw(`c.status = 'open'
    AND (c.insurer_cents - c.insurer_allocated_cents - c.insurer_adjusted_cents <> 0
      OR c.patient_cents - c.patient_allocated_cents - c.patient_adjusted_cents <> 0)`);

/** Which bucket (0…3) a date of service `date` falls in, as of `asOf`. */
const bucketOf = (date: SQL, asOf: string) => sql`CASE WHEN ${asOf}::date - ${date} <= 30 THEN 0
  WHEN ${asOf}::date - ${date} <= 60 THEN 1
  WHEN ${asOf}::date - ${date} <= 90 THEN 2 ELSE 3 END`;

interface BucketSum {
  key: string | null;
  bucket: number;
  insurer: number | string;
  patient: number | string;
}

/**
 * The clinic's open balances as of `asOf`, by payer and bucket, from the date × payer rollup:
 * the insurer side by payer (charges billed to one) and the patient side's total. The billing
 * dashboard's A/R tile reads only this.
 */
export async function agingTotals(db: Db, clinicId: string, asOf: string) {
  const sums = await queryRows<BucketSum>(
    db,
    sql`SELECT r.payer_id::text AS key, ${bucketOf(sql`r.service_date`, asOf)} AS bucket,
          sum(r.insurer_cents) AS insurer, sum(r.patient_cents) AS patient
        FROM ar_open_by_date r
        WHERE r.clinic_id = ${clinicId} AND r.service_date <= ${asOf}::date
        GROUP BY 1, 2`,
  );
  const byPayer = totalsOf(
    sums
      .filter((sum) => sum.key !== null)
      .map((sum) => ({ key: sum.key as string, bucket: sum.bucket, cents: sum.insurer })),
  );
  const patient = totalsOf(sums.map((sum) => ({ key: '', bucket: sum.bucket, cents: sum.patient })));
  return { byPayer, insurer: byPayer.totals, patient: patient.totals };
}

export async function arAging(db: Db, ctx: RequestContext, input: ArAgingQuery = {}): Promise<ArAging> {
  const query = zArAgingQuery.parse(input);
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, ctx.clinicId));
  const asOf = query.asOf ?? todayIn(clinic.timezone);
  const totals = await agingTotals(db, ctx.clinicId, asOf);
  const later = await hasLaterCharges(db, ctx.clinicId, asOf);
  const balances = patientBalances(ctx.clinicId, asOf, later);
  const { page, count } = await patientPage(db, balances, query, later);
  const split = await patientBuckets(
    db,
    ctx.clinicId,
    asOf,
    page.map((row) => row.id),
  );
  const payerNames = await namesOf(db, ctx.clinicId, [...totals.byPayer.rows.keys()]);
  await recordPatientsAccess(
    db,
    ctx,
    'balance.read',
    page.map((row) => row.id),
    { report: 'ar_aging', asOf },
  );
  return {
    asOf,
    byPayer: [...totals.byPayer.rows.entries()]
      .filter(([, row]) => row.total !== 0)
      .map(([id, row]) => ({ id, name: payerNames.get(id) ?? '', ...bucketsOf(row) }))
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    byPatient: page.map((row) => ({ id: row.id, name: row.name, ...bucketsOf(split.get(row.id) ?? emptyAging()) })),
    patientCount: count,
    totals: { insurer: bucketsOf(totals.insurer), patient: bucketsOf(totals.patient) },
  };
}

/**
 * Each patient's open balance (patient side) as of `asOf`: the per-patient rollup (every date),
 * less what the owing charges dated after `asOf` add to it (none when `asOf` is today, unless
 * charges are dated in the future; few for a recent date) — so the list is ordered by the
 * balance as of that date.
 */
function patientBalances(clinicId: string, asOf: string, laterCharges: boolean): SQL {
  if (!laterCharges) {
    return sql`SELECT r.patient_id, r.patient_cents AS total FROM ar_open_by_patient r
      WHERE r.clinic_id = ${clinicId} AND r.patient_cents <> 0`;
  }
  // The later charges' patient side per patient (a few patients for a recent date), joined to the
  // rollup's owing patients by a hash on that small side: the rollup's rows are read once and
  // never grouped (a GROUP BY over the union of both grouped every owing patient of the clinic).
  return sql`SELECT coalesce(r.patient_id, d.patient_id) AS patient_id,
      coalesce(r.patient_cents, 0) - coalesce(d.cents, 0) AS total
    FROM (SELECT r.patient_id, r.patient_cents FROM ar_open_by_patient r
          WHERE r.clinic_id = ${clinicId} AND r.patient_cents <> 0) r
    FULL JOIN (SELECT c.patient_id, sum(${openOf('patient')}) AS cents FROM charges c
          WHERE c.clinic_id = ${clinicId} AND ${owingCharge} AND c.service_date > ${asOf}::date
            AND ${openOf('patient')} <> 0
          GROUP BY c.patient_id) d ON d.patient_id = r.patient_id
    WHERE coalesce(r.patient_cents, 0) - coalesce(d.cents, 0) <> 0`;
}

type PageQuery = ReturnType<typeof zArAgingQuery.parse>;

/** Whether any charge dated after `asOf` still owes (through `charges_owing_idx`). */
async function hasLaterCharges(db: Db, clinicId: string, asOf: string) {
  const [row] = await queryRows<{ later: boolean }>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM charges c
          WHERE c.clinic_id = ${clinicId} AND ${owingCharge} AND c.service_date > ${asOf}::date) AS later`,
  );
  return row.later;
}

/** Patients `p` whose name has a word starting with the query (as the patient search does). */
function nameMatches(query: string | undefined): SQL | undefined {
  const name = query ? normalizeName(query) : '';
  if (!name) return undefined;
  return sql`(p.search_name LIKE ${`${name}%`} OR p.search_name LIKE ${`% ${name}%`})`;
}

/**
 * One page of the patients who owe, largest balance first, then by name, and how many owe
 * (matching the name query, if any). As of a past date (`later`: owing charges dated after it)
 * and without a name to match, every patient's balance is computed once for both (the page and
 * the count each computed it before), and the page lies among the patients whose balance is at
 * least the (offset + limit)-th largest (all of them if fewer owe): only those have their names
 * read, one by one, for the order's ties — not the whole patients table joined to every patient
 * who owes. Otherwise the rollup's index gives the balance order.
 */
async function patientPage(db: Db, balances: SQL, query: PageQuery, later: boolean) {
  const named = nameMatches(query.patientQuery);
  if (named || !later) {
    // Side by side (own connections on PostgreSQL).
    const [page, count] = await Promise.all([
      queryRows<{ id: string; name: string }>(
        db,
        sql`SELECT o.patient_id::text AS id, p.given_name || ' ' || p.family_name AS name
            FROM (${balances}) o JOIN patients p ON p.id = o.patient_id
            WHERE ${named ?? sql`TRUE`}
            ORDER BY o.total DESC, p.given_name || ' ' || p.family_name, o.patient_id
            LIMIT ${query.patientLimit} OFFSET ${query.patientOffset}`,
      ),
      patientCount(db, balances, named),
    ]);
    return { page, count };
  }
  // The planner prices the name lookups for every patient who owes (it cannot know how few pass
  // the cut), which crosses jit_above_cost: compiling took ≈0.5 s of a 0.66 s query.
  const rows = await queryRowsWithoutJit<{ id: string | null; name: string | null; count: number | string }>(
    db,
    sql`WITH o AS MATERIALIZED (${balances}),
        cut AS (SELECT o.total FROM o ORDER BY o.total DESC
                LIMIT 1 OFFSET ${query.patientOffset + query.patientLimit - 1}),
        page AS (
          SELECT t.patient_id, t.total, t.name FROM (
            SELECT o.patient_id, o.total,
              (SELECT p.given_name || ' ' || p.family_name FROM patients p WHERE p.id = o.patient_id) AS name
            FROM o WHERE o.total >= ALL (SELECT cut.total FROM cut)) t
          WHERE t.name IS NOT NULL
          ORDER BY t.total DESC, t.name, t.patient_id
          LIMIT ${query.patientLimit} OFFSET ${query.patientOffset})
      SELECT c.count, page.patient_id::text AS id, page.name
      FROM (SELECT count(*) AS count FROM o) c LEFT JOIN page ON true
      ORDER BY page.total DESC, page.name, page.patient_id`,
  );
  return {
    page: rows.filter((row) => row.id !== null) as Array<{ id: string; name: string }>,
    count: Number(rows[0].count),
  };
}

/** How many patients owe (matching the name query `named`, if any). */
async function patientCount(db: Db, balances: SQL, named: SQL | undefined) {
  const [row] = await queryRows<{ count: number | string }>(
    db,
    named
      ? sql`SELECT count(*) AS count FROM (${balances}) o JOIN patients p ON p.id = o.patient_id WHERE ${named}`
      : sql`SELECT count(*) AS count FROM (${balances}) o`,
  );
  return Number(row.count);
}

/** The bucket split of the patients shown, from their own owing charges (`charges_patient_idx`). */
async function patientBuckets(db: Db, clinicId: string, asOf: string, patientIds: string[]) {
  if (!patientIds.length) return new Map<string, AgingTotals>();
  const sums = await queryRows<{ key: string; bucket: number; cents: number | string }>(
    db,
    sql`SELECT c.patient_id::text AS key, ${bucketOf(sql`c.service_date`, asOf)} AS bucket,
          sum(${openOf('patient')}) AS cents
        FROM charges c
        WHERE c.patient_id = ANY(${`{${patientIds.join(',')}}`}::uuid[]) AND c.clinic_id = ${clinicId}
          AND ${owingCharge} AND c.service_date <= ${asOf}::date
        GROUP BY 1, 2`,
  );
  return totalsOf(sums).rows;
}

function totalsOf(sums: { key: string; bucket: number; cents: number | string }[]) {
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

/** Names of the payers shown (only those with something owed). */
async function namesOf(db: Db, clinicId: string, payerIds: string[]) {
  const names = new Map<string, string>();
  if (!payerIds.length) return names;
  const rows = await queryRows<{ id: string; name: string }>(
    db,
    sql`SELECT id::text, name FROM payers WHERE clinic_id = ${clinicId} AND id = ANY(${`{${payerIds.join(',')}}`}::uuid[])`,
  );
  for (const row of rows) names.set(row.id, row.name);
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
