import { type Db, newId, prepared, queryRows, schema } from '@tend/db';
import { AppError, type Clinic, can, isRole, type Permission, type Role, t } from '@tend/domain';
import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import type { RequestContext, RequestOrigin } from '../context';
import { dummyPasswordHash, newSecret, sha256, verifyPassword } from './secrets';
import { claimSignInAttempt, releaseSignInAttempt } from './throttle';

/** Every this many failed sign-ins in a row lock the account. */
export const MAX_FAILED_SIGN_INS = 5;
/** The first lock lasts this long; each further lock (without a successful sign-in between) twice as long… */
export const LOCKOUT_MINUTES = 15;
/** …up to this. */
export const MAX_LOCKOUT_MINUTES = 24 * 60;
/** A session ends after this long even when used all day (the clinic signs in each morning). */
export const SESSION_MAX_HOURS = 12;
/** Activity bumps `last_seen_at` at most this often, to spare the database a write per request. */
const TOUCH_EVERY_MS = 15_000;

/** A challenge lives this long: the second step of sign-in must come within it. */
export const MFA_CHALLENGE_MINUTES = 5;

export interface SignedIn {
  token: string;
  user: SessionUser;
}

/** The password was right; the account has two-step sign-in, so a code must follow. */
export interface MfaChallenge {
  challenge: string;
  expiresAt: Date;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  clinicId: string;
}

/** A wait in words, rounded up to the minute: "25 minute(s)", "2 hour(s) 30 minute(s)". */
function duration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 60) return `${minutes} minute(s)`;
  const rest = minutes % 60;
  return `${Math.floor(minutes / 60)} hour(s)${rest ? ` ${rest} minute(s)` : ''}`;
}

/**
 * The per-address limit comes first, so a refused attempt costs no password hashing. The
 * attempt stays counted unless it succeeds (`releaseSignInAttempt`).
 */
export async function refuseIfRateLimited(db: Db, origin: RequestOrigin, now: Date): Promise<void> {
  const retryAfterSeconds = await claimSignInAttempt(db, origin.ip, now);
  if (retryAfterSeconds <= 0) return;
  await recordAnonymousAudit(db, origin, {
    clinicId: null,
    action: 'auth.rate_limited',
    outcome: 'failure',
    details: { retryAfterSeconds },
  });
  throw new AppError(
    'rate_limited',
    `Too many failed sign-ins from this network address. Try again in ${duration(retryAfterSeconds * 1000)}.`,
    { details: { retryAfterSeconds } },
  );
}

/**
 * Counts a failed sign-in (wrong password or wrong second-step code) against the account. One
 * atomic UPDATE, so concurrent wrong attempts all count. The count runs on until a successful
 * sign-in (or an administrator's unlock); every MAX_FAILED_SIGN_INS-th failure locks the
 * account, each lock twice as long as the one before. Guesses while locked are refused unseen
 * and not counted, so they cannot stretch the lock of the real user. Returns whether it is locked.
 */
export async function countFailedSignIn(db: Db, userId: string, now: Date): Promise<boolean> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [counted] = await queryRows<{ locked: boolean }>(
    db,
    sql`UPDATE users SET
          failed_sign_ins = failed_sign_ins + 1,
          locked_until = CASE WHEN (failed_sign_ins + 1) % ${MAX_FAILED_SIGN_INS}::int = 0
                              THEN ${at} + least(${LOCKOUT_MINUTES}::int * power(2, least((failed_sign_ins + 1) / ${MAX_FAILED_SIGN_INS}::int - 1, 20)),
                                                 ${MAX_LOCKOUT_MINUTES}::int) * interval '1 minute'
                              ELSE locked_until END
        WHERE id = ${userId} AND (locked_until IS NULL OR locked_until <= ${at})
        RETURNING locked_until IS NOT NULL AND locked_until > ${at} AS locked`,
  );
  return counted?.locked === true;
}

export function accountLocked(lockedUntil: Date, now: Date): AppError {
  return new AppError(
    'account_locked',
    `Too many failed sign-ins: this account is locked for another ${duration(lockedUntil.getTime() - now.getTime())}. An administrator can unlock it sooner.`,
  );
}

type UserRow = typeof schema.users.$inferSelect;

