import { randomInt } from 'node:crypto';
import { type Db, newId, queryRows, schema } from '@tend/db';
import { AppError, type Role, todayIn } from '@tend/domain';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import { newSecret, sha256, UNUSABLE_PASSWORD_HASH } from '../auth/secrets';
import type { SessionUser } from '../auth/service';
import type { RequestContext, RequestOrigin } from '../context';
import { populateTrainingClinic, type TrainingPopulation } from './generate';
import { purgeTrainingClinic } from './purge';

/**
 * The training clinic: a clinic row like any other (every table scopes by clinic), marked
 * `is_training`, beside each real clinic (`training_of`) — or, on a fresh install, on its own
 * (the demo the setup page offers). Staff practise there as a stand-in of themselves
 * (users.training_for) with their own role, in a session opened from their real one
 * (sessions.parent_session_id). See docs/architecture.md, "Training clinic".
 */

/** The demo clinic's sign-ins (README, setup page): one account per role at this domain… */
export const DEMO_EMAIL_DOMAIN = 'demo.tend.test';
/** …all with this password (it passes the password policy; it is public, like the demo). */
export const DEMO_PASSWORD = 'practise-safely-here';

/** Where a real clinic's mock staff get their (unusable) accounts: one domain per clinic, as emails are unique. */
function mockStaffDomain(trainingClinicId: string): string {
  return `training-${trainingClinicId.slice(0, 8)}.tend.test`;
}

/** The mock staff of a training clinic: sign-ins on the demo; without a password beside a real clinic. */
function staffOptions(clinic: { id: string; trainingOf: string | null }) {
  return clinic.trainingOf
    ? { emailDomain: mockStaffDomain(clinic.id), password: null }
    : { emailDomain: DEMO_EMAIL_DOMAIN, password: DEMO_PASSWORD };
}

type ClinicRow = typeof schema.clinics.$inferSelect;

/** The settings a training clinic copies from its real clinic (so dates, money and forms look the same). */
function copiedSettings(real: ClinicRow) {
  return {
    name: `${real.name} (training)`,
    timezone: real.timezone,
    currency: real.currency,
    country: real.country,
    address: real.address,
    unitSystem: real.unitSystem,
    idleTimeoutMinutes: real.idleTimeoutMinutes,
    slotGridMinutes: real.slotGridMinutes,
    quietHoursStart: real.quietHoursStart,
    quietHoursEnd: real.quietHoursEnd,
    onTimeGraceMinutes: real.onTimeGraceMinutes,
    lateCancelHours: real.lateCancelHours,
    // Stand-ins have no authenticator app: two-step sign-in is the real session's business.
    mfaRequiredRoles: [],
  };
}

export async function trainingClinicOf(db: Db, realClinicId: string): Promise<ClinicRow | null> {
  const [row] = await db.select().from(schema.clinics).where(eq(schema.clinics.trainingOf, realClinicId));
  return row ?? null;
}

/** The real clinic's training clinic, made and filled with mock data the first time it is asked for. */
export async function ensureTrainingClinic(db: Db, realClinicId: string): Promise<ClinicRow> {
  const existing = await trainingClinicOf(db, realClinicId);
  if (existing) return existing;
  const [real] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, realClinicId));
  if (!real || real.isTraining) throw AppError.notFound('The clinic');
  const id = newId();
  // Two people switching at once: one inserts, the other finds it (the unique index on training_of).
  const inserted = await db
    .insert(schema.clinics)
    .values({ id, ...copiedSettings(real), isTraining: true, trainingOf: realClinicId })
    .onConflictDoNothing()
    .returning();
  if (!inserted[0]) {
    const raced = await trainingClinicOf(db, realClinicId);
    if (!raced) throw new AppError('conflict', 'The training clinic could not be made; try again.');
    return raced;
  }
  await populateTrainingClinic(db, id, { seed: randomInt(2 ** 31), now: new Date(), staff: staffOptions(inserted[0]) });
  return inserted[0];
}

/** The person behind a stand-in (or the person themselves outside training), as a context in their real clinic. */
export async function realContext(db: Db, ctx: RequestContext): Promise<RequestContext | null> {
  if (!ctx.training) return ctx;
  const [real] = await queryRows<{ id: string; clinic_id: string; role: string; name: string; email: string }>(
    db,
    sql`SELECT r.id, r.clinic_id, r.role, r.name, r.email FROM users s JOIN users r ON r.id = s.training_for
         WHERE s.id = ${ctx.userId}`,
  );
  if (!real) return null;
  return {
    ...ctx,
    clinicId: real.clinic_id,
    userId: real.id,
    role: real.role as Role,
    userName: real.name,
    email: real.email,
    training: false,
  };
}

