import { type Db, schema } from '@tend/db';
import { AppError, type EmailStatus, type MessageSummary } from '@tend/domain';
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { getMessageSummary } from './log';

/**
 * Sending a failed message again: it goes back to the queue as it was first written (same
 * idempotency key, attempts from zero), and the worker sends it like any other — its links signed
 * afresh, withdrawn if its appointment is no longer booked, a text held until quiet hours end.
 */

const WHY_NOT: Record<Exclude<EmailStatus, 'failed'>, string> = {
  queued: 'it is waiting to be sent',
  sending: 'it is being sent right now',
  sent: 'it was sent',
  captured: 'it was kept in the outbox (captured) rather than sent',
  withdrawn: 'it was withdrawn',
};

export async function retryMessage(db: Db, ctx: RequestContext, id: string): Promise<MessageSummary> {
  const m = schema.messages;
  await db.transaction(async (tx) => {
    // One statement claims it (failed → queued): two retries at once queue it once.
    const [row] = await tx
      .update(m)
      .set({ status: 'queued', attempts: 0, error: null, sendAfter: new Date(), lockedUntil: null, claimedBy: null })
      .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId), eq(m.status, 'failed')))
      .returning({ patientId: m.patientId, channel: m.channel, kind: m.kind });
    if (!row) {
      const [existing] = await tx
        .select({ status: m.status })
        .from(m)
        .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId)));
      if (!existing) throw AppError.notFound('The message');
      const why = WHY_NOT[existing.status as Exclude<EmailStatus, 'failed'>] ?? `it is ${existing.status}`;
      throw new AppError('conflict', `Only a failed message can be sent again; ${why}.`);
    }
    // Who was written to and how — never the text.
    await recordAudit(tx, ctx, {
      action: 'message.retry',
      patientId: row.patientId,
      entityType: 'message',
      entityId: id,
      details: { channel: row.channel, kind: row.kind },
    });
  });
  return getMessageSummary(db, ctx, id);
}
