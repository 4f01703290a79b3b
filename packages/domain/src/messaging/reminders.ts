import { z } from 'zod';
import { CHANNELS } from './templates';

/** The clinic's reminder rules: which channel, how long before the appointment. */

export const zReminderRule = z.object({
  id: z.string(),
  channel: z.enum(CHANNELS),
  minutesBefore: z.number().int(),
  active: z.boolean(),
});
export type ReminderRule = z.infer<typeof zReminderRule>;

export const zReminderRulesPut = z
  .object({
    rules: z
      .array(
        z.object({
          channel: z.enum(CHANNELS),
          minutesBefore: z
            .number()
            .int()
            .min(15, { error: () => 'A reminder goes at least 15 minutes before the appointment.' })
            .max(20_160, { error: () => 'A reminder goes at most 14 days before the appointment.' }),
          active: z.boolean().default(true),
        }),
      )
      .max(10),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    for (const [index, rule] of value.rules.entries()) {
      const key = `${rule.channel}:${rule.minutesBefore}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['rules', index], message: 'This rule is listed twice.' });
      }
      seen.add(key);
    }
  });
export type ReminderRulesPut = z.output<typeof zReminderRulesPut>;
