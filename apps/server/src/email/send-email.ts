import { type Db, newId, schema } from '@tend/db';
import {
  AppError,
  type EmailStatus,
  type EmailTestResult,
  fieldErrorsFromZod,
  messagePurpose,
  t,
  zEmail,
} from '@tend/domain';
import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { deliverMessage, type MessageRow, recordDelivery } from '../messaging/outbox';
import { type EmailEnv, loadEmailSettings } from './settings';

/**
 * Sending email, for every feature that needs it (invoices, statements, tests). A message is
 * written to the outbox first, then sent, then marked sent or failed with the server's answer:
 * a failure is never silent and never loses the message, which can be sent again. Without SMTP
 * settings, or with TEND_EMAIL_MODE=capture, the message is kept as `captured` for the outbox
 * viewer and nothing leaves the machine.
 */

export interface EmailAttachmentInput {
  filename: string;
  contentType: string;
  content: Buffer | Uint8Array;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  attachments?: EmailAttachmentInput[];
  /** What the message is about, e.g. `{ type: 'invoice', id }`: the outbox can be filtered by it. */
  related?: { type: string; id: string } | null;
  /** The patient the message concerns, for the audit trail of that patient. */
  patientId?: string | null;
}

export interface SentEmail {
  id: string;
  status: EmailStatus;
  /** The SMTP server's answer when it failed (null otherwise). */
  error: string | null;
  messageId: string;
  sentAt: Date | null;
}

/** How long a message sent by a request is its own before the worker may take it over. */
const INLINE_LEASE_MS = 5 * 60_000;

/** 15 MB of attachments: most mail servers refuse messages over 20–25 MB once encoded. */
export const MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;

const zOutgoing = z.object({
  to: zEmail,
  subject: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .refine((v) => !/[\r\n]/.test(v), 'A subject is one line.'),
  text: z.string().max(1_000_000),
  html: z.string().max(2_000_000).nullish(),
  related: z.object({ type: z.string().min(1).max(40), id: z.uuid() }).nullish(),
  attachments: z
    .array(
      z.object({
        filename: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .refine((v) => !/[\r\n/\\]/.test(v), 'A file name without line breaks or slashes.'),
        contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'A content type like application/pdf.'),
        content: z.instanceof(Uint8Array),
      }),
    )
    .max(20)
    .default([]),
});

/** Records the message, then sends (or captures) it. Resolves with its status; only bad input throws. */
export async function sendEmail(db: Db, ctx: RequestContext, email: OutgoingEmail, env: EmailEnv): Promise<SentEmail> {
  const parsed = zOutgoing.safeParse(email);
  if (!parsed.success) throw AppError.validation(fieldErrorsFromZod(parsed.error));
  const input = parsed.data;
  const total = input.attachments.reduce((sum, a) => sum + a.content.byteLength, 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    throw AppError.validation([{ path: 'attachments', message: 'Attachments may add up to at most 15 MB.' }]);
  }
  const settings = await loadEmailSettings(db, ctx.clinicId);
  const id = newId();
  const messageId = `<${id}@${domainOf(settings?.fromAddress)}>`;
  const attachments = input.attachments.map((a, position) => ({
    messageId: id,
    position,
    clinicId: ctx.clinicId,
    filename: a.filename,
    contentType: a.contentType.toLowerCase(),
    sizeBytes: a.content.byteLength,
    content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
  }));
  // Written before anything is sent: whatever happens next, the outbox has it.
  const [row] = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(schema.messages)
      .values({
        id,
        clinicId: ctx.clinicId,
        toAddress: input.to,
        subject: input.subject,
        textBody: input.text,
        htmlBody: input.html ?? null,
        // Sent right away by this request; should the process die first, the worker takes it
        // over when the lease ends.
        status: 'sending',
        lockedUntil: new Date(Date.now() + INLINE_LEASE_MS),
        claimedBy: 'inline',
        channel: 'email',
        patientId: email.patientId ?? null,
        relatedType: input.related?.type ?? null,
        relatedId: input.related?.id ?? null,
        messageId,
        createdBy: ctx.userId,
      })
      .returning();
    if (attachments.length) await tx.insert(schema.messageAttachments).values(attachments);
    return inserted;
  });
  return deliver(db, ctx, env, row, attachments.length, {
    action: 'email.send',
    patientId: email.patientId ?? null,
  });
}

