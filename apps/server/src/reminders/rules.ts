import { type Db, newId, schema } from '@tend/db';
import type { RecallSettings, ReminderRule, ReminderRulesPut } from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { getRecallSettings, putRecallSettings } from '../recalls/service';

/**
 * The clinic's reminder rules, and when recall messages go (they are edited together). A rule is never deleted (sent reminders name it, for the
 * reminders report): one left out of a PUT is turned off, and on again when it is listed again.
 * New rules apply to appointments booked or moved from then on.
 */

const r = schema.reminderRules;

const toRule = (row: typeof r.$inferSelect): ReminderRule => ({
  id: row.id,
  channel: row.channel,
  minutesBefore: row.minutesBefore,
  active: row.active,
});

type RulesView = { items: ReminderRule[]; recall: RecallSettings };

export async function listReminderRules(db: Db, ctx: RequestContext): Promise<RulesView> {
  const rows = await db
    .select()
    .from(r)
    .where(eq(r.clinicId, ctx.clinicId))
    .orderBy(asc(r.minutesBefore), asc(r.channel));
  return {
    items: rows.map(toRule).sort((a, b) => b.minutesBefore - a.minutesBefore),
    recall: await getRecallSettings(db, ctx),
  };
}

export async function putReminderRules(db: Db, ctx: RequestContext, input: ReminderRulesPut): Promise<RulesView> {
  await db.transaction(async (tx) => {
    await tx.update(r).set({ active: false }).where(eq(r.clinicId, ctx.clinicId));
    for (const rule of input.rules) {
      const updated = await tx
        .update(r)
        .set({ active: rule.active })
        .where(and(eq(r.clinicId, ctx.clinicId), eq(r.channel, rule.channel), eq(r.minutesBefore, rule.minutesBefore)))
        .returning({ id: r.id });
      if (!updated.length) {
        await tx.insert(r).values({ id: newId(), clinicId: ctx.clinicId, ...rule });
      }
    }
    if (input.recall) await putRecallSettings(tx, ctx, input.recall);
    await recordAudit(tx, ctx, {
      action: 'reminder_rules.update',
      entityType: 'clinic',
      entityId: ctx.clinicId,
      details: { rules: input.rules, ...(input.recall ? { recall: input.recall } : {}) },
    });
  });
  return listReminderRules(db, ctx);
}
