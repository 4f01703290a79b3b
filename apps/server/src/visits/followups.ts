import { type Db, newId, schema } from '@tend/db';
import { AppError, type FollowUpCreate, type Recall } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { accessDetails } from '../patients/access';
import { selectRecalls } from '../recalls/service';
import { requireType } from '../scheduling/shared';
import { requireEncounterAccess } from './encounters';

/**
 * "Return in 2 weeks for X": the follow-ups a provider orders during a visit. Each is a recall on
 * the front desk's list (recalls/), messaged to the patient when it comes due.
 */

const f = schema.recalls;

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
): Promise<Recall> {
  const { row: encounter, access } = await requireEncounterAccess(db, ctx, encounterId);
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
      entityType: 'recall',
      entityId: id,
      details: accessDetails(access, { encounterId, dueDate }),
    });
  });
  const [item] = await selectRecalls(db, ctx, eq(f.id, id));
  return item;
}
