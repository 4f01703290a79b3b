import { type Db, schema } from '@tend/db';
import {
  AppError,
  type EmailMessage,
  type EmailMessagePage,
  type EmailMessageSummary,
  type zEmailMessageQuery,
} from '@tend/domain';
import { and, asc, count, desc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../context';

/** The outbox: every message of the clinic, newest first, with its text and attachments. */

const m = schema.messages;

const summaryColumns = {
  id: m.id,
  toAddress: m.toAddress,
  subject: m.subject,
  status: m.status,
  error: m.error,
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
  toAddress: string;
  subject: string;
  status: EmailMessageSummary['status'];
  error: string | null;
  attempts: number;
  relatedType: string | null;
  relatedId: string | null;
  createdAt: Date;
  sentAt: Date | null;
  createdByName: string | null;
  attachmentCount: number;
}

function toSummary(row: SummaryRow): EmailMessageSummary {
  return {
    id: row.id,
    to: row.toAddress,
    subject: row.subject,
    status: row.status,
    error: row.error,
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

export async function listEmailMessages(
  db: Db,
  ctx: RequestContext,
  query: z.output<typeof zEmailMessageQuery>,
): Promise<EmailMessagePage> {
  const conditions: SQL[] = [eq(m.clinicId, ctx.clinicId)];
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
  return { items: rows.map(toSummary), total };
}

export async function getEmailMessage(db: Db, ctx: RequestContext, id: string): Promise<EmailMessage> {
  const [row] = await db
    .select({ ...summaryColumns, textBody: m.textBody, htmlBody: m.htmlBody, messageId: m.messageId })
    .from(m)
    .leftJoin(schema.users, eq(schema.users.id, m.createdBy))
    .where(and(eq(m.id, id), eq(m.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The email');
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
    })
    .from(schema.messageAttachments)
    .where(
      and(
        eq(schema.messageAttachments.messageId, id),
        eq(schema.messageAttachments.position, index),
        eq(schema.messageAttachments.clinicId, ctx.clinicId),
      ),
    );
  if (!row) throw AppError.notFound('The attachment');
  return row;
}