/**
 * Password sign-in. Without two-step sign-in it starts a session; with it, it answers a
 * challenge that `completeMfaSignIn` (mfa.ts) turns into a session with the code. The failure
 * count of the account is left as it is until the second step succeeds, so knowing the password
 * does not buy more code guesses.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string },
  origin: RequestOrigin,
  options: { now?: Date; previousToken?: string | undefined } = {},
): Promise<SignedIn | MfaChallenge> {
  const now = options.now ?? new Date();
  await refuseIfRateLimited(db, origin, now);
  const email = input.email.trim().toLowerCase();
  const [user] = await db.select().from(schema.users).where(sql`lower(${schema.users.email}) = ${email}`);
  const invalid = new AppError('invalid_credentials', 'The email or password is not right. Check both and try again.');
  if (!user) {
    await verifyPassword(await dummyPasswordHash(), input.password);
    await recordAnonymousAudit(db, origin, {
      clinicId: null,
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      details: { reason: 'unknown_email' },
    });
    throw invalid;
  }
  const failure = (reason: string) => recordSignInFailure(db, origin, user, 'auth.sign_in_failed', reason);
  // The password is checked before the lock, so a locked account answers like any wrong
  // password unless the right one is given: the lock alone does not tell who has an account.
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  if (!passwordOk) {
    const locked = await countFailedSignIn(db, user.id, now);
    await failure(locked ? 'bad_password_locked' : 'bad_password');
    throw invalid;
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await failure('locked');
    throw accountLocked(user.lockedUntil, now);
  }
  if (!user.active || !isRole(user.role)) {
    await failure('inactive');
    throw invalid;
  }
  if (user.mfaEnabledAt) {
    const challenge = newSecret();
    const expiresAt = new Date(now.getTime() + MFA_CHALLENGE_MINUTES * 60_000);
    await db.transaction(async (tx) => {
      await releaseSignInAttempt(tx, origin.ip, now);
      await tx
        .delete(schema.mfaChallenges)
        .where(
          sql`${schema.mfaChallenges.userId} = ${user.id} AND ${schema.mfaChallenges.expiresAt} < ${now.toISOString()}::timestamptz`,
        );
      await tx
        .insert(schema.mfaChallenges)
        .values({ id: sha256(challenge), userId: user.id, createdAt: now, expiresAt });
    });
    return { challenge, expiresAt };
  }
  return issueSession(db, user, origin, { now, previousToken: options.previousToken });
}

export function recordSignInFailure(
  db: Db,
  origin: RequestOrigin,
  user: UserRow,
  action: 'auth.sign_in_failed' | 'auth.mfa_failed',
  reason: string,
) {
  return recordAnonymousAudit(db, origin, {
    clinicId: user.clinicId,
    actorUserId: user.id,
    actorRole: user.role,
    action,
    outcome: 'failure',
    entityType: 'user',
    entityId: user.id,
    details: { reason },
  });
}

/**
 * Starts a session after every check passed: the failure count starts over, the address's
 * attempt is given back, and the session the browser held before (its cookie) ends — a new
 * sign-in never leaves an old session behind (session rotation).
 */
export async function issueSession(
  db: Db,
  user: UserRow,
  origin: RequestOrigin,
  options: {
    now: Date;
    previousToken: string | undefined;
    details?: Record<string, unknown>;
    inTransaction?: (tx: Db) => Promise<void>;
  },
): Promise<SignedIn> {
  const { now } = options;
  const token = newSecret();
  await db.transaction(async (tx) => {
    await options.inTransaction?.(tx);
    await tx
      .update(schema.users)
      .set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now })
      .where(eq(schema.users.id, user.id));
    await releaseSignInAttempt(tx, origin.ip, now);
    if (options.previousToken) {
      await tx
        .update(schema.sessions)
        .set({ revokedAt: now })
        .where(and(eq(schema.sessions.id, sha256(options.previousToken)), isNull(schema.sessions.revokedAt)));
    }
    await tx.insert(schema.sessions).values({
      id: sha256(token),
      userId: user.id,
      clinicId: user.clinicId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_HOURS * 3_600_000),
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    await recordAnonymousAudit(tx, origin, {
      clinicId: user.clinicId,
      actorUserId: user.id,
      actorRole: user.role,
      action: 'auth.sign_in',
      entityType: 'user',
      entityId: user.id,
      ...(options.details ? { details: options.details } : {}),
    });
  });
  return {
    token,
    user: { id: user.id, email: user.email, name: user.name, role: user.role as Role, clinicId: user.clinicId },
  };
}

