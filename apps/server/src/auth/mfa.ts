import { randomBytes } from 'node:crypto';
import { type Db, queryRows, schema } from '@tend/db';
import { AppError, isRole, type MfaStatus } from '@tend/domain';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import type { RequestContext, RequestOrigin } from '../context';
import { openSecret, type SecretKeySource, sealSecret } from '../email/secret-box';
import { sha256, verifyPassword } from './secrets';
import {
  accountLocked,
  countFailedSignIn,
  issueSession,
  recordSignInFailure,
  refuseIfRateLimited,
  revokeUserAccess,
  type SignedIn,
} from './service';
import { base32Encode, matchTotp, otpauthUri } from './totp';

/**
 * Two-step sign-in with an authenticator app (TOTP). The secret is sealed with the server's
 * secret key (like the SMTP password); recovery codes are kept as SHA-256 only. Every change of
 * the second factor ends the person's other sessions.
 */

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Tend';

type UserRow = typeof schema.users.$inferSelect;

async function loadUser(db: Db, ctx: RequestContext): Promise<UserRow> {
  const [user] = await db
    .select()
    .from(schema.users)
    .where(and(eq(schema.users.id, ctx.userId), eq(schema.users.clinicId, ctx.clinicId)));
  if (!user) throw AppError.notFound('The staff account');
  return user;
}

function openMfaSecret(keys: SecretKeySource, sealed: string): string {
  try {
    return openSecret(keys, sealed);
  } catch {
    throw new AppError(
      'conflict',
      'The two-step sign-in secret cannot be read with this server’s secret key (TEND_SECRET_KEY or the data folder’s secret.key). Give every server the same key, or ask an administrator to reset two-step sign-in for this account.',
    );
  }
}

/** Whether the clinic requires two-step sign-in for this role. */
async function requiredFor(db: Db, clinicId: string, role: string): Promise<boolean> {
  const [clinic] = await db
    .select({ roles: schema.clinics.mfaRequiredRoles })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, clinicId));
  return clinic?.roles.includes(role) ?? false;
}

export async function mfaStatus(db: Db, ctx: RequestContext): Promise<MfaStatus> {
  const user = await loadUser(db, ctx);
  const [left] = await db
    .select({ n: count() })
    .from(schema.userRecoveryCodes)
    .where(and(eq(schema.userRecoveryCodes.userId, user.id), isNull(schema.userRecoveryCodes.usedAt)));
  return {
    enabled: user.mfaEnabledAt !== null,
    required: await requiredFor(db, user.clinicId, user.role),
    recoveryCodesLeft: user.mfaEnabledAt ? (left?.n ?? 0) : 0,
  };
}

/**
 * Starts enrolment: a new random secret (160 bits, as RFC 4226 recommends), stored sealed and not
 * yet in force; `confirmMfa` with a first code turns it on. Enrolling again before confirming
 * replaces the secret.
 */
export async function startMfaEnrolment(db: Db, keys: SecretKeySource, ctx: RequestContext) {
  if (!ctx.sessionId) {
    throw AppError.forbidden('Two-step sign-in is set up from a signed-in browser, not with an API token.');
  }
  const user = await loadUser(db, ctx);
  if (user.mfaEnabledAt) {
    throw new AppError('conflict', 'Two-step sign-in is on already. Turn it off first to move it to another device.');
  }
  const secret = base32Encode(randomBytes(20));
  await db
    .update(schema.users)
    .set({ mfaSecret: sealSecret(keys, secret), mfaLastStep: null, updatedAt: new Date() })
    .where(eq(schema.users.id, user.id));
  const uri = otpauthUri(secret, user.email, ISSUER);
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, uri, qrSvg };
}