/**
 * The stand-in of a real user in a training clinic: made on the first switch with an unusable
 * password (no one signs in as it), kept in step with the real account's name and role. A
 * provider's stand-in is a provider of the training clinic with working hours, so it has a
 * schedule and can sign its visits.
 */
async function standInFor(
  db: Db,
  ctx: RequestContext,
  trainingClinicId: string,
): Promise<typeof schema.users.$inferSelect> {
  const u = schema.users;
  const [existing] = await db.select().from(u).where(eq(u.trainingFor, ctx.userId));
  let standIn = existing;
  if (!standIn) {
    [standIn] = await db
      .insert(u)
      .values({
        id: newId(),
        clinicId: trainingClinicId,
        email: `training-${ctx.userId}@stand-in.tend.test`,
        name: ctx.userName,
        role: ctx.role,
        passwordHash: UNUSABLE_PASSWORD_HASH,
        trainingFor: ctx.userId,
      })
      .returning();
  } else if (standIn.role !== ctx.role || standIn.name !== ctx.userName || !standIn.active) {
    [standIn] = await db
      .update(u)
      .set({ role: ctx.role, name: ctx.userName, active: true })
      .where(eq(u.id, standIn.id))
      .returning();
  }
  await ensureStandInProviders(db, trainingClinicId);
  return standIn;
}

/** Every provider stand-in of the clinic has a providers row with weekday hours (again after a reset). */
export async function ensureStandInProviders(db: Db, trainingClinicId: string): Promise<void> {
  const missing = await queryRows<{ id: string; name: string }>(
    db,
    sql`SELECT u.id, u.name FROM users u
         WHERE u.clinic_id = ${trainingClinicId} AND u.training_for IS NOT NULL AND u.role = 'provider' AND u.active
           AND NOT EXISTS (SELECT 1 FROM providers p WHERE p.user_id = u.id)`,
  );
  if (!missing.length) return;
  const [location] = await db
    .select()
    .from(schema.locations)
    .where(and(eq(schema.locations.clinicId, trainingClinicId), eq(schema.locations.active, true)))
    .orderBy(asc(schema.locations.name))
    .limit(1);
  for (const user of missing) {
    const providerId = newId();
    await db.insert(schema.providers).values({
      id: providerId,
      clinicId: trainingClinicId,
      userId: user.id,
      name: user.name,
      color: '#ae3ec9',
    });
    if (!location) continue;
    await db.insert(schema.providerSchedules).values({
      id: newId(),
      clinicId: trainingClinicId,
      providerId,
      locationId: location.id,
      // From a month back, so the past week's screens show the hours too.
      validFrom: shiftDate(todayIn(location.timezone), -31),
      blocks: ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
    });
  }
}

function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface SwitchedSession {
  token: string;
  user: SessionUser;
}

/**
 * Into training: the caller's stand-in in their clinic's training clinic (made, with the clinic,
 * the first time), in a new session whose parent is the caller's; audited in the real clinic.
 */
export async function enterTraining(db: Db, ctx: RequestContext, origin: RequestOrigin): Promise<SwitchedSession> {
  if (ctx.training) throw new AppError('conflict', 'You are already in the training clinic.');
  if (!ctx.sessionId) throw AppError.forbidden('Only a signed-in person can switch to training, not an API token.');
  const clinic = await ensureTrainingClinic(db, ctx.clinicId);
  const standIn = await standInFor(db, ctx, clinic.id);
  const [parent] = await db.select().from(schema.sessions).where(eq(schema.sessions.id, ctx.sessionId));
  if (!parent) throw new AppError('unauthenticated', 'Please sign in.');
  const token = newSecret();
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.insert(schema.sessions).values({
      id: sha256(token),
      userId: standIn.id,
      clinicId: clinic.id,
      createdAt: now,
      lastSeenAt: now,
      // Never outlives the real session it came from.
      expiresAt: parent.expiresAt,
      ip: origin.ip,
      userAgent: origin.userAgent,
      parentSessionId: parent.id,
    });
    await recordAudit(tx, ctx, {
      action: 'training.enter',
      entityType: 'clinic',
      entityId: clinic.id,
      details: { standInUserId: standIn.id },
    });
  });
  return {
    token,
    user: { id: standIn.id, email: standIn.email, name: standIn.name, role: standIn.role as Role, clinicId: clinic.id },
  };
}

