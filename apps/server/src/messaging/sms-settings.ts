import { type Db, newId, schema } from '@tend/db';
import {
  AppError,
  type SmsSettings,
  type SmsSettingsView,
  type SmsTestResult,
  type zSmsSettingsUpdate,
} from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { sealSecret } from '../email/secret-box';
import { deliverMessage, type MessagingEnv, recordDelivery, smsDeliveryFor } from './outbox';

/** A clinic's SMS gateway. The auth token goes in sealed and never comes back out of the API. */

export type StoredSmsSettings = typeof schema.smsSettings.$inferSelect;

/** How long a text sent by a request is its own before the worker may take it over. */
const INLINE_LEASE_MS = 5 * 60_000;

export async function loadSmsSettings(db: Db, clinicId: string): Promise<StoredSmsSettings | null> {
  const [row] = await db.select().from(schema.smsSettings).where(eq(schema.smsSettings.clinicId, clinicId));
  return row ?? null;
}

function toSettings(row: StoredSmsSettings): SmsSettings {
  return {
    baseUrl: row.baseUrl,
    accountSid: row.accountSid,
    fromNumber: row.fromNumber,
    enabled: row.enabled,
    tokenSet: row.authTokenEncrypted !== '',
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A training clinic's texts are always captured (deliverMessage): its settings screen says so. */
function view(env: MessagingEnv, row: StoredSmsSettings | null, ctx: RequestContext): SmsSettingsView {
  const delivery = ctx.training ? 'capture' : smsDeliveryFor(env, row);
  return { settings: row ? toSettings(row) : null, delivery, mode: env.emailMode };
}

export async function getSmsSettings(db: Db, ctx: RequestContext, env: MessagingEnv): Promise<SmsSettingsView> {
  return view(env, await loadSmsSettings(db, ctx.clinicId), ctx);
}

export async function updateSmsSettings(
  db: Db,
  ctx: RequestContext,
  input: z.output<typeof zSmsSettingsUpdate>,
  env: MessagingEnv,
): Promise<SmsSettingsView> {
  const previous = await loadSmsSettings(db, ctx.clinicId);
  // An empty or omitted token keeps the stored one; the first save needs one.
  const authTokenEncrypted = input.authToken ? sealSecret(env, input.authToken) : previous?.authTokenEncrypted;
  if (!authTokenEncrypted) {
    throw AppError.validation([{ path: 'authToken', message: 'Enter the auth token of the gateway account.' }]);
  }
  const values = {
    baseUrl: input.baseUrl,
    accountSid: input.accountSid,
    authTokenEncrypted,
    fromNumber: input.fromNumber,
    enabled: input.enabled,
    updatedAt: new Date(),
    updatedBy: ctx.userId,
  };
  const row = await db.transaction(async (tx) => {
    const [saved] = await tx
      .insert(schema.smsSettings)
      .values({ clinicId: ctx.clinicId, ...values })
      .onConflictDoUpdate({ target: schema.smsSettings.clinicId, set: values })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'sms.settings_update',
      entityType: 'sms_settings',
      entityId: ctx.clinicId,
      details: {
        baseUrl: input.baseUrl,
        accountSid: input.accountSid,
        fromNumber: input.fromNumber,
        enabled: input.enabled,
        // Whether, never what.
        tokenChanged: authTokenEncrypted !== previous?.authTokenEncrypted,
      },
    });
    return saved;
  });
  return view(env, row, ctx);
}

/** Sends a short test text to `to` right away through the saved settings, and says what the gateway answered. */
export async function sendTestSms(db: Db, ctx: RequestContext, to: string, env: MessagingEnv): Promise<SmsTestResult> {
  const [clinic] = await db
    .select({ name: schema.clinics.name })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  const id = newId();
  // Written before anything is sent, leased to this request so the worker leaves it alone.
  const [row] = await db
    .insert(schema.messages)
    .values({
      id,
      clinicId: ctx.clinicId,
      channel: 'sms',
      toAddress: to,
      subject: '',
      textBody: `${clinic?.name ?? 'Tend'}: this is a test text from Tend, sent by ${ctx.userName}. Texts work.`,
      status: 'sending',
      lockedUntil: new Date(Date.now() + INLINE_LEASE_MS),
      claimedBy: 'inline',
      idempotencyKey: `sms-test:${id}`,
      createdBy: ctx.userId,
    })
    .returning();
  const delivery = await deliverMessage(db, env, row);
  const recorded = await db.transaction(async (tx) => {
    // Sent by a person, who sees the outcome: a failure is final (they may try again).
    const saved = await recordDelivery(tx, row, delivery, { now: new Date(), retry: false });
    // Who was texted — never the text.
    await recordAudit(tx, ctx, {
      action: 'sms.send',
      outcome: saved.status === 'failed' ? 'failure' : 'success',
      entityType: 'message',
      entityId: row.id,
      details: { to, status: saved.status, test: true },
    });
    return saved;
  });
  return {
    ok: recorded.status === 'sent' || recorded.status === 'captured',
    status: recorded.status,
    error: recorded.error,
    messageId: row.id,
  };
}