/** The session of a token with its person and clinic rules: read on every request, so built once. */
const sessionQuery = prepared('tend_auth_session', (d) =>
  d
    .select({
      session: {
        id: schema.sessions.id,
        parentSessionId: schema.sessions.parentSessionId,
        revokedAt: schema.sessions.revokedAt,
        expiresAt: schema.sessions.expiresAt,
        lastSeenAt: schema.sessions.lastSeenAt,
      },
      user: {
        id: schema.users.id,
        clinicId: schema.users.clinicId,
        name: schema.users.name,
        email: schema.users.email,
        role: schema.users.role,
        active: schema.users.active,
        mfaEnabledAt: schema.users.mfaEnabledAt,
      },
      idle: schema.clinics.idleTimeoutMinutes,
      mfaRequiredRoles: schema.clinics.mfaRequiredRoles,
      training: schema.clinics.isTraining,
      // A training session lives only as long as the real session it was opened from (and its person).
      parentEnded: sql<boolean>`${schema.sessions.parentSessionId} IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM sessions p JOIN users pu ON pu.id = p.user_id
           WHERE p.id = ${schema.sessions.parentSessionId} AND p.revoked_at IS NULL
             AND p.expires_at > ${sql.placeholder('now')}::timestamptz AND pu.active)`,
    })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.sessions.clinicId))
    .where(eq(schema.sessions.id, sql.placeholder('id'))),
);

/**
 * Resolves a session cookie to a request context. Enforces the clinic's idle time-out on the
 * server: a session unused for longer is ended, whatever the browser shows. Background requests
 * (`touch: false`, e.g. polling) do not count as activity.
 */
export async function authenticateSession(
  db: Db,
  token: string,
  origin: RequestOrigin,
  options: { touch: boolean; now?: Date },
): Promise<RequestContext> {
  const now = options.now ?? new Date();
  const [row] = await sessionQuery(db).execute({ id: sha256(token), now: now.toISOString() });
  if (
    !row ||
    row.session.revokedAt ||
    row.session.expiresAt <= now ||
    !row.user.active ||
    !isRole(row.user.role) ||
    row.parentEnded
  ) {
    throw new AppError('unauthenticated', 'Please sign in.');
  }
  const { session, user } = row;
  const ctx: RequestContext = {
    clinicId: user.clinicId,
    userId: user.id,
    role: user.role as Role,
    userName: user.name,
    email: user.email,
    ip: origin.ip,
    userAgent: origin.userAgent,
    sessionId: session.id,
    tokenId: null,
    mfaEnrolmentPending: !user.mfaEnabledAt && row.mfaRequiredRoles.includes(user.role),
    training: row.training,
  };
  // The training session and the real one behind it go together: activity in training keeps the
  // real one alive (for leaving), idling out ends both.
  const sameSessions = session.parentSessionId
    ? or(eq(schema.sessions.id, session.id), eq(schema.sessions.id, session.parentSessionId))
    : eq(schema.sessions.id, session.id);
  if (now.getTime() - session.lastSeenAt.getTime() > row.idle * 60_000) {
    await db.update(schema.sessions).set({ revokedAt: now }).where(sameSessions);
    await recordAudit(db, ctx, {
      action: 'auth.session_expired',
      entityType: 'session',
      details: { idleMinutes: row.idle },
    });
    throw new AppError(
      'session_expired',
      'You were signed out after a period of inactivity. Sign in again to continue.',
    );
  }
  if (options.touch && now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(schema.sessions).set({ lastSeenAt: now }).where(sameSessions);
  }
  return ctx;
}

/**
 * Signing out in training ends the real session behind it too (and "everywhere" means the real
 * person's sessions everywhere): the person leaves the desk, not just the practice.
 */
