import { type Db, schema } from '@tend/db';
import { AppError, type EmailMessage, type MessagePage, type MessageSummary, type zMessageQuery } from '@tend/domain';
import { and, asc, count, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { ctxCan, type RequestContext } from '../context';
import { requirePatient } from '../patients/service';

/**
 * The delivery log: every message of the clinic (emails and texts), newest first, with its text
 * and attachments. The email outbox and a patient's Messages tab read the same rows.
 */

const m = schema.messages;

const summaryColumns = {
  id: m.id,
  channel: m.channel,
  kind: m.kind,
  patientId: m.patientId,
  toAddress: m.toAddress,
  subject: m.subject,
  status: m.status,
  deliveryStatus: m.deliveryStatus,
  error: m.error,
  withdrawnReason: m.withdrawnReason,
  sendAfter: m.sendAfter,
  attempts: m.attempts,
  relatedType: m.relatedType,
  relatedId: m.relatedId,
  createdAt: m.createdAt,
  sentAt: m.sentAt,
  createdByName: schema.users.name,
  attachmentCount: sql<number>`(SELECT count(*) FROM message_attachments a WHERE a.message_id = ${m.id})`.mapWith(
    Number,
  ),
};

interface SummaryRow {
  id: string;
  channel: MessageSummary['channel'];
  kind: string | null;
  patientId: string | null;
  toAddress: string;
  subject: string;
  status: MessageSummary['status'];
  deliveryStatus: string | null;
  error: string | null;
  withdrawnReason: string | null;
  sendAfter: Date;
  attempts: number;
  relatedType: string | null;
  relatedId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  createdByName: string | null;
  attachmentCount: number;
}

function toSummary(row: SummaryRow): MessageSummary {
  return {
    id: row.id,
    channel: row.channel,
    kind: row.kind,
    patientId: row.patientId,
    to: row.toAddress,
    subject: row.subject,
    status: row.status,
    deliveryStatus: row.deliveryStatus,
    error: row.error,
    withdrawnReason: row.withdrawnReason,
    sendAfter: row.sendAfter.toISOString(),
    attempts: row.attempts,
    relatedType: row.relatedType,
    relatedId: row.relatedId,
    attachmentCount: row.attachmentCount,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    createdByName: row.createdByName,
  };
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A page of the log. The whole outbox is for those who read it (`email.read`); anyone who may
 * read a patient may read that patient's own log (a reminder went out, a text bounced), and that
 * read is audited against the patient.
 */
export async function listMessages(
  db: Db,
  ctx: RequestContext,
  query: z.output<typeof zMessageQuery>,
): Promise<MessagePage> {
  if (query.patientId) {
    await requirePatient(db, ctx, query.patientId);
  } else if (!ctxCan(ctx, 'email.read')) {
    throw AppError.forbidden('Choose a patient: your role sees the messages of one patient at a time.');
  }
  const conditions: SQL[] = [eq(m.clinicId, ctx.clinicId)];
  if (query.patientId) conditions.push(eq(m.patientId, query.patientId));
  if (query.channel) conditions.push(eq(m.channel, query.channel));
  if (query.status) conditions.push(eq(m.status, query.status));
  if (query.relatedType) conditions.push(eq(m.relatedType, query.relatedType));
  if (query.relatedId) conditions.push(eq(m.relatedId, query.relatedId));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(m.toAddress, pattern), ilike(m.subject, pattern)) as SQL);
  }
  const where = and(...conditions);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(summaryColumns)
      .from(m)
      .leftJoin(schema.users, eq(schema.users.id, m.createdBy))
      .where(where)
      .orderBy(desc(m.createdAt), desc(m.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(m).where(where),
  ]);
  if (query.patientId) {
    await recordAudit(db, ctx, {
      action: 'message.read',
      patientId: query.patientId,
      entityType: 'patient',
      entityId: query.patientId,
      details: { count: rows.length },
    });
  } else {
    // The whole outbox: one row per patient whose messages were on the page.
    const patientIds = [...new Set(rows.flatMap((row) => (row.patientId ? [row.patientId] : [])))];
    await recordPatientsAccess(db, ctx, 'message.read', patientIds, { count: rows.length, outbox: true });
  }
  return { items: rows.map(toSummary), total };
}

/** One message of the log, as a row of it. */
export async function getMessageSummary(db: Db, ctx: RequestContext, id: string): Promise<MessageSummary> {
  const [row] = await db
    .select(summaryColumns)
    .from(m)
    .leftJoin(schema.users, eq(schema.users.id, m.createdBy))
    .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The message');
  return toSummary(row);
}

export async function getEmailMessage(db: Db, ctx: RequestContext, id: string): Promise<EmailMessage> {
  const [row] = await db
    .select({ ...summaryColumns, textBody: m.textBody, htmlBody: m.htmlBody, messageId: m.messageId })
    .from(m)
    .leftJoin(schema.users, eq(schema.users.id, m.createdBy))
    .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The email');
  await recordAudit(db, ctx, { action: 'email.read', patientId: row.patientId, entityType: 'message', entityId: id });
  const attachments = await db
    .select({
      index: schema.messageAttachments.position,
      filename: schema.messageAttachments.filename,
      contentType: schema.messageAttachments.contentType,
      size: schema.messageAttachments.sizeBytes,
    })
    .from(schema.messageAttachments)
    .where(and(eq(schema.messageAttachments.messageId, id), eq(schema.messageAttachments.clinicId, ctx.clinicId)))
    .orderBy(asc(schema.messageAttachments.position));
  return { ...toSummary(row), text: row.textBody, html: row.htmlBody, messageId: row.messageId, attachments };
}

export async function getEmailAttachment(
  db: Db,
  ctx: RequestContext,
  id: string,
  index: number,
): Promise<{ filename: string; contentType: string; content: Buffer }> {
  const [row] = await db
    .select({
      filename: schema.messageAttachments.filename,
      contentType: schema.messageAttachments.contentType,
      content: schema.messageAttachments.content,
      patientId: m.patientId,
    })
    .from(schema.messageAttachments)
    .innerJoin(m, eq(m.id, schema.messageAttachments.messageId))
    .where(
      and(
        eq(schema.messageAttachments.messageId, id),
        eq(schema.messageAttachments.position, index),
        eq(schema.messageAttachments.clinicId, ctx.clinicId),
      ),
    );
  if (!row) throw AppError.notFound('The attachment');
  await recordAudit(db, ctx, {
    action: 'email.read',
    patientId: row.patientId,
    entityType: 'message',
    entityId: id,
    details: { attachment: index },
  });
  return { filename: row.filename, contentType: row.contentType, content: row.content };
}
