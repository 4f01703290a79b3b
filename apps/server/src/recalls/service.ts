import { type Db, schema } from '@tend/db';
import {
  AppError,
  type Recall,
  type RecallClose,
  type RecallContact,
  type RecallSettings,
  type RecallView,
  todayIn,
} from '@tend/domain';
import { and, asc, desc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import type { ClinicScope, RequestContext } from '../context';
import { withdrawMessages } from '../messaging/outbox';
import { recipientOf } from '../reminders/appointment-messages';

/**
 * Recalls: the follow-ups providers order during a visit, as the front desk works them. Open
 * until the patient is reached (a recall message sent, or a call logged: contacted), then booked
 * (the booking names the recall) or closed with a reason. Booking or closing withdraws the
 * recall's messages not yet sent.
 */

const r = schema.recalls;
const WAITING = ['open', 'contacted'] as const;

/** The day the first recall message goes: `leadDays` before the due date (clinic's local date). */
const noticeDay = sql`(${r.dueDate} - ${schema.clinics.recallLeadDays})`;

function viewFilter(view: RecallView, today: string): SQL | undefined {
  switch (view) {
    case 'due':
      return and(eq(r.status, 'open'), sql`${noticeDay} <= ${today}::date`);
    case 'upcoming':
      return and(eq(r.status, 'open'), sql`${noticeDay} > ${today}::date`);
    default:
      return eq(r.status, view);
  }
}

export async function selectRecalls(db: Db, scope: ClinicScope, where: SQL | undefined): Promise<Recall[]> {
  const p = schema.patients;
  const rows = await db
    .select({ recall: r, patient: p })
    .from(r)
    .innerJoin(p, eq(p.id, r.patientId))
    .innerJoin(schema.clinics, eq(schema.clinics.id, r.clinicId))
    .where(and(eq(r.clinicId, scope.clinicId), where))
    .orderBy(asc(r.dueDate), asc(r.createdAt))
    .limit(1000);
  const m = schema.messages;
  const messages = rows.length
    ? await db
        .select({
          relatedId: m.relatedId,
          channel: m.channel,
          status: m.status,
          createdAt: m.createdAt,
          sentAt: m.sentAt,
          error: m.error,
        })
        .from(m)
        .where(
          and(
            eq(m.clinicId, scope.clinicId),
            eq(m.relatedType, 'recall'),
            inArray(
              m.relatedId,
              rows.map((row) => row.recall.id),
            ),
          ),
        )
        .orderBy(desc(m.createdAt))
    : [];
  const lastMessage = new Map<string, (typeof messages)[number]>();
  for (const message of messages) {
    if (message.relatedId && !lastMessage.has(message.relatedId)) lastMessage.set(message.relatedId, message);
  }
  return rows.map(({ recall, patient }) => {
    const message = lastMessage.get(recall.id);
    const recipient = recipientOf(patient);
    return {
      id: recall.id,
      patientId: recall.patientId,
      patientName: `${patient.givenName} ${patient.familyName}`,
      encounterId: recall.encounterId,
      providerId: recall.providerId,
      appointmentTypeId: recall.appointmentTypeId,
      dueDate: recall.dueDate,
      reason: recall.reason,
      status: recall.status,
      appointmentId: recall.appointmentId,
      createdAt: recall.createdAt.toISOString(),
      closeReason: recall.closeReason,
      lastContact:
        recall.lastContactAt && recall.lastContactChannel
          ? {
              at: recall.lastContactAt.toISOString(),
              channel: recall.lastContactChannel,
              note: recall.lastContactNote,
            }
          : null,
      lastMessage: message
        ? {
            channel: message.channel,
            status: message.status,
            at: (message.sentAt ?? message.createdAt).toISOString(),
            error: message.error,
          }
        : null,
      reachable: Boolean(recipient.email || recipient.mobile),
    };
  });
}

/** The recall list in one view (due by default), or every recall of one visit. */
export async function listRecalls(
  db: Db,
  ctx: RequestContext,
  query: { view: RecallView; encounterId?: string | undefined },
): Promise<{ items: Recall[] }> {
  const [clinic] = await db
    .select({ timezone: schema.clinics.timezone })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const today = todayIn(clinic?.timezone ?? 'UTC');
  const where = query.encounterId ? eq(r.encounterId, query.encounterId) : viewFilter(query.view, today);
  const items = await selectRecalls(db, ctx, where);
  await recordPatientsAccess(db, ctx, 'patient.read', [...new Set(items.map((i) => i.patientId))], {
    recalls: items.length,
    ...(query.encounterId ? { encounterId: query.encounterId } : { view: query.view }),
  });
  return { items };
}

async function requireRecall(db: Db, ctx: RequestContext, id: string): Promise<Recall> {
  const [recall] = await selectRecalls(db, ctx, eq(r.id, id));
  if (!recall) throw AppError.notFound('The recall');
  return recall;
}

/** Marks the patient's waiting recall booked with `appointmentId`, in the booking's transaction. */
export async function markRecallBooked(
  tx: Db,
  scope: ClinicScope,
  id: string,
  booking: { appointmentId: string; patientId: string },
): Promise<void> {
  const [booked] = await tx
    .update(r)
    .set({ status: 'booked', appointmentId: booking.appointmentId, resolvedAt: new Date() })
    .where(
      and(
        eq(r.id, id),
        eq(r.clinicId, scope.clinicId),
        eq(r.patientId, booking.patientId),
        inArray(r.status, [...WAITING]),
        isNull(r.appointmentId),
      ),
    )
    .returning({ id: r.id });
  if (!booked) {
    throw AppError.validation([
      { path: 'followUpId', message: 'This recall is not open for this patient any more. Reload the list.' },
    ]);
  }
  await withdrawMessages(tx, scope.clinicId, { type: 'recall', id }, ['recall'], 'The recall was booked.');
}

/** Takes a recall off the list (the patient declined, moved away, booked elsewhere), with the reason. */
export async function closeRecall(db: Db, ctx: RequestContext, id: string, input: RecallClose): Promise<Recall> {
  await db.transaction(async (tx) => {
    const [closed] = await tx
      .update(r)
      .set({ status: 'closed', closeReason: input.reason, closedBy: ctx.userId, resolvedAt: new Date() })
      .where(and(eq(r.id, id), eq(r.clinicId, ctx.clinicId), inArray(r.status, [...WAITING])))
      .returning();
    if (!closed) {
      const [exists] = await tx
        .select({ status: r.status })
        .from(r)
        .where(and(eq(r.id, id), eq(r.clinicId, ctx.clinicId)));
      if (!exists) throw AppError.notFound('The recall');
      throw new AppError('conflict', `This recall is ${exists.status} already. Reload the list.`);
    }
    await withdrawMessages(tx, ctx.clinicId, { type: 'recall', id }, ['recall'], 'The recall was closed.');
    await recordAudit(tx, ctx, {
      action: 'recall.close',
      patientId: closed.patientId,
      entityType: 'recall',
      entityId: id,
    });
  });
  return requireRecall(db, ctx, id);
}

/** The front desk called the patient about the recall: it is contacted, with the call's note. */
export async function logRecallCall(db: Db, ctx: RequestContext, id: string, input: RecallContact): Promise<Recall> {
  await db.transaction(async (tx) => {
    const [contacted] = await tx
      .update(r)
      .set({
        status: 'contacted',
        lastContactAt: new Date(),
        lastContactChannel: 'phone',
        lastContactNote: input.note,
        lastContactBy: ctx.userId,
      })
      .where(and(eq(r.id, id), eq(r.clinicId, ctx.clinicId), inArray(r.status, [...WAITING])))
      .returning();
    if (!contacted) {
      const [exists] = await tx
        .select({ status: r.status })
        .from(r)
        .where(and(eq(r.id, id), eq(r.clinicId, ctx.clinicId)));
      if (!exists) throw AppError.notFound('The recall');
      throw new AppError('conflict', `This recall is ${exists.status} already. Reload the list.`);
    }
    await recordAudit(tx, ctx, {
      action: 'recall.contact',
      patientId: contacted.patientId,
      entityType: 'recall',
      entityId: id,
      details: { channel: 'phone' },
    });
  });
  return requireRecall(db, ctx, id);
}

// ---- Settings -------------------------------------------------------------------------------------

export async function getRecallSettings(db: Db, scope: ClinicScope): Promise<RecallSettings> {
  const [row] = await db
    .select({
      leadDays: schema.clinics.recallLeadDays,
      secondNoticeAfterDays: schema.clinics.recallSecondNoticeDays,
    })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, scope.clinicId));
  return row ?? { leadDays: 7, secondNoticeAfterDays: 14 };
}

/** In the caller's transaction; applies to recall messages not yet written. */
export async function putRecallSettings(tx: Db, scope: ClinicScope, settings: RecallSettings): Promise<void> {
  await tx
    .update(schema.clinics)
    .set({ recallLeadDays: settings.leadDays, recallSecondNoticeDays: settings.secondNoticeAfterDays })
    .where(eq(schema.clinics.id, scope.clinicId));
}