/**
 * Out of training: the training session ends and the real one it came from continues (under a new
 * secret, with its own expiry) — unless it has ended meanwhile: then null, and the person signs in.
 */
export async function leaveTraining(
  db: Db,
  ctx: RequestContext,
  origin: RequestOrigin,
): Promise<SwitchedSession | null> {
  if (!ctx.training || !ctx.sessionId) throw new AppError('conflict', 'You are not in the training clinic.');
  const now = new Date();
  const [current] = await db.select().from(schema.sessions).where(eq(schema.sessions.id, ctx.sessionId));
  const [row] = current?.parentSessionId
    ? await db
        .select({ session: schema.sessions, user: schema.users, idle: schema.clinics.idleTimeoutMinutes })
        .from(schema.sessions)
        .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
        .innerJoin(schema.clinics, eq(schema.clinics.id, schema.sessions.clinicId))
        .where(eq(schema.sessions.id, current.parentSessionId))
    : [];
  const parentValid =
    row &&
    !row.session.revokedAt &&
    row.session.expiresAt > now &&
    row.user.active &&
    now.getTime() - row.session.lastSeenAt.getTime() <= row.idle * 60_000;
  const token = newSecret();
  await db.transaction(async (tx) => {
    await tx
      .update(schema.sessions)
      .set({ revokedAt: now })
      .where(eq(schema.sessions.id, ctx.sessionId as string));
    if (!row) return;
    if (parentValid) {
      await tx.update(schema.sessions).set({ revokedAt: now }).where(eq(schema.sessions.id, row.session.id));
      await tx.insert(schema.sessions).values({
        id: sha256(token),
        userId: row.user.id,
        clinicId: row.session.clinicId,
        createdAt: row.session.createdAt,
        lastSeenAt: now,
        expiresAt: row.session.expiresAt,
        ip: origin.ip,
        userAgent: origin.userAgent,
      });
    }
    await recordAnonymousAudit(tx, origin, {
      clinicId: row.user.clinicId,
      actorUserId: row.user.id,
      actorRole: row.user.role,
      action: 'training.leave',
      entityType: 'clinic',
      entityId: ctx.clinicId,
      details: parentValid ? {} : { signedOut: true },
    });
  });
  if (!row || !parentValid) return null;
  const user = row.user;
  return {
    token,
    user: { id: user.id, email: user.email, name: user.name, role: user.role as Role, clinicId: user.clinicId },
  };
}

/** Which training clinic a reset from `ctx` means: the one the person is in, or their clinic's. */
async function resetTarget(db: Db, ctx: RequestContext): Promise<ClinicRow> {
  if (ctx.training) {
    const [row] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, ctx.clinicId));
    if (row) return row;
  }
  const clinic = await trainingClinicOf(db, ctx.clinicId);
  if (!clinic) {
    throw AppError.notFound('The training clinic (nobody has practised yet: it is made on the first switch)');
  }
  return clinic;
}

/**
 * Fresh mock data: every row of the training clinic goes (purge.ts) and the generator fills it
 * again. Stand-ins and their sessions stay, so people practising stay signed in.
 */
export async function resetTrainingClinic(
  db: Db,
  trainingClinicId: string,
  options: { seed?: number; now?: Date } = {},
): Promise<TrainingPopulation> {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, trainingClinicId));
  if (!clinic) throw AppError.notFound('The training clinic');
  await purgeTrainingClinic(db, clinic.id);
  const population = await populateTrainingClinic(db, clinic.id, {
    seed: options.seed ?? randomInt(2 ** 31),
    now: options.now ?? new Date(),
    staff: staffOptions(clinic),
  });
  await ensureStandInProviders(db, clinic.id);
  return population;
}

/** A manager's reset (the route): audited in the real clinic, as the real person. */
export async function resetTrainingFor(db: Db, ctx: RequestContext): Promise<TrainingPopulation> {
  const clinic = await resetTarget(db, ctx);
  const population = await resetTrainingClinic(db, clinic.id);
  const actor = (await realContext(db, ctx)) ?? ctx;
  await recordAudit(db, actor, {
    action: 'training.reset',
    entityType: 'clinic',
    entityId: clinic.id,
    details: { patients: population.patients },
  });
  return population;
}

