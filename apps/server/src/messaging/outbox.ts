import { type Db, newId, queryRows, schema } from '@tend/db';
import { afterQuietHours } from '@tend/domain';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { openSecret } from '../email/secret-box';
import { deliveryFor, type EmailEnv, loadEmailSettings } from '../email/settings';
import { deliverOverSmtp } from '../email/transport';
import { isTrainingClinic } from '../training/clinic';
import { signLink } from './links';
import { sendSms } from './sms-gateway';
import { runSweeps, SWEEPS, type Sweep } from './sweeps';

/**
 * The outbox worker. Messages are rows (`messages`), written in the transaction of whatever
 * caused them. A worker claims due rows with one UPDATE … FOR UPDATE SKIP LOCKED (committed before
 * anything is sent, so another worker — another server process — skips them), delivers each, and
 * records the outcome: sent or captured; a retryable failure goes back to the queue with backoff;
 * after the last attempt it is `failed` with the reason. A worker that dies mid-send leaves its
 * rows `sending` until the lease ends; another worker then sends them again with the same
 * idempotency key (the SMS gateway answers with the first text) and Message-ID.
 */

export type MessageRow = typeof schema.messages.$inferSelect;
export type MessagingEnv = EmailEnv & {
  /** Where patients reach Tend: the base of the links in messages (TEND_PUBLIC_URL). */
  publicUrl: string;
  /**
   * TEND_BACKUP_DIR, where the evening's downtime kit is written (the running server passes its
   * config); without it that sweep does nothing.
   */
  backupDir?: string;
};

export const MAX_ATTEMPTS = 5;
/** Wait after attempt n (1-based) before the next one. */
const BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
const LEASE_MS = 2 * 60_000;
const OPTED_OUT_OF_TEXTS = 'The patient opted out of texts.';

export function retryDelayMs(attempt: number): number {
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1] ?? BACKOFF_MS[0];
}

export type Delivery =
  | { status: 'sent' | 'captured'; providerMessageId: string | null }
  | { status: 'failed'; error: string; retryable: boolean };

export interface QueuedMessage {
  clinicId: string;
  channel: 'email' | 'sms';
  /** An email address, or an E.164 phone number for a text. */
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  kind?: string | null;
  patientId?: string | null;
  related?: { type: string; id: string } | null;
  ruleId?: string | null;
  sendAfter?: Date;
  /** One message per key and clinic: enqueueing it again does nothing. */
  idempotencyKey?: string | null;
  createdBy?: string | null;
  attachments?: { filename: string; contentType: string; content: Buffer }[];
}

/** Adds a message to the outbox (in the caller's transaction). Null when its key is queued already. */
export async function enqueueMessage(tx: Db, message: QueuedMessage): Promise<string | null> {
  const [id] = await enqueueMessages(tx, [message]);
  return id;
}

/**
 * Adds several messages (a booking's notice and reminders) in two statements, whatever their
 * number: the rows, then the attachments of those written. Each id, or null where the key was
 * queued already.
 */