/** Ten random codes of 16 base32 letters (80 bits each), shown grouped by four. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    (base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g) ?? []).join('-'),
  );
}

const recoveryHash = (code: string) => sha256(code.replace(/[\s-]/g, '').toLowerCase());

/** The first code from the app turns two-step sign-in on; returns the recovery codes, once. */
export async function confirmMfa(
  db: Db,
  keys: SecretKeySource,
  ctx: RequestContext,
  code: string,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const user = await loadUser(db, ctx);
  if (user.mfaEnabledAt) throw new AppError('conflict', 'Two-step sign-in is on already.');
  if (!user.mfaSecret) {
    throw new AppError('conflict', 'Start the set-up first: it shows the QR code to scan.');
  }
  const step = matchTotp(openMfaSecret(keys, user.mfaSecret), code, now, null);
  if (step === null) {
    throw AppError.validation([
      {
        path: 'code',
        message:
          'This code does not match. Enter the 6-digit code the app shows now; if it still fails, check that the phone’s clock is set automatically.',
      },
    ]);
  }
  const recoveryCodes = newRecoveryCodes();
  await db.transaction(async (tx) => {
    // Of two confirmations sent at once, one turns it on; the other would show codes that do not work.
    const enabled = await tx
      .update(schema.users)
      .set({ mfaEnabledAt: now, mfaLastStep: step, updatedAt: now })
      .where(and(eq(schema.users.id, user.id), isNull(schema.users.mfaEnabledAt)))
      .returning({ id: schema.users.id });
    if (!enabled.length) throw new AppError('conflict', 'Two-step sign-in is on already.');
    await tx.delete(schema.userRecoveryCodes).where(eq(schema.userRecoveryCodes.userId, user.id));
    await tx
      .insert(schema.userRecoveryCodes)
      .values(recoveryCodes.map((c) => ({ userId: user.id, codeHash: recoveryHash(c) })));
    await revokeUserAccess(tx, user.id, { tokens: false, exceptSessionId: ctx.sessionId });
    await recordAudit(tx, ctx, { action: 'auth.mfa_enrol', entityType: 'user', entityId: user.id });
  });
  return { recoveryCodes };
}

async function clearMfa(tx: Db, userId: string, now: Date): Promise<void> {
  await tx
    .update(schema.users)
    .set({ mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, updatedAt: now })
    .where(eq(schema.users.id, userId));
  await tx.delete(schema.userRecoveryCodes).where(eq(schema.userRecoveryCodes.userId, userId));
  await tx.delete(schema.mfaChallenges).where(eq(schema.mfaChallenges.userId, userId));
}

/**
 * Turns two-step sign-in off: the password and a current code, so a session left open on an
 * unattended desk is not enough. Wrong answers count like failed sign-ins.
 */
export async function disableMfa(
  db: Db,
  keys: SecretKeySource,
  ctx: RequestContext,
  input: { password: string; code: string },
  now = new Date(),
): Promise<void> {
  const user = await loadUser(db, ctx);
  if (!user.mfaEnabledAt || !user.mfaSecret) throw new AppError('conflict', 'Two-step sign-in is not on.');
  if (await requiredFor(db, user.clinicId, user.role)) {
    throw new AppError(
      'conflict',
      'Your clinic requires two-step sign-in for your role, so it cannot be turned off. An administrator can reset it if you lost your phone.',
    );
  }
  // A locked account gets no more guesses here than at sign-in.
  if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now);
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  const step = passwordOk ? await claimStep(db, keys, user, input.code, now) : null;
  if (!passwordOk || step === null) {
    await countFailedSignIn(db, user.id, now);
    await recordAudit(db, ctx, {
      action: 'auth.mfa_failed',
      outcome: 'failure',
      entityType: 'user',
      entityId: user.id,
      details: { reason: passwordOk ? 'bad_code' : 'bad_password', purpose: 'disable' },
    });
    throw AppError.validation([
      passwordOk
        ? { path: 'code', message: 'This code is not right. Enter the 6-digit code the app shows now.' }
        : { path: 'password', message: 'The password is not right.' },
    ]);
  }
  await db.transaction(async (tx) => {
    await clearMfa(tx, user.id, now);
    await revokeUserAccess(tx, user.id, { tokens: false, exceptSessionId: ctx.sessionId });
    await recordAudit(tx, ctx, { action: 'auth.mfa_disable', entityType: 'user', entityId: user.id });
  });
}

/**
 * An administrator clears another person's two-step sign-in (a lost phone): their sessions end,
 * and they set it up again at their next sign-in if the clinic requires it.
 */
export async function resetMfa(db: Db, ctx: RequestContext, userId: string, now = new Date()): Promise<void> {
  const [user] = await db
    .select()
    .from(schema.users)
    .where(and(eq(schema.users.id, userId), eq(schema.users.clinicId, ctx.clinicId)));
  if (!user) throw AppError.notFound('The staff account');
  if (user.id === ctx.userId) {
    throw new AppError(
      'conflict',
      'You cannot reset your own two-step sign-in: turn it off under Two-step sign-in (with your password and a code), or ask another administrator.',
    );
  }
  if (!user.mfaSecret && !user.mfaEnabledAt) {
    throw new AppError('conflict', `${user.name} has no two-step sign-in to reset.`);
  }
  await db.transaction(async (tx) => {
    await clearMfa(tx, user.id, now);
    await revokeUserAccess(tx, user.id, { tokens: false });
    await recordAudit(tx, ctx, { action: 'auth.mfa_reset', entityType: 'user', entityId: user.id });
  });
}

