import { type Db, schema } from '@tend/db';
import { AGING_BUCKETS, type AgingTotals, agingReport, todayIn } from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../context';
import { openBalances } from './ledger';

/** A/R aging by insurer and by patient, from the ledger's open balances (by date of service). */
export async function arAging(db: Db, ctx: RequestContext, asOfInput?: string) {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, ctx.clinicId));
  const asOf = asOfInput ?? todayIn(clinic.timezone);
  const open = await openBalances(db, ctx);
  const [payers, patients] = await Promise.all([
    db
      .select({ id: schema.payers.id, name: schema.payers.name })
      .from(schema.payers)
      .where(eq(schema.payers.clinicId, ctx.clinicId)),
    db
      .select({ id: schema.patients.id, given: schema.patients.givenName, family: schema.patients.familyName })
      .from(schema.patients)
      .where(eq(schema.patients.clinicId, ctx.clinicId)),
  ]);
  const insurer = agingReport(
    open
      .filter(({ charge }) => charge.serviceDate <= asOf && charge.payerId)
      .map(({ charge, balance }) => ({
        key: charge.payerId ?? '',
        amountCents: balance.insurer,
        since: charge.serviceDate,
      })),
    asOf,
  );
  const patient = agingReport(
    open
      .filter(({ charge }) => charge.serviceDate <= asOf)
      .map(({ charge, balance }) => ({
        key: charge.patientId,
        amountCents: balance.patient,
        since: charge.serviceDate,
      })),
    asOf,
  );
  const payerName = new Map(payers.map((p) => [p.id, p.name]));
  const patientName = new Map(patients.map((p) => [p.id, `${p.given} ${p.family}`]));
  const rows = (report: ReturnType<typeof agingReport>, name: Map<string, string>) =>
    [...report.rows.entries()]
      .filter(([, totals]) => totals.total !== 0)
      .map(([id, totals]) => ({ id, name: name.get(id) ?? '', ...bucketsOf(totals) }))
      .sort((a, b) => b.total - a.total);
  return {
    asOf,
    byPayer: rows(insurer, payerName),
    byPatient: rows(patient, patientName),
    totals: {
      insurer: bucketsOf(insurer.totals),
      patient: bucketsOf(patient.totals),
    },
  };
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