export async function enqueueMessages(tx: Db, messages: QueuedMessage[]): Promise<Array<string | null>> {
  if (!messages.length) return [];
  const ids = messages.map(() => newId());
  const inserted = await tx
    .insert(schema.messages)
    .values(
      messages.map((message, k) => ({
        id: ids[k],
        clinicId: message.clinicId,
        channel: message.channel,
        kind: message.kind ?? null,
        patientId: message.patientId ?? null,
        toAddress: message.to,
        subject: message.subject,
        textBody: message.text,
        htmlBody: message.html ?? null,
        relatedType: message.related?.type ?? null,
        relatedId: message.related?.id ?? null,
        ruleId: message.ruleId ?? null,
        sendAfter: message.sendAfter ?? new Date(),
        idempotencyKey: message.idempotencyKey ?? null,
        createdBy: message.createdBy ?? null,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: schema.messages.id });
  const written = new Set(inserted.map((row) => row.id));
  const attachments = messages.flatMap((message, k) =>
    written.has(ids[k])
      ? (message.attachments ?? []).map((a, position) => ({
          messageId: ids[k],
          position,
          clinicId: message.clinicId,
          filename: a.filename,
          contentType: a.contentType,
          sizeBytes: a.content.byteLength,
          content: a.content,
        }))
      : [],
  );
  if (attachments.length) await tx.insert(schema.messageAttachments).values(attachments);
  return ids.map((id) => (written.has(id) ? id : null));
}

/**
 * Withdraws the still-unsent messages about a record (e.g. an appointment's reminders before a
 * move): those queued, and those that failed, which speak of the record as it was and so may no
 * longer be sent again.
 */
export async function withdrawMessages(
  tx: Db,
  clinicId: string,
  related: { type: string; id: string },
  kinds: readonly string[],
  reason: string,
): Promise<number> {
  const rows = await tx
    .update(schema.messages)
    .set({ status: 'withdrawn', withdrawnReason: reason, lockedUntil: null })
    .where(
      and(
        eq(schema.messages.clinicId, clinicId),
        eq(schema.messages.relatedType, related.type),
        eq(schema.messages.relatedId, related.id),
        inArray(schema.messages.kind, [...kinds]),
        inArray(schema.messages.status, ['queued', 'failed']),
      ),
    )
    .returning({ id: schema.messages.id });
  return rows.length;
}

/** Withdraws the queued messages of one channel to these patients (they opted out). */
export async function withdrawPatientMessages(
  tx: Db,
  clinicId: string,
  patientIds: string[],
  channel: 'email' | 'sms',
): Promise<number> {
  if (!patientIds.length) return 0;
  const rows = await tx
    .update(schema.messages)
    .set({
      status: 'withdrawn',
      withdrawnReason: channel === 'sms' ? OPTED_OUT_OF_TEXTS : 'The patient opted out of email.',
      lockedUntil: null,
    })
    .where(
      and(
        eq(schema.messages.clinicId, clinicId),
        eq(schema.messages.channel, channel),
        inArray(schema.messages.patientId, patientIds),
        eq(schema.messages.status, 'queued'),
      ),
    )
    .returning({ id: schema.messages.id });
  return rows.length;
}

/**
 * Messages a crashed process was sending stay claimed until their lease ends. On the embedded
 * database no other process can hold them (the data folder belongs to one process), so a
 * starting server makes them due at once; they are sent again with the same Message-ID and
 * idempotency key. (On PostgreSQL another live server may hold them: their lease decides.)
 */
export async function releaseOrphanedClaims(db: Db): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE messages SET locked_until = now() - interval '1 second' WHERE status = 'sending' RETURNING id`,
  );
  return rows.length;
}

/** Claims up to `limit` due messages for this worker (and any whose previous worker's lease ran out). */
export async function claimDueMessages(db: Db, workerId: string, now: Date, limit: number): Promise<MessageRow[]> {
  const lease = new Date(now.getTime() + LEASE_MS);
  const rows = await queryRows<{ id: string }>(
    db,
    sql`UPDATE messages SET status = 'sending', locked_until = ${lease.toISOString()}::timestamptz, claimed_by = ${workerId}
        WHERE id IN (
          SELECT id FROM messages
           WHERE (status = 'queued' AND send_after <= ${now.toISOString()}::timestamptz)
              OR (status = 'sending' AND locked_until < ${now.toISOString()}::timestamptz)
           ORDER BY send_after, id
           LIMIT ${limit}
           FOR UPDATE SKIP LOCKED)
        RETURNING id`,
  );
  if (!rows.length) return [];
  return db
    .select()
    .from(schema.messages)
    .where(
      inArray(
        schema.messages.id,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(schema.messages.sendAfter), asc(schema.messages.id));
}

async function deliverEmail(db: Db, env: EmailEnv, row: MessageRow): Promise<Delivery> {
  const settings = await loadEmailSettings(db, row.clinicId);
  if (deliveryFor(env, settings) === 'capture') return { status: 'captured', providerMessageId: null };
  if (!settings?.enabled) {
    return {
      status: 'failed',
      retryable: false,
      error: settings
        ? 'Email sending is turned off for this clinic. Turn it on under Admin → Email.'
        : 'This clinic has no SMTP settings. Set them up under Admin → Email.',
    };
  }
  const attachments = await db
    .select()
    .from(schema.messageAttachments)
    .where(eq(schema.messageAttachments.messageId, row.id))
    .orderBy(asc(schema.messageAttachments.position));
  try {
    const outcome = await deliverOverSmtp(settings, env, {
      from: { name: settings.fromName, address: settings.fromAddress },
      to: row.toAddress,
      subject: row.subject,
      text: row.textBody,
      html: row.htmlBody,
      messageId: row.messageId ?? `<${row.id}@${settings.fromAddress.split('@')[1] ?? 'tend.invalid'}>`,
      attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    });
    // An SMTP server that is down or busy may take it later; a refused address will not change.
    return outcome.ok
      ? { status: 'sent', providerMessageId: outcome.messageId }
      : {
          status: 'failed',
          error: outcome.error,
          retryable: !/refused the recipient|refused the sender/.test(outcome.error),
        };
  } catch (problem) {
    // E.g. a password sealed with another server's key.
    return { status: 'failed', retryable: false, error: problem instanceof Error ? problem.message : String(problem) };
  }
}

/** Whether a text sent now goes to the gateway or is captured (TEND_EMAIL_MODE governs texts too). */
export function smsDeliveryFor(
  env: Pick<EmailEnv, 'emailMode'>,
  settings: { enabled: boolean } | null,
): 'send' | 'capture' {
  if (env.emailMode === 'capture') return 'capture';
  if (env.emailMode === 'smtp') return 'send';
  return settings?.enabled ? 'send' : 'capture';
}

/** Sending needs the email settings' environment; a known public address also asks for delivery reports. */
type DeliveryEnv = EmailEnv & { publicUrl?: string };

async function deliverSms(db: Db, env: DeliveryEnv, row: MessageRow): Promise<Delivery> {
  const [settings] = await db.select().from(schema.smsSettings).where(eq(schema.smsSettings.clinicId, row.clinicId));
  if (smsDeliveryFor(env, settings ?? null) === 'capture') return { status: 'captured', providerMessageId: null };
  if (!settings?.enabled) {
    return {
      status: 'failed',
      retryable: false,
      error: settings
        ? 'Texts are turned off for this clinic. Turn them on under Admin → Text messages.'
        : 'This clinic has no SMS gateway. Set it up under Admin → Text messages.',
    };
  }
  let authToken: string;
  try {
    authToken = openSecret(env, settings.authTokenEncrypted);
  } catch (problem) {
    return { status: 'failed', retryable: false, error: problem instanceof Error ? problem.message : String(problem) };
  }
  const outcome = await sendSms(
    { baseUrl: settings.baseUrl, accountSid: settings.accountSid, authToken, fromNumber: settings.fromNumber },
    {
      to: row.toAddress,
      body: row.textBody,
      idempotencyKey: row.idempotencyKey ?? row.id,
      // Only a public https address is one a gateway can call (the default is this machine's).
      statusCallbackUrl: env.publicUrl?.startsWith('https://')
        ? `${env.publicUrl}/api/webhooks/sms/${row.clinicId}/status`
        : null,
    },
  );
  return outcome.ok
    ? { status: 'sent', providerMessageId: outcome.providerMessageId }
    : { status: 'failed', error: outcome.error, retryable: outcome.retryable };
}

/**
 * Sends (or captures) one message through its channel. Never throws for a delivery problem. Every
 * email and text passes here (the worker, a person's send, the settings' test messages): a
 * training clinic's are always captured, whatever TEND_EMAIL_MODE and its settings say, so no
 * practice message ever reaches a real patient.
 */
export async function deliverMessage(db: Db, env: DeliveryEnv, row: MessageRow): Promise<Delivery> {
  if (await isTrainingClinic(db, row.clinicId)) return { status: 'captured', providerMessageId: null };
  return row.channel === 'sms' ? deliverSms(db, env, row) : deliverEmail(db, env, row);
}

/**
 * Records an attempt's outcome. With `retry`, a retryable failure before the last attempt goes
 * back to the queue after the backoff; otherwise a failure is final (`failed`, with the reason).
 */
export async function recordDelivery(
  db: Db,
  row: MessageRow,
  delivery: Delivery,
  options: { now: Date; retry: boolean },
): Promise<MessageRow> {
  const attempts = row.attempts + 1;
  const requeue = delivery.status === 'failed' && options.retry && delivery.retryable && attempts < MAX_ATTEMPTS;
  const [updated] = await db
    .update(schema.messages)
    .set({
      attempts,
      lastAttemptAt: options.now,
      lockedUntil: null,
      status: requeue ? 'queued' : delivery.status,
      error: delivery.status === 'failed' ? delivery.error : null,
      sentAt: delivery.status === 'sent' ? options.now : null,
      sendAfter: requeue ? new Date(options.now.getTime() + retryDelayMs(attempts)) : row.sendAfter,
      providerMessageId: delivery.status === 'failed' ? row.providerMessageId : delivery.providerMessageId,
    })
    .where(eq(schema.messages.id, row.id))
    .returning();
  return updated ?? row;
}

export interface OutboxRun {
  sent: number;
  captured: number;
  retried: number;
  failed: number;
  deferred: number;
  withdrawn: number;
}

/**
 * One pass of the worker: claims what is due at `now` and delivers it. Texts to a patient who
 * opted out are withdrawn; texts due in the clinic's quiet hours wait until they end.
 */
export async function runOutbox(
  db: Db,
  env: MessagingEnv,
  options: { workerId: string; now?: Date; limit?: number },
): Promise<OutboxRun> {
  const now = options.now ?? new Date();
  const run: OutboxRun = { sent: 0, captured: 0, retried: 0, failed: 0, deferred: 0, withdrawn: 0 };
  const claimed = await claimDueMessages(db, options.workerId, now, options.limit ?? 50);
  for (const row of claimed) {
    if (row.channel === 'sms') {
      const [context] = await queryRows<{ timezone: string; start: string; end: string; opted_out: boolean }>(
        db,
        sql`SELECT c.timezone, c.quiet_hours_start AS start, c.quiet_hours_end AS end,
                   (p.sms_opt_out_at IS NOT NULL) AS opted_out
              FROM clinics c LEFT JOIN patients p ON p.id = ${row.patientId}
             WHERE c.id = ${row.clinicId}`,
      );
      if (context?.opted_out) {
        await db
          .update(schema.messages)
          .set({ status: 'withdrawn', withdrawnReason: OPTED_OUT_OF_TEXTS, lockedUntil: null })
          .where(eq(schema.messages.id, row.id));
        run.withdrawn++;
        continue;
      }
      const allowed = context
        ? afterQuietHours(now.getTime(), context.timezone, { start: context.start, end: context.end })
        : now.getTime();
      if (allowed > now.getTime()) {
        await db
          .update(schema.messages)
          .set({ status: 'queued', sendAfter: new Date(allowed), lockedUntil: null })
          .where(eq(schema.messages.id, row.id));
        run.deferred++;
        continue;
      }
    }
    const ready = await withLinks(db, env, row, now);
    if (!ready) {
      run.withdrawn++;
      continue;
    }
    const delivery = await deliverMessage(db, env, ready);
    const recorded = await recordDelivery(db, ready, delivery, { now, retry: true });
    await recallContacted(db, recorded, now);
    if (recorded.status === 'sent') run.sent++;
    else if (recorded.status === 'captured') run.captured++;
    else if (recorded.status === 'queued') run.retried++;
    else run.failed++;
  }
  return run;
}

/** A recall's message that went out: the recall is contacted (its list shows when and how). */
async function recallContacted(db: Db, row: MessageRow, now: Date): Promise<void> {
  if (row.relatedType !== 'recall' || !row.relatedId || !['sent', 'captured'].includes(row.status)) return;
  const r = schema.recalls;
  await db
    .update(r)
    .set({ status: 'contacted', lastContactAt: now, lastContactChannel: row.channel, lastContactNote: null })
    .where(and(eq(r.id, row.relatedId), inArray(r.status, ['open', 'contacted'])));
}

/** How long a recall's booking link works: 60 days past the due date, and at least 30 days from now. */
const BOOK_LINK_DAYS_AFTER_DUE = 60;
const BOOK_LINK_MIN_DAYS = 30;

/**
 * Signs the booking link of a recall's message as it is sent; a recall no longer waiting (booked
 * or closed meanwhile) has its message withdrawn (null).
 */
async function withBookLink(db: Db, env: MessagingEnv, row: MessageRow, now: Date): Promise<MessageRow | null> {
  const recallId = row.relatedId ?? '';
  const [recall] = await db
    .select({ status: schema.recalls.status, dueDate: schema.recalls.dueDate })
    .from(schema.recalls)
    .where(eq(schema.recalls.id, recallId));
  if (!recall || !['open', 'contacted'].includes(recall.status)) {
    return fillLinks(db, row, { withdrawn: 'The recall was booked or closed.' });
  }
  const day = 86_400;
  const expires = Math.max(
    Date.parse(`${recall.dueDate}T00:00:00Z`) / 1000 + BOOK_LINK_DAYS_AFTER_DUE * day,
    Math.floor(now.getTime() / 1000) + BOOK_LINK_MIN_DAYS * day,
  );
  const link = `${env.publicUrl}/r/${signLink(env, { action: 'book', id: recallId, start: 0, expires })}`;
  return fillLinks(db, row, { bookLink: link });
}

/**
 * Puts the signed links into the message as written and stores it so; the text as written (with
 * its placeholders) is kept, so a later attempt signs them afresh. Null: withdrawn, with the reason.
 */
async function fillLinks(
  db: Db,
  row: MessageRow,
  links: Record<string, string> | { withdrawn: string },
): Promise<MessageRow | null> {
  if ('withdrawn' in links) {
    await db
      .update(schema.messages)
      .set({ status: 'withdrawn', withdrawnReason: links.withdrawn, lockedUntil: null })
      .where(eq(schema.messages.id, row.id));
    return null;
  }
  const written = { text: row.unsignedText ?? row.textBody, html: row.unsignedHtml ?? row.htmlBody };
  const fill = (text: string) =>
    Object.entries(links).reduce((filled, [name, link]) => filled.replaceAll(`{${name}}`, link), text);
  const [updated] = await db
    .update(schema.messages)
    .set({
      textBody: fill(written.text),
      htmlBody: written.html === null ? null : fill(written.html),
      unsignedText: written.text,
      unsignedHtml: written.html,
    })
    .where(eq(schema.messages.id, row.id))
    .returning();
  return updated ?? row;
}

/**
 * Signs the links of a message as it is sent. About an appointment: they name its current start
 * and expire with it; a message about an appointment no longer booked is withdrawn (null). A
 * waitlist offer's link expires with the hold; the message is withdrawn if the offer closed. A
 * recall's booking link: see withBookLink.
 */
async function withLinks(db: Db, env: MessagingEnv, row: MessageRow, now: Date): Promise<MessageRow | null> {
  const written = row.unsignedText ?? row.textBody;
  if (row.relatedType === 'recall' && row.relatedId && written.includes('{bookLink}')) {
    return withBookLink(db, env, row, now);
  }
  if (row.relatedType === 'waitlist_offer' && row.relatedId && written.includes('{acceptLink}')) {
    const [offer] = await db
      .select({
        startAt: schema.waitlistOffers.startAt,
        holdUntil: schema.waitlistOffers.holdUntil,
        status: schema.waitlistOffers.status,
      })
      .from(schema.waitlistOffers)
      .where(eq(schema.waitlistOffers.id, row.relatedId));
    if (offer?.status !== 'offered' || offer.holdUntil <= now) {
      return fillLinks(db, row, { withdrawn: 'The waitlist offer is no longer open.' });
    }
    const token = signLink(env, {
      action: 'offer',
      id: row.relatedId,
      start: Math.floor(offer.startAt.getTime() / 1000),
      expires: Math.floor(offer.holdUntil.getTime() / 1000),
    });
    return fillLinks(db, row, { acceptLink: `${env.publicUrl}/r/${token}` });
  }
  if (row.relatedType !== 'appointment' || !row.relatedId || !/\{(confirm|cancel)Link\}/.test(written)) {
    return row;
  }
  const [appointment] = await db
    .select({ startAt: schema.appointments.startAt, status: schema.appointments.status })
    .from(schema.appointments)
    .where(eq(schema.appointments.id, row.relatedId));
  if (!appointment || !['booked', 'confirmed'].includes(appointment.status)) {
    return fillLinks(db, row, { withdrawn: 'The appointment is no longer booked.' });
  }
  const start = Math.floor(appointment.startAt.getTime() / 1000);
  const link = (action: 'confirm' | 'cancel') =>
    `${env.publicUrl}/r/${signLink(env, { action, id: row.relatedId ?? '', start, expires: start })}`;
  return fillLinks(db, row, { confirmLink: link('confirm'), cancelLink: link('cancel') });
}

/**
 * Runs the worker every `intervalMs` until stopped; `wake()` runs it at once (after an enqueue).
 * Each tick runs the sweeps first (what the clock made due), then delivers the outbox.
 */
export function startOutboxWorker(
  db: Db,
  env: MessagingEnv,
  options: { intervalMs?: number; onError?: (error: unknown) => void; sweeps?: readonly Sweep[] } = {},
): { wake(): void; stop(): Promise<void> } {
  const workerId = `worker-${newId()}`;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        for (const error of await runSweeps(db, env, new Date(), options.sweeps ?? SWEEPS)) options.onError?.(error);
        // Keep going while there is a full batch due.
        while (!stopped) {
          const run = await runOutbox(db, env, { workerId });
          const handled = run.sent + run.captured + run.retried + run.failed + run.deferred + run.withdrawn;
          if (handled < 50) break;
        }
      } catch (error) {
        options.onError?.(error);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, options.intervalMs ?? 5_000);
  timer.unref();
  return {
    wake: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
