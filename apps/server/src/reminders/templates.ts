import { type Db, schema } from '@tend/db';
import {
  CHANNELS,
  DEFAULT_TEMPLATES,
  MESSAGE_KINDS,
  type MessageTemplate,
  TEMPLATE_VARIABLES,
  type zMessageTemplatePut,
} from '@tend/domain';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';

/** The clinic's wording of each message (kind × channel × language), else Tend's default. */

const mt = schema.messageTemplates;

export async function listTemplates(
  db: Db,
  ctx: RequestContext,
  language = 'en',
): Promise<{ items: MessageTemplate[] }> {
  const own = await db
    .select()
    .from(mt)
    .where(and(eq(mt.clinicId, ctx.clinicId), eq(mt.language, language)));
  const items = MESSAGE_KINDS.flatMap((kind) =>
    CHANNELS.map((channel) => {
      const mine = own.find((row) => row.kind === kind && row.channel === channel);
      const wording = mine ?? DEFAULT_TEMPLATES[kind][channel];
      return {
        kind,
        channel,
        language,
        subject: wording.subject,
        body: wording.body,
        custom: Boolean(mine),
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