export async function signOut(db: Db, ctx: RequestContext, everywhere: boolean): Promise<void> {
  const now = new Date();
  await db.transaction(async (tx) => {
    if (everywhere) {
      await tx
        .update(schema.sessions)
        .set({ revokedAt: now })
        .where(
          and(
            or(
              eq(schema.sessions.userId, ctx.userId),
              sql`${schema.sessions.userId} = (SELECT training_for FROM users WHERE id = ${ctx.userId})`,
              sql`${schema.sessions.userId} IN (SELECT id FROM users WHERE training_for = ${ctx.userId})`,
            ),
            isNull(schema.sessions.revokedAt),
          ),
        );
    } else if (ctx.sessionId) {
      await tx
        .update(schema.sessions)
        .set({ revokedAt: now })
        .where(
          or(
            eq(schema.sessions.id, ctx.sessionId),
            sql`${schema.sessions.id} = (SELECT parent_session_id FROM sessions WHERE id = ${ctx.sessionId})`,
          ),
        );
    }
    await recordAudit(tx, ctx, { action: everywhere ? 'auth.sign_out_everywhere' : 'auth.sign_out' });
  });
}

/**
 * Ends every session of a user, and with `tokens` every API token too (deactivation, password
 * reset, role change, MFA reset); `exceptSessionId` keeps the one the change was made from (the
 * person turning their own MFA on or off).
 */
export async function revokeUserAccess(
  db: Db,
  userId: string,
  options: { tokens: boolean; exceptSessionId?: string | null },
): Promise<void> {
  const now = new Date();
  await db
    .update(schema.sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(schema.sessions.userId, userId),
        isNull(schema.sessions.revokedAt),
        options.exceptSessionId ? ne(schema.sessions.id, options.exceptSessionId) : undefined,
      ),
    );
  if (options.tokens) {
    await db
      .update(schema.apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(schema.apiTokens.userId, userId), isNull(schema.apiTokens.revokedAt)));
  }
}

// ---- API tokens ---------------------------------------------------------------------------

export const TOKEN_PREFIX = 'tend_';

export async function authenticateToken(db: Db, token: string, origin: RequestOrigin): Promise<RequestContext> {
  const now = new Date();
  const [row] = await db
    .select({ token: schema.apiTokens, user: schema.users, training: schema.clinics.isTraining })
    .from(schema.apiTokens)
    .innerJoin(schema.users, eq(schema.users.id, schema.apiTokens.userId))
    .innerJoin(schema.clinics, eq(schema.clinics.id, schema.apiTokens.clinicId))
    .where(eq(schema.apiTokens.tokenHash, sha256(token)));
  // A training clinic is reached only through a session opened from a real one (or the fresh
  // install's demo sign-ins): a token would outlive both, so none works there.
  if (
    !row ||
    row.token.revokedAt ||
    row.token.expiresAt <= now ||
    !row.user.active ||
    !isRole(row.user.role) ||
    row.training
  ) {
    throw new AppError('unauthenticated', 'This API token is not valid: it may be revoked or expired.');
  }
  await db.update(schema.apiTokens).set({ lastUsedAt: now }).where(eq(schema.apiTokens.id, row.token.id));
  return {
    clinicId: row.user.clinicId,
    userId: row.user.id,
    role: row.user.role as Role,
    userName: row.user.name,
    email: row.user.email,
    ip: origin.ip,
    userAgent: origin.userAgent,
    sessionId: null,
    tokenId: row.token.id,
    tokenScopes: row.token.scopes as Permission[],
  };
}

/** The context of a staff user acting through the command line on this machine. */
export async function contextForUser(db: Db, email: string): Promise<RequestContext> {
  const [user] = await db
    .select()
    .from(schema.users)
    .where(sql`lower(${schema.users.email}) = ${email.trim().toLowerCase()}`);
  if (!user || !isRole(user.role)) throw new AppError('not_found', `No staff account has the email ${email}.`);
  return {
    clinicId: user.clinicId,
    userId: user.id,
    role: user.role,
    userName: user.name,
    email: user.email,
    ip: 'cli',
    userAgent: 'tend-cli',
    sessionId: null,
    tokenId: null,
  };
}

/**
 * Creates an API token acting as the signed-in user (`ctx`), never as someone else: an
 * administrator minting a token for a provider would act with a role the matrix denies them
 * (clinical notes). Tokens for other people come from the machine's operator: `tend token create`.
 * The token may use only its scopes — each one a permission of the user's role — and expires.
 */