/** Sends a failed message again, with the clinic's current settings. */
export async function retryEmail(db: Db, ctx: RequestContext, messageId: string, env: EmailEnv): Promise<SentEmail> {
  // Claiming it (failed → queued) in one statement: two retries at once send it once.
  const [row] = await db
    .update(schema.messages)
    .set({ status: 'sending', error: null, lockedUntil: new Date(Date.now() + INLINE_LEASE_MS), claimedBy: 'inline' })
    .where(
      and(
        eq(schema.messages.id, messageId),
        eq(schema.messages.clinicId, ctx.clinicId),
        eq(schema.messages.status, 'failed'),
      ),
    )
    .returning();
  if (!row) {
    const [existing] = await db
      .select({ status: schema.messages.status })
      .from(schema.messages)
      .where(and(eq(schema.messages.id, messageId), eq(schema.messages.clinicId, ctx.clinicId)));
    if (!existing) throw AppError.notFound('The email');
    throw new AppError('conflict', `Only a failed email can be sent again; this one is ${existing.status}.`);
  }
  const [attachments] = await db
    .select({ n: count() })
    .from(schema.messageAttachments)
    .where(eq(schema.messageAttachments.messageId, row.id));
  return deliver(db, ctx, env, row, attachments?.n ?? 0, { action: 'email.retry', patientId: row.patientId });
}

/** Sends a short test message to `to` through the saved settings, and says what the server answered. */
export async function sendTestEmail(db: Db, ctx: RequestContext, to: string, env: EmailEnv): Promise<EmailTestResult> {
  const [clinic] = await db
    .select({ name: schema.clinics.name })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const sent = await sendEmail(
    db,
    ctx,
    {
      to,
      subject: t('email.test.subject', { clinic: clinic?.name ?? 'Tend' }),
      text: t('email.test.body', { clinic: clinic?.name ?? 'Tend', user: ctx.userName }),
      related: null,
    },
    env,
  );
  return {
    ok: sent.status === 'sent' || sent.status === 'captured',
    status: sent.status,
    error: sent.error,
    messageId: sent.id,
  };
}

async function deliver(
  db: Db,
  ctx: RequestContext,
  env: EmailEnv,
  row: MessageRow,
  attachmentCount: number,
  audit: { action: 'email.send' | 'email.retry'; patientId: string | null },
): Promise<SentEmail> {
  const delivery = await deliverMessage(db, env, row);
  return db.transaction(async (tx) => {
    // Sent by a person, who sees the outcome: a failure is final here (they may send it again).
    const recorded = await recordDelivery(tx, row, delivery, { now: new Date(), retry: false });
    // Who was written to and about what — never the text.
    await recordAudit(tx, ctx, {
      action: audit.action,
      outcome: recorded.status === 'failed' ? 'failure' : 'success',
      patientId: audit.patientId,
      entityType: 'email_message',
      entityId: row.id,
      details: {
        to: row.toAddress,
        subject: row.subject,
        status: recorded.status,
        relatedType: row.relatedType,
        relatedId: row.relatedId,
        attachments: attachmentCount,
        purpose: messagePurpose(row.relatedType),
      },
    });
    return {
      id: row.id,
      status: recorded.status,
      error: recorded.error,
      messageId: row.messageId ?? '',
      sentAt: recorded.sentAt,
    };
  });
}

function domainOf(address: string | undefined): string {
  return address?.split('@')[1] ?? 'tend.invalid';
}
