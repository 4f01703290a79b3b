import { type Db, newId, schema } from '@tend/db';
import { AppError, type FollowUp, type FollowUpCreate } from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import type { RequestContext } from '../context';
import { requireType } from '../scheduling/shared';
import { requireEncounter } from './encounters';

/** "Return in 2 weeks for X": follow-ups the provider asks for, the front desk's to-book list. */

const f = schema.followUps;

/** `YYYY-MM-DD` plus whole weeks or calendar months (the 31st becomes the month's last day). */
export function dueDateFrom(serviceDate: string, input: { inWeeks?: number; inMonths?: number }): string {
  const [y, m, d] = serviceDate.split('-').map(Number);
  if (input.inWeeks) return new Date(Date.UTC(y, m - 1, d + input.inWeeks * 7)).toISOString().slice(0, 10);
  const months = input.inMonths ?? 0;
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

export async function createFollowUp(
  db: Db,
  ctx: RequestContext,
  encounterId: string,
  input: FollowUpCreate,
): Promise<FollowUp> {
  const encounter = await requireEncounter(db, ctx, encounterId);
  if (input.appointmentTypeId) await requireType(db, ctx, input.appointmentTypeId);
  const dueDate = input.dueDate ?? dueDateFrom(encounter.serviceDate, input);
  if (dueDate < encounter.serviceDate) {
    throw AppError.validation([{ path: 'dueDate', message: 'A follow-up is due after the visit.' }]);
  }
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(f).values({
      id,
      clinicId: ctx.clinicId,
      patientId: encounter.patientId,
      encounterId,
      providerId: encounter.providerId,
      appointmentTypeId: input.appointmentTypeId ?? null,
      dueDate,
      reason: input.reason,
      createdBy: ctx.userId,
    });
    await recordAudit(tx, ctx, {
      action: 'follow_up.create',
      patientId: encounter.patientId,
      entityType: 'follow_up',
      entityId: id,
      details: { encounterId, dueDate },
    });
  });
  const [item] = await selectFollowUps(db, ctx, eq(f.id, id));
  return item;
}

async function selectFollowUps(db: Db, ctx: RequestContext, where: ReturnType<typeof eq>): Promise<FollowUp[]> {
  const p = schema.patients;
  const rows = await db
    .select({ followUp: f, given: p.givenName, family: p.familyName })
    .from(f)
    .innerJoin(p, eq(p.id, f.patientId))
    .where(and(eq(f.clinicId, ctx.clinicId), where))
    .orderBy(asc(f.dueDate), asc(f.createdAt))
    .limit(1000);
  return rows.map(({ followUp, given, family }) => ({
    id: followUp.id,
    patientId: followUp.patientId,
    patientName: `${given} ${family}`,
    encounterId: followUp.encounterId,
    providerId: followUp.providerId,
    appointmentTypeId: followUp.appointmentTypeId,
    dueDate: followUp.dueDate,
    reason: followUp.reason,
    status: followUp.status,
    appointmentId: followUp.appointmentId,
    createdAt: followUp.createdAt.toISOString(),
  }));
}

export async function listFollowUps(
  db: Db,
  ctx: RequestContext,
  query: { status: 'open' | 'booked' | 'dismissed' },
): Promise<{ items: FollowUp[] }> {
  const items = await selectFollowUps(db, ctx, eq(f.status, query.status));
  await recordPatientsAccess(db, ctx, 'patient.read', [...new Set(items.map((i) => i.patientId))], {
    followUps: items.length,
    status: query.status,
  });
  return { items };
}

/** Marks the patient's open follow-up booked with `appointmentId`, in the booking's transaction. */
export async function markFollowUpBooked(
  tx: Db,
  ctx: RequestContext,
  id: string,
  booking: { appointmentId: string; patientId: string },
): Promise<void> {
  const [booked] = await tx
    .update(f)
    .set({ status: 'booked', appointmentId: booking.appointmentId, resolvedAt: new Date() })
    .where(and(eq(f.id, id), eq(f.clinicId, ctx.clinicId), eq(f.patientId, booking.patientId), eq(f.status, 'open')))
    .returning({ id: f.id });
  if (!booked) {
    throw AppError.validation([
      { path: 'followUpId', message: 'This follow-up is not open for this patient any more. Reload the list.' },
    ]);
  }
}

export async function dismissFollowUp(db: Db, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [dismissed] = await tx
      .update(f)
      .set({ status: 'dismissed', resolvedAt: new Date() })
      .where(and(eq(f.id, id), eq(f.clinicId, ctx.clinicId), eq(f.status, 'open')))
      .returning();
    if (!dismissed) throw AppError.notFound('The open follow-up');
    await recordAudit(tx, ctx, {
      action: 'follow_up.dismiss',
      patientId: dismissed.patientId,
      entityType: 'follow_up',
      entityId: id,
    });
  });
}
