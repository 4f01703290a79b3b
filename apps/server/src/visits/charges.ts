import { type Db, newId, schema } from '@tend/db';
import { type Charge, formatIcd10Code, splitVisit } from '@tend/domain';
import { and, asc, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import { recordPatientsAccess } from '../audit/service';
import { withdrawPaidBalanceReminders } from '../billing/balance-reminders';
import { applyUnappliedCredit } from '../billing/ledger';
import type { RequestContext } from '../context';

/**
 * Charges: what a signed visit bills, one per service line — units, fee, diagnosis pointers,
 * provider, date of service. Never deleted or changed: a line removed by an addendum voids its
 * charge, and a line added by one makes a new charge, so every amount traces to a line.
 */

const c = schema.charges;
type ChargeRow = typeof c.$inferSelect;

function toCharge(row: ChargeRow, patientName: string): Charge {
  return {
    id: row.id,
    encounterId: row.encounterId,
    serviceLineId: row.serviceLineId,
    patientId: row.patientId,
    patientName,
    providerId: row.providerId,
    locationId: row.locationId,
    serviceDate: row.serviceDate,
    code: row.code,
    codeSystem: row.codeSystem,
    description: row.description,
    units: row.units,
    unitFeeCents: row.unitFeeCents,
    amountCents: row.amountCents,
    diagnosisCodes: row.diagnosisCodes.map(formatIcd10Code),
    status: row.status,
    addendumId: row.addendumId,
    createdAt: row.createdAt.toISOString(),
    voidedAt: row.voidedAt ? row.voidedAt.toISOString() : null,
    voidReason: row.voidReason,
    payerId: row.payerId,
    insurerCents: row.insurerCents,
    patientCents: row.patientCents,
  };
}

/**
 * Locks the appointment of a visit whose charges are about to change, first thing in the
 * transaction. A charge's insert locks its patient (key share, for its foreign key) and then,
 * through 0050's triggers, the appointment (`charged`); a check-out locks the appointment and then
 * the patient (0026 keeps the patient's first visit). Taking the appointment first here makes the
 * two wait for each other instead of deadlocking.
 */
export async function lockVisitAppointment(tx: Db, appointmentId: string | null): Promise<void> {
  if (!appointmentId) return;
  const a = schema.appointments;
  await tx.select({ id: a.id }).from(a).where(eq(a.id, appointmentId)).for('no key update');
}

export async function createCharges(
  tx: Db,
  ctx: RequestContext,
  encounter: typeof schema.encounters.$inferSelect,
  lines: readonly {
    id: string;
    code: string;
    codeSystem: string;
    description: string;
    units: number;
    feeCents: number;
    diagnosisPointers: number[];
    removedByAddendumId: string | null;
  }[],
  diagnoses: readonly { position: number; code: string }[],
  addendumId: string | null,
): Promise<ChargeRow[]> {
  const billed = lines.filter((line) => !line.removedByAddendumId);
  if (!billed.length) return [];
  // Who owes what: the primary coverage on the date of service (copay once per visit: not again
  // on charges an addendum adds), else the patient (self-pay).
  const coverage = await coverageOn(tx, encounter.patientId, encounter.serviceDate);
  const portions = splitVisit(
    billed.map((line) => line.units * line.feeCents),
    coverage ? { copayCents: addendumId ? 0 : coverage.copayCents, coinsuranceBps: coverage.coinsuranceBps } : null,
  );
  const charges = await tx
    .insert(c)
    .values(
      billed.map((line, index) => ({
        id: newId(),
        clinicId: ctx.clinicId,
        encounterId: encounter.id,
        serviceLineId: line.id,
        patientId: encounter.patientId,
        providerId: encounter.providerId,
        locationId: encounter.locationId,
        serviceDate: encounter.serviceDate,
        code: line.code,
        codeSystem: line.codeSystem,
        description: line.description,
        units: line.units,
        unitFeeCents: line.feeCents,
        amountCents: line.units * line.feeCents,
        diagnosisCodes: line.diagnosisPointers.map(
          (pointer) => diagnoses.find((diagnosis) => diagnosis.position === pointer)?.code ?? '',
        ),
        addendumId,
        createdBy: ctx.userId,
        coverageId: coverage?.id ?? null,
        payerId: coverage?.payerId ?? null,
        insurerCents: portions[index].insurerCents,
        patientCents: portions[index].patientCents,
      })),
    )
    .returning();
  // A copay (or any credit) the patient paid before the visit was signed pays these charges now.
  await applyUnappliedCredit(tx, ctx, encounter.patientId, charges, encounter.id);
  return charges;
}

/** The patient's coverage of that rank (primary by default) in force on `date`, if any. */
export async function coverageOn(
  db: Db,
  patientId: string,
  date: string,
  rank: 'primary' | 'secondary' | 'tertiary' = 'primary',
) {
  const v = schema.coverages;
  const [coverage] = await db
    .select()
    .from(v)
    .where(
      and(
        eq(v.patientId, patientId),
        eq(v.rank, rank),
        lte(v.validFrom, date),
        or(isNull(v.validTo), gte(v.validTo, date)),
      ),
    )
    .limit(1);
  return coverage ?? null;
}

export async function voidCharges(tx: Db, ctx: RequestContext, serviceLineIds: string[], reason: string) {
  const voided = await tx
    .update(c)
    .set({ status: 'void', voidedAt: new Date(), voidedBy: ctx.userId, voidReason: reason })
    .where(and(eq(c.clinicId, ctx.clinicId), inArray(c.serviceLineId, serviceLineIds), eq(c.status, 'open')))
    .returning({ id: c.id });
  // An invoice left with nothing owed is not reminded of.
  await withdrawPaidBalanceReminders(
    tx,
    ctx.clinicId,
    voided.map((row) => row.id),
  );
}

export async function listCharges(
  db: Db,
  ctx: RequestContext,
  query: { encounterId?: string | undefined; patientId?: string | undefined; status?: 'open' | 'void' | undefined },
): Promise<{ items: Charge[] }> {
  const p = schema.patients;
  // A provider sees the charges of their own visits only (billing and managers see all).
  const ownProviders =
    ctx.role === 'provider'
      ? db
          .select({ id: schema.providers.id })
          .from(schema.providers)
          .where(and(eq(schema.providers.clinicId, ctx.clinicId), eq(schema.providers.userId, ctx.userId)))
      : undefined;
  const rows = await db
    .select({ charge: c, given: p.givenName, family: p.familyName })
    .from(c)
    .innerJoin(p, eq(p.id, c.patientId))
    .where(
      and(
        eq(c.clinicId, ctx.clinicId),
        ownProviders ? inArray(c.providerId, ownProviders) : undefined,
        query.encounterId ? eq(c.encounterId, query.encounterId) : undefined,
        query.patientId ? eq(c.patientId, query.patientId) : undefined,
        query.status ? eq(c.status, query.status) : undefined,
      ),
    )
    .orderBy(asc(c.serviceDate), asc(c.createdAt))
    .limit(1000);
  await recordPatientsAccess(db, ctx, 'charge.read', [...new Set(rows.map((r) => r.charge.patientId))], {
    charges: rows.length,
    query,
  });
  return { items: rows.map((r) => toCharge(r.charge, `${r.given} ${r.family}`)) };
}