/** The command line's reset: every training clinic (normally one). */
export async function resetAllTrainingClinics(db: Db): Promise<{ clinicId: string; name: string; patients: number }[]> {
  const clinics = await db.select().from(schema.clinics).where(eq(schema.clinics.isTraining, true));
  const done = [];
  for (const clinic of clinics) {
    const population = await resetTrainingClinic(db, clinic.id);
    await recordAnonymousAudit(
      db,
      { ip: 'cli', userAgent: 'tend-cli' },
      {
        clinicId: clinic.trainingOf ?? clinic.id,
        action: 'training.reset',
        entityType: 'clinic',
        entityId: clinic.id,
        details: { patients: population.patients, via: 'cli' },
      },
    );
    done.push({ clinicId: clinic.id, name: clinic.name, patients: population.patients });
  }
  return done;
}

// ---- The demo of a fresh install ------------------------------------------------------------

export interface DemoSignIns {
  password: string;
  signIns: { email: string; name: string; role: Role }[];
}

/** The stand-alone training clinic of a fresh install, if there is one (and no real clinic has adopted it). */
async function demoClinic(db: Db): Promise<ClinicRow | null> {
  const [row] = await db
    .select()
    .from(schema.clinics)
    .where(and(eq(schema.clinics.isTraining, true), isNull(schema.clinics.trainingOf)));
  return row ?? null;
}

/** The demo's sign-ins, while it is stand-alone (null otherwise). */
export async function demoSignIns(db: Db): Promise<DemoSignIns | null> {
  const clinic = await demoClinic(db);
  if (!clinic) return null;
  const rows = await db
    .select({ email: schema.users.email, name: schema.users.name, role: schema.users.role })
    .from(schema.users)
    .where(
      and(
        eq(schema.users.clinicId, clinic.id),
        isNull(schema.users.trainingFor),
        eq(schema.users.active, true),
        sql`${schema.users.email} LIKE ${`%@${DEMO_EMAIL_DOMAIN}`}`,
      ),
    )
    .orderBy(asc(schema.users.email));
  return { password: DEMO_PASSWORD, signIns: rows.map((r) => ({ ...r, role: r.role as Role })) };
}

/**
 * "Explore the training clinic" on the setup page: a stand-alone training clinic with a sign-in
 * per role. Refused once a real clinic exists; asked twice, the second answer is the first demo.
 */
export async function createDemoClinic(
  db: Db,
  origin: RequestOrigin,
  input: { timezone: string },
): Promise<DemoSignIns> {
  const id = newId();
  const created = await db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE clinics IN EXCLUSIVE MODE`);
    const [real] = await tx
      .select({ id: schema.clinics.id })
      .from(schema.clinics)
      .where(eq(schema.clinics.isTraining, false))
      .limit(1);
    if (real) throw new AppError('already_set_up', 'Tend is already set up. Sign in with an existing account.');
    if (await demoClinic(tx)) return false;
    await tx.insert(schema.clinics).values({
      id,
      name: 'Tend training clinic',
      timezone: input.timezone,
      currency: 'USD',
      country: 'US',
      idleTimeoutMinutes: 15,
      isTraining: true,
    });
    await recordAnonymousAudit(tx, origin, {
      clinicId: id,
      action: 'training.demo_create',
      entityType: 'clinic',
      entityId: id,
    });
    return true;
  });
  if (created) {
    await populateTrainingClinic(db, id, {
      seed: randomInt(2 ** 31),
      now: new Date(),
      staff: { emailDomain: DEMO_EMAIL_DOMAIN, password: DEMO_PASSWORD },
    });
  }
  const signIns = await demoSignIns(db);
  if (!signIns) throw new AppError('conflict', 'The demo was replaced by a real clinic meanwhile. Sign in.');
  return signIns;
}

/**
 * The real clinic was just set up (in `tx`): the demo, if any, becomes its training clinic, with
 * its settings; the demo's sign-ins stop working and their sessions end — from now on staff
 * practise through the user menu.
 */
export async function adoptDemoClinic(tx: Db, realClinicId: string): Promise<void> {
  const [real] = await tx.select().from(schema.clinics).where(eq(schema.clinics.id, realClinicId));
  const demo = await demoClinic(tx);
  if (!real || !demo) return;
  await tx
    .update(schema.clinics)
    .set({ ...copiedSettings(real), trainingOf: real.id, updatedAt: new Date() })
    .where(eq(schema.clinics.id, demo.id));
  await tx
    .update(schema.users)
    .set({ passwordHash: UNUSABLE_PASSWORD_HASH })
    .where(and(eq(schema.users.clinicId, demo.id), isNull(schema.users.trainingFor)));
  await tx
    .update(schema.sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(schema.sessions.clinicId, demo.id), isNull(schema.sessions.revokedAt)));
}
