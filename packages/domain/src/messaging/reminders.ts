import { z } from 'zod';
import { zLanguage } from '../validation';
import { zRecallSettings } from './recalls';
import { CHANNELS, MESSAGE_KINDS, templateProblems } from './templates';

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
    /** When recall messages go; left out, unchanged. */
    recall: zRecallSettings.optional(),
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

/** What a patient sees behind a link in a message (nothing clinical). */
export const LINK_STATES = ['ready', 'done', 'used', 'expired', 'moved', 'closed', 'invalid'] as const;
export const zLinkView = z.object({
  state: z.enum(LINK_STATES),
  /** offer: a waitlist offer ("take this time" or "no thanks"); book: a recall's booking link. */
  action: z.enum(['confirm', 'cancel', 'offer', 'book']).nullable(),
  message: z.string(),
  appointment: z
    .object({
      clinic: z.string(),
      date: z.string(),
      time: z.string(),
      provider: z.string(),
      location: z.string(),
      status: z.string(),
      /** An offer: until when the time is held (the clinic's local time). */
      holdUntil: z.string().nullable(),
    })
    .nullable(),
  /**
   * A recall's link (action `book`): the open times the patient may choose from; none (or no
   * appointment type) means "please call" with the clinic's number.
   */
  booking: z
    .object({
      clinic: z.string(),
      clinicPhone: z.string().nullable(),
      provider: z.string(),
      slots: z.array(z.object({ start: z.string(), date: z.string(), time: z.string() })),
    })
    .nullable()
    .optional(),
});
export type LinkView = z.infer<typeof zLinkView>;

/** A message's wording as the clinic uses it: its own, or Tend's default. */
export const zMessageTemplate = z.object({
  kind: z.enum(MESSAGE_KINDS),
  channel: z.enum(CHANNELS),
  language: z.string(),
  subject: z.string(),
  body: z.string(),
  /** True when the clinic wrote this wording for this language. */
  custom: z.boolean(),
  /**
   * True when the language has no wording of its own and patients who speak it get the English one
   * (the clinic's, or Tend's): what is shown.
   */
  fallback: z.boolean(),
  variables: z.array(z.string()),
});
export type MessageTemplate = z.infer<typeof zMessageTemplate>;

export const zMessageTemplatePut = z
  .object({
    kind: z.enum(MESSAGE_KINDS),
    channel: z.enum(CHANNELS),
    language: zLanguage.default('en'),
    subject: z.string().max(200).default(''),
    body: z.string().max(2000),
    /** True: forget the clinic's wording and use Tend's default again. */
    reset: z.boolean().default(false),
  })
  .superRefine((value, ctx) => {
    if (value.reset) return;
    for (const message of templateProblems(value.kind, value.channel, value)) {
      ctx.addIssue({ code: 'custom', path: [message.includes('subject') ? 'subject' : 'body'], message });
    }
  });
