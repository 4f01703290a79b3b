import { z } from 'zod';
import {
  EMAIL_STATUSES,
  type EmailMessagePage,
  type EmailMessageSummary,
  type EmailStatus,
  zEmailMessagePage,
  zEmailMessageQuery,
  zEmailMessageSummary,
} from './email';
import { t } from './i18n';
import { CHANNELS } from './messaging/templates';
import { zRequiredText } from './validation';

/** Texts: a clinic's SMS gateway settings, and the delivery log of every message (email and text). */

/** An international phone number, the only form a gateway accepts: +15551234567. */
const E164 = /^\+[1-9]\d{1,14}$/;
export const zE164 = z
  .string()
  .trim()
  .regex(E164, { error: () => t('validation.e164') });

/** https, or http to this machine only (a local test gateway): the auth token travels with every text. */
export function isAllowedGatewayUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export const zSmsSettings = z.object({
  baseUrl: z.string(),
  accountSid: z.string(),
  fromNumber: z.string(),
  enabled: z.boolean(),
  /** The auth token itself is never sent back: only whether one is stored. */
  tokenSet: z.boolean(),
  updatedAt: z.string(),
});
export type SmsSettings = z.infer<typeof zSmsSettings>;

/** What GET /api/settings/sms answers: the settings (null before they are saved) and how texts go. */
export const zSmsSettingsView = z.object({
  settings: zSmsSettings.nullable(),
  /** What happens to a text now: sent through the gateway, or captured in the outbox. */
  delivery: z.enum(['send', 'capture']),
  /** The server's configured mode (TEND_EMAIL_MODE governs texts too). */
  mode: z.enum(['auto', 'smtp', 'capture']),
});
export type SmsSettingsView = z.infer<typeof zSmsSettingsView>;

export const zSmsSettingsUpdate = z.object({
  baseUrl: zRequiredText(300)
    .transform((v) => v.replace(/\/+$/, ''))
    .refine(isAllowedGatewayUrl, { error: () => t('validation.smsBaseUrl') }),
  accountSid: zRequiredText(100).refine((v) => /^[\x21-\x7e]+$/.test(v), {
    error: () => t('validation.smsAccountSid'),
  }),
  /** Omitted or empty: keep the stored token; a value: replace it. Never read back. */
  authToken: z
    .string()
    .max(500, { error: () => t('validation.tooLong', { max: 500 }) })
    .refine((v) => /^[\x21-\x7e]*$/.test(v), { error: () => t('validation.smsAuthToken') })
    .optional(),
  fromNumber: zE164,
  enabled: z.boolean().default(true),
});
export type SmsSettingsUpdate = z.input<typeof zSmsSettingsUpdate>;

export const zSmsTestRequest = z.object({ to: zE164 });

/** One outbox for both channels: a text's statuses are an email's. */
export const MESSAGE_STATUSES = EMAIL_STATUSES;
export type MessageStatus = EmailStatus;

export const zSmsTestResult = z.object({
  ok: z.boolean(),
  status: z.enum(MESSAGE_STATUSES),
  /** The gateway's answer when it failed, as a sentence. */
  error: z.string().nullable(),
  messageId: z.string(),
});
export type SmsTestResult = z.infer<typeof zSmsTestResult>;

// ---- The delivery log ------------------------------------------------------------------------

/** A message in the delivery log (the email outbox lists the same rows). */
export const zMessageSummary = zEmailMessageSummary;
export type MessageSummary = EmailMessageSummary;

export const zMessageQuery = zEmailMessageQuery.extend({
  patientId: z.uuid().optional(),
  channel: z.enum(CHANNELS).optional(),
});
export type MessageQuery = z.input<typeof zMessageQuery>;

export const zMessagePage = zEmailMessagePage;
export type MessagePage = EmailMessagePage;
