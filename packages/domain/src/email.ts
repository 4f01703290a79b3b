import { z } from 'zod';
import { t } from './i18n';
import { zEmail, zOptionalText, zRequiredText } from './validation';

/** Email: a clinic's SMTP settings and the outbox/log of its messages. */

export const EMAIL_SECURITY = ['tls', 'starttls', 'none'] as const;
export type EmailSecurity = (typeof EMAIL_SECURITY)[number];

export const EMAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'captured', 'withdrawn'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * How the server delivers: `smtp` sends through the clinic's settings; `capture` stores every
 * message in the outbox viewer and sends nothing (development, training). `auto` (the default)
 * sends when the clinic has enabled settings and captures otherwise.
 */
export const EMAIL_MODES = ['auto', 'smtp', 'capture'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];

/** The usual port for each kind of connection (the form suggests it). */
export const DEFAULT_SMTP_PORT: Record<EmailSecurity, number> = { tls: 465, starttls: 587, none: 25 };

const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/;

export const zEmailSettings = z.object({
  host: z.string(),
  port: z.number(),
  security: z.enum(EMAIL_SECURITY),
  username: z.string().nullable(),
  /** The password itself is never sent back: only whether one is stored. */
  passwordSet: z.boolean(),
  fromAddress: z.string(),
  fromName: z.string().nullable(),
  enabled: z.boolean(),
  updatedAt: z.string(),
});
export type EmailSettings = z.infer<typeof zEmailSettings>;

/** What GET /api/settings/email answers: the settings (null before they are saved) and how mail goes. */
export const zEmailSettingsView = z.object({
  settings: zEmailSettings.nullable(),
  /** What happens to a message now: sent over SMTP, or captured in the outbox. */
  delivery: z.enum(['smtp', 'capture']),
  /** The server's configured mode (TEND_EMAIL_MODE). */
  mode: z.enum(EMAIL_MODES),
});
export type EmailSettingsView = z.infer<typeof zEmailSettingsView>;

export const zEmailSettingsUpdate = z.object({
  host: zRequiredText(253).refine((v) => v === '' || HOST.test(v), { error: () => t('validation.smtpHost') }),
  port: z.coerce
    .number({ error: () => t('validation.smtpPort') })
    .int({ error: () => t('validation.smtpPort') })
    .min(1, { error: () => t('validation.smtpPort') })
    .max(65535, { error: () => t('validation.smtpPort') }),
  security: z.enum(EMAIL_SECURITY, { error: () => t('validation.smtpSecurity') }),
  username: zOptionalText(254),
  /** Omitted or empty: keep the stored password; a value: replace it; null: remove it. */
  password: z
    .string()
    .max(500, { error: () => t('validation.tooLong', { max: 500 }) })
    .nullable()
    .optional(),
  fromAddress: zEmail,
  fromName: zOptionalText(100),
  enabled: z.boolean().default(true),
});
export type EmailSettingsUpdate = z.input<typeof zEmailSettingsUpdate>;

export const zEmailTestRequest = z.object({ to: zEmail });

export const zEmailTestResult = z.object({
  ok: z.boolean(),
  status: z.enum(EMAIL_STATUSES),
  /** The SMTP server's answer when it failed, as it said it. */
  error: z.string().nullable(),
  messageId: z.string(),
});
export type EmailTestResult = z.infer<typeof zEmailTestResult>;

export const zEmailAttachmentInfo = z.object({
  index: z.number(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
});
export type EmailAttachmentInfo = z.infer<typeof zEmailAttachmentInfo>;

/** A message of the outbox, email or text (the delivery log lists the same). */
export const zEmailMessageSummary = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  /** reminder, booked, recall…; null for what a person sent (invoices, statements, tests). */
  kind: z.string().nullable(),
  patientId: z.string().nullable(),
  to: z.string(),
  /** Emails only (empty for texts). */
  subject: z.string(),
  status: z.enum(EMAIL_STATUSES),
  /** What the SMS gateway last reported for a text: queued, sent, delivered, undelivered, failed… */
  deliveryStatus: z.string().nullable(),
  error: z.string().nullable(),
  /** Why it will not be sent (the appointment moved, the patient opted out). */
  withdrawnReason: z.string().nullable(),
  attempts: z.number(),
  relatedType: z.string().nullable(),
  relatedId: z.string().nullable(),
  attachmentCount: z.number(),
  createdAt: z.string(),
  /** Not before this instant (a reminder's due time, the end of quiet hours, the next retry). */
  sendAfter: z.string(),
  sentAt: z.string().nullable(),
  createdByName: z.string().nullable(),
});
export type EmailMessageSummary = z.infer<typeof zEmailMessageSummary>;

export const zEmailMessage = zEmailMessageSummary.extend({
  text: z.string(),
  html: z.string().nullable(),
  messageId: z.string().nullable(),
  attachments: z.array(zEmailAttachmentInfo),
});
export type EmailMessage = z.infer<typeof zEmailMessage>;

export const zEmailMessageQuery = z.object({
  status: z.enum(EMAIL_STATUSES).optional(),
  /** Part of the recipient or subject. */
  q: z.string().trim().max(200).optional(),
  relatedType: z.string().max(40).optional(),
  relatedId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type EmailMessageQuery = z.input<typeof zEmailMessageQuery>;

export const zEmailMessagePage = z.object({ items: z.array(zEmailMessageSummary), total: z.number() });
export type EmailMessagePage = z.infer<typeof zEmailMessagePage>;
