import { type Db, schema } from '@tend/db';
import type { EmailMode, EmailSettings, EmailSettingsView, zEmailSettingsUpdate } from '@tend/domain';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import type { RequestContext } from '../context';
import { type SecretKeySource, sealSecret } from './secret-box';

/** A clinic's SMTP settings. The password goes in encrypted and never comes back out of the API. */

export type StoredEmailSettings = typeof schema.emailSettings.$inferSelect;

/** What the server needs to know to deliver: how (TEND_EMAIL_MODE), the secret key, trusted CAs. */
export interface EmailEnv extends SecretKeySource {
  emailMode: EmailMode;
  smtpCaFile: string | undefined;
}

export async function loadEmailSettings(db: Db, clinicId: string): Promise<StoredEmailSettings | null> {
  const [row] = await db.select().from(schema.emailSettings).where(eq(schema.emailSettings.clinicId, clinicId));
  return row ?? null;
}

/** Whether a message sent now goes out over SMTP or is captured in the outbox. */
export function deliveryFor(
  env: Pick<EmailEnv, 'emailMode'>,
  settings: StoredEmailSettings | null,
): 'smtp' | 'capture' {
  if (env.emailMode === 'capture') return 'capture';
  if (env.emailMode === 'smtp') return 'smtp';
  return settings?.enabled ? 'smtp' : 'capture';
}

function toSettings(row: StoredEmailSettings): EmailSettings {
  return {
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    passwordSet: row.passwordEncrypted !== null,
    fromAddress: row.fromAddress,
    fromName: row.fromName,
    enabled: row.enabled,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getEmailSettings(db: Db, ctx: RequestContext, env: EmailEnv): Promise<EmailSettingsView> {
  const row = await loadEmailSettings(db, ctx.clinicId);
  // A training clinic's email is always captured (deliverMessage): its settings screen says so.
  const delivery = ctx.training ? 'capture' : deliveryFor(env, row);
  return { settings: row ? toSettings(row) : null, delivery, mode: env.emailMode };
}

export async function updateEmailSettings(
  db: Db,
  ctx: RequestContext,
  input: z.output<typeof zEmailSettingsUpdate>,
  env: EmailEnv,
): Promise<EmailSettingsView> {
  const previous = await loadEmailSettings(db, ctx.clinicId);
  // No user name: no authentication, so no password either. An empty password keeps the stored one.
  const passwordEncrypted =
    input.username === null || input.password === null
      ? null
      : input.password
        ? sealSecret(env, input.password)
        : (previous?.passwordEncrypted ?? null);
  const values = {
    host: input.host,
    port: input.port,
    security: input.security,
    username: input.username,
    passwordEncrypted,
    fromAddress: input.fromAddress,
    fromName: input.fromName,
    enabled: input.enabled,
    updatedAt: new Date(),
    updatedBy: ctx.userId,
  };
  const row = await db.transaction(async (tx) => {
    const [saved] = await tx
      .insert(schema.emailSettings)
      .values({ clinicId: ctx.clinicId, ...values })
      .onConflictDoUpdate({ target: schema.emailSettings.clinicId, set: values })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'email.settings_update',
      entityType: 'email_settings',
      entityId: ctx.clinicId,
      details: {
        host: input.host,
        port: input.port,
        security: input.security,
        enabled: input.enabled,
        // Whether, never what.
        passwordChanged: passwordEncrypted !== (previous?.passwordEncrypted ?? null),
      },
    });
    return saved;
  });
  return { settings: toSettings(row), delivery: ctx.training ? 'capture' : deliveryFor(env, row), mode: env.emailMode };
}
