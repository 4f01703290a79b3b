import { type Db, queryRows, schema } from '@tend/db';
import { renderTemplate } from '@tend/domain';
import { eq, sql } from 'drizzle-orm';
import { patientFacingPhone } from '../clinic/service';
import { enqueueMessage, type MessagingEnv } from '../messaging/outbox';
import { addressFor, channelFor, recipientOf } from '../reminders/appointment-messages';
import { templateFor } from '../reminders/templates';

/**
 * The recall sweep: writes the recall messages the clock made due. The first goes at 09:00 (clinic
 * time) `recall_lead_days` before the due date, a second `recall_second_notice_days` after the
 * first if the recall is still waiting (0: none) — never more. A recall is claimed by raising its
 * `notices` count in the same transaction that writes the message (FOR UPDATE SKIP LOCKED: two
 * servers never take the same one), and the message's idempotency key (recall and notice number)
 * is the last word. A patient Tend cannot message (no email or mobile, opted out) is counted too:
 * the recall stays on the front desk's list as due, marked "call".
 */

const BATCH = 100;

/** Recalls whose next message is due at `now`, claimed (their count raised); cheap when none is. */
async function claimDueRecalls(tx: Db, now: Date): Promise<{ id: string; notices: number }[]> {
  const at = now.toISOString();
  return queryRows<{ id: string; notices: number }>(
    tx,
    sql`UPDATE recalls SET notices = notices + 1, last_notice_at = ${at}::timestamptz
         WHERE id IN (
           SELECT r.id FROM recalls r JOIN clinics c ON c.id = r.clinic_id
            WHERE r.status IN ('open', 'contacted') AND r.appointment_id IS NULL
              AND ((r.notices = 0
                    AND ((r.due_date - c.recall_lead_days) + time '09:00') AT TIME ZONE c.timezone <= ${at}::timestamptz)
                OR (r.notices = 1 AND c.recall_second_notice_days > 0
                    AND r.last_notice_at + make_interval(days => c.recall_second_notice_days) <= ${at}::timestamptz))
            ORDER BY r.due_date, r.id
            LIMIT ${BATCH}
            FOR UPDATE OF r SKIP LOCKED)
        RETURNING id, notices`,
  );
}

/** Writes notice number `notice` of a recall to the outbox, by the patient's preferred channel. */
async function enqueueRecallMessage(tx: Db, recallId: string, notice: number, now: Date): Promise<boolean> {
  const [row] = await tx
    .select({ recall: schema.recalls, patient: schema.patients, clinic: schema.clinics })
    .from(schema.recalls)
    .innerJoin(schema.patients, eq(schema.patients.id, schema.recalls.patientId))
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.recalls.clinicId))
    .where(eq(schema.recalls.id, recallId));
  if (!row) return false;
  const recipient = recipientOf(row.patient);
  const channel = channelFor(recipient);
  const to = channel ? addressFor(recipient, channel) : null;
  if (!channel || !to) return false;
  const template = await templateFor(tx, row.clinic.id, 'recall', channel, row.patient.preferredLanguage ?? 'en');
  const dueDate = new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    month: channel === 'sms' ? 'short' : 'long',
    day: 'numeric',
    ...(channel === 'email' ? { year: 'numeric' as const } : {}),
  }).format(new Date(`${row.recall.dueDate}T00:00:00Z`));
  const values = {
    firstName: row.patient.preferredName || row.patient.givenName,
    clinic: row.clinic.name,
    clinicPhone: (await patientFacingPhone(tx, row.clinic)) ?? '',
    dueDate,
    // Signed as the message is sent (outbox.ts), so it is only ever for a recall still waiting.
    bookLink: '{bookLink}',
  };
  const id = await enqueueMessage(tx, {
    clinicId: row.clinic.id,
    channel,
    to,
    subject: channel === 'email' ? renderTemplate(template.subject, values) : '',
    text: renderTemplate(template.body, values),
    kind: 'recall',
    patientId: row.patient.id,
    related: { type: 'recall', id: recallId },
    sendAfter: now,
    idempotencyKey: `recall:${recallId}:${notice}`,
  });
  return id !== null;
}

/** The sweep (see SWEEPS): how many recall messages it wrote. */
export async function sweepRecalls(db: Db, _env: MessagingEnv, now: Date): Promise<number> {
  let written = 0;
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const due = await claimDueRecalls(tx, now);
      for (const recall of due) {
        if (await enqueueRecallMessage(tx, recall.id, recall.notices, now)) written++;
      }
      return due.length;
    });
    if (claimed < BATCH) return written;
  }
}