/**
 * Accepts a TOTP code once: the step is stored with a conditional UPDATE, so the same code sent
 * twice (even at the same moment) is accepted only the first time. Returns the step, or null.
 */
async function claimStep(db: Db, keys: SecretKeySource, user: UserRow, code: string, now: Date) {
  if (!user.mfaSecret) return null;
  const step = matchTotp(openMfaSecret(keys, user.mfaSecret), code, now, user.mfaLastStep);
  if (step === null) return null;
  const claimed = await queryRows<{ id: string }>(
    db,
    sql`UPDATE users SET mfa_last_step = ${step}
        WHERE id = ${user.id} AND (mfa_last_step IS NULL OR mfa_last_step < ${step})
        RETURNING id`,
  );
  return claimed.length > 0 ? step : null;
}

/**
 * The second step of sign-in: the challenge from the password step with a code from the app or
 * a recovery code (each works once). Wrong codes count against the account (its lockout) and the
 * address (its limit) like wrong passwords, and are audited.
 */
export async function completeMfaSignIn(
  db: Db,
  keys: SecretKeySource,
  input: { challenge: string; code?: string | undefined; recoveryCode?: string | undefined },
  origin: RequestOrigin,
  options: { now?: Date; previousToken?: string | undefined } = {},
): Promise<SignedIn> {
  const now = options.now ?? new Date();
  await refuseIfRateLimited(db, origin, now);
  const challengeId = sha256(input.challenge);
  const [row] = await db
    .select({ challenge: schema.mfaChallenges, user: schema.users })
    .from(schema.mfaChallenges)
    .innerJoin(schema.users, eq(schema.users.id, schema.mfaChallenges.userId))
    .where(eq(schema.mfaChallenges.id, challengeId));
  if (!row || row.challenge.usedAt || row.challenge.expiresAt <= now) {
    throw new AppError(
      'mfa_challenge_expired',
      'This sign-in took too long or was finished already. Enter your email and password again.',
    );
  }
  const { user } = row;
  if (!user.active || !isRole(user.role) || !user.mfaEnabledAt) {
    throw new AppError(
      'mfa_challenge_expired',
      'This sign-in is no longer valid. Enter your email and password again.',
    );
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await recordSignInFailure(db, origin, user, 'auth.mfa_failed', 'locked');
    throw accountLocked(user.lockedUntil, now);
  }
  let accepted: boolean;
  if (input.recoveryCode !== undefined) {
    const used = await queryRows<{ user_id: string }>(
      db,
      sql`UPDATE user_recovery_codes SET used_at = ${now.toISOString()}::timestamptz
          WHERE user_id = ${user.id} AND code_hash = ${recoveryHash(input.recoveryCode)} AND used_at IS NULL
          RETURNING user_id`,
    );
    accepted = used.length > 0;
  } else {
    accepted = (await claimStep(db, keys, user, input.code ?? '', now)) !== null;
  }
  if (!accepted) {
    const locked = await countFailedSignIn(db, user.id, now);
    const reason = input.recoveryCode !== undefined ? 'bad_recovery_code' : 'bad_code';
    await recordSignInFailure(db, origin, user, 'auth.mfa_failed', locked ? `${reason}_locked` : reason);
    throw new AppError(
      'invalid_credentials',
      input.recoveryCode !== undefined
        ? 'This recovery code is not right or was used already. Each code works once.'
        : 'This code is not right or was used already. Enter the 6-digit code the app shows now.',
    );
  }
  const method = input.recoveryCode !== undefined ? 'recovery_code' : 'totp';
  return issueSession(db, user, origin, {
    now,
    previousToken: options.previousToken,
    details: { secondFactor: method },
    inTransaction: async (tx) => {
      const consumed = await queryRows<{ id: string }>(
        tx,
        sql`UPDATE mfa_challenges SET used_at = ${now.toISOString()}::timestamptz
            WHERE id = ${challengeId} AND used_at IS NULL RETURNING id`,
      );
      if (consumed.length === 0) {
        throw new AppError(
          'mfa_challenge_expired',
          'This sign-in was finished already. Enter your email and password again.',
        );
      }
      if (method === 'recovery_code') {
        await recordAnonymousAudit(tx, origin, {
          clinicId: user.clinicId,
          actorUserId: user.id,
          actorRole: user.role,
          action: 'auth.recovery_code_used',
          entityType: 'user',
          entityId: user.id,
        });
      }
    },
  });
}