export async function createApiToken(
  db: Db,
  ctx: RequestContext,
  input: { name: string; scopes: Permission[]; expiresInDays: number },
): Promise<{ token: string; id: string }> {
  const [user] = await db
    .select()
    .from(schema.users)
    .where(and(eq(schema.users.id, ctx.userId), eq(schema.users.clinicId, ctx.clinicId)));
  if (!user) throw AppError.notFound('The staff account');
  if (!user.active) throw new AppError('conflict', 'This account is deactivated; activate it before creating a token.');
  if (ctx.training) {
    throw new AppError('conflict', 'API tokens do not work in the training clinic: create one in the real clinic.');
  }
  const refused = isRole(user.role) ? input.scopes.filter((scope) => !can(user.role as Role, scope)) : input.scopes;
  if (refused.length > 0) {
    throw AppError.validation([
      { path: 'scopes', message: t('validation.tokenScopeNotAllowed', { scopes: refused.join(', ') }) },
    ]);
  }
  const token = newSecret(TOKEN_PREFIX);
  const id = newId();
  await db.transaction(async (tx) => {
    await tx.insert(schema.apiTokens).values({
      id,
      clinicId: ctx.clinicId,
      userId: user.id,
      name: input.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, 12),
      createdBy: ctx.userId,
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      scopes: input.scopes,
    });
    await recordAudit(tx, ctx, {
      action: 'token.create',
      entityType: 'api_token',
      entityId: id,
      details: { userId: user.id, scopes: input.scopes, expiresInDays: input.expiresInDays },
    });
  });
  return { token, id };
}

export async function listApiTokens(db: Db, ctx: RequestContext) {
  const rows = await db
    .select({ token: schema.apiTokens, email: schema.users.email })
    .from(schema.apiTokens)
    .innerJoin(schema.users, eq(schema.users.id, schema.apiTokens.userId))
    .where(eq(schema.apiTokens.clinicId, ctx.clinicId))
    .orderBy(schema.apiTokens.createdAt);
  return rows.map(({ token, email }) => ({
    id: token.id,
    name: token.name,
    userId: token.userId,
    userEmail: email,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    scopes: token.scopes,
  }));
}

export async function revokeApiToken(db: Db, ctx: RequestContext, tokenId: string): Promise<void> {
  const updated = await db
    .update(schema.apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(schema.apiTokens.id, tokenId), eq(schema.apiTokens.clinicId, ctx.clinicId)))
    .returning({ id: schema.apiTokens.id });
  if (updated.length === 0) throw AppError.notFound('The API token');
  await recordAudit(db, ctx, { action: 'token.revoke', entityType: 'api_token', entityId: tokenId });
}

// ---- The signed-in user's view ------------------------------------------------------------

export async function getClinic(db: Db, clinicId: string): Promise<Clinic> {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, clinicId));
  if (!clinic) throw AppError.notFound('The clinic');
  return toClinic(clinic);
}

export function toClinic(clinic: typeof schema.clinics.$inferSelect): Clinic {
  return {
    id: clinic.id,
    name: clinic.name,
    timezone: clinic.timezone,
    currency: clinic.currency,
    country: clinic.country,
    address: clinic.address ?? null,
    idleTimeoutMinutes: clinic.idleTimeoutMinutes,
    slotGridMinutes: clinic.slotGridMinutes,
    unitSystem: clinic.unitSystem,
    billingNpi: clinic.billingNpi,
    taxId: clinic.taxId,
    phone: clinic.phone,
    quietHoursStart: clinic.quietHoursStart,
    quietHoursEnd: clinic.quietHoursEnd,
    waitlistOffersEnabled: clinic.waitlistOffersEnabled,
    waitlistHoldMinutes: clinic.waitlistHoldMinutes,
    waitlistOfferLeadMinutes: clinic.waitlistOfferLeadMinutes,
    onTimeGraceMinutes: clinic.onTimeGraceMinutes,
    lateCancelHours: clinic.lateCancelHours,
    mfaRequiredRoles: clinic.mfaRequiredRoles.filter(isRole),
    emergencyAccessMinutes: clinic.emergencyAccessMinutes,
    isTraining: clinic.isTraining,
    trainingOf: clinic.trainingOf,
  };
}
