import { type Db, schema } from '@tend/db';
import {
  CHANNELS,
  type Channel,
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  type MessageKind,
  type MessageTemplate,
  TEMPLATE_VARIABLES,
  type Template,
  type zMessageTemplatePut,
} from '@tend/domain';
import { and, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';

/**
 * The clinic's wording of each message (kind × channel × language). A patient whose language has
 * no wording of its own gets the English one: the clinic's, else Tend's default.
 */

const mt = schema.messageTemplates;

/** The languages to look in, in order: the patient's, then English. */
const languagesFor = (language: string) => (language === 'en' ? ['en'] : [language, 'en']);

/** The wording a message to a patient who speaks `language` uses. */
export async function templateFor(
  db: Db,
  clinicId: string,
  kind: MessageKind,
  channel: Channel,
  language: string,
): Promise<Template> {
  const own = await db
    .select()
    .from(mt)
    .where(
      and(
        eq(mt.clinicId, clinicId),
        eq(mt.kind, kind),
        eq(mt.channel, channel),
        inArray(mt.language, languagesFor(language)),
      ),
    );
  return pick(own, kind, channel, language).wording;
}

type TemplateRow = typeof mt.$inferSelect;

/**
 * The wordings of several kinds at once (one query), for a writer that needs more than one, e.g. a
 * booking's notice and reminders: the same choice as `templateFor`.
 */
export async function templatesFor(
  db: Db,
  clinicId: string,
  kinds: readonly MessageKind[],
  language: string,
): Promise<(kind: MessageKind, channel: Channel) => Template> {
  const own = await db
    .select()
    .from(mt)
    .where(and(eq(mt.clinicId, clinicId), inArray(mt.kind, [...kinds]), inArray(mt.language, languagesFor(language))));
  return (kind, channel) => pick(own, kind, channel, language).wording;
}

function pick(rows: TemplateRow[], kind: MessageKind, channel: Channel, language: string) {
  for (const lang of languagesFor(language)) {
    const row = rows.find((r) => r.kind === kind && r.channel === channel && r.language === lang);
    if (row) return { wording: { subject: row.subject, body: row.body }, language: lang };
  }
  return { wording: DEFAULT_TEMPLATES[kind][channel], language: null };
}

export async function listTemplates(
  db: Db,
  ctx: RequestContext,
  language = 'en',
): Promise<{ items: MessageTemplate[] }> {
  const own = await db
    .select()
    .from(mt)
    .where(and(eq(mt.clinicId, ctx.clinicId), inArray(mt.language, languagesFor(language))));
  const items = MESSAGE_KINDS.flatMap((kind) =>
    CHANNELS.map((channel) => {
      const used = pick(own, kind, channel, language);
      return {
        kind,
        channel,
        language,
        subject: used.wording.subject,
        body: used.wording.body,
        custom: used.language === language,
        fallback: used.language !== language && language !== 'en',
        variables: [...TEMPLATE_VARIABLES[kind]],
      };
    }),
  );
  return { items };
}

export async function putTemplate(
  db: Db,
  ctx: RequestContext,
  input: z.output<typeof zMessageTemplatePut>,
): Promise<{ items: MessageTemplate[] }> {
  await db.transaction(async (tx) => {
    const key = and(
      eq(mt.clinicId, ctx.clinicId),
      eq(mt.kind, input.kind),
      eq(mt.channel, input.channel),
      eq(mt.language, input.language),
    );
    if (input.reset) {
      await tx.delete(mt).where(key);
    } else {
      await tx
        .insert(mt)
        .values({
          clinicId: ctx.clinicId,
          kind: input.kind,
          channel: input.channel,
          language: input.language,
          subject: input.channel === 'email' ? input.subject : '',
          body: input.body,
          updatedBy: ctx.userId,
        })
        .onConflictDoUpdate({
          target: [mt.clinicId, mt.kind, mt.channel, mt.language],
          set: {
            subject: input.channel === 'email' ? input.subject : '',
            body: input.body,
            updatedBy: ctx.userId,
            updatedAt: new Date(),
          },
        });
    }
    await recordAudit(tx, ctx, {
      action: 'message_template.update',
      entityType: 'clinic',
      entityId: ctx.clinicId,
      details: { kind: input.kind, channel: input.channel, language: input.language, reset: input.reset },
    });
  });
  return listTemplates(db, ctx, input.language);
}
