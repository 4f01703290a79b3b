import { type Db, newId, queryRows, schema, sqlState } from '@tend/db';
import {
  AppError,
  type Location,
  type Provider,
  type User,
  type zLocationCreate,
  type zLocationPatch,
  type zProviderCreate,
  type zProviderPatch,
  type zUserCreate,
  type zUserPatch,
} from '@tend/domain';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAudit } from '../audit/service';
import { checkPasswordPolicy } from '../auth/password-policy';
import { hashPassword } from '../auth/secrets';
import { revokeUserAccess } from '../auth/service';
import type { RequestContext } from '../context';

/** Staff accounts, providers and locations: what an administrator manages. */

// ---- Staff accounts -----------------------------------------------------------------------

function toUser(row: typeof schema.users.$inferSelect): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as User['role'],
    active: row.active,
    lockedUntil: row.lockedUntil && row.lockedUntil > new Date() ? row.lockedUntil.toISOString() : null,
    mfaEnabled: row.mfaEnabledAt !== null,
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listUsers(db: Db, ctx: RequestContext): Promise<User[]> {
  const rows = await db
    .select()
    .from(schema.users)
    .where(eq(schema.users.clinicId, ctx.clinicId))
    .orderBy(asc(schema.users.name));
  return rows.map(toUser);
}

/** The password rules that need the account's email and the clinic's name (before any hashing). */
async function checkStaffPassword(db: Db, ctx: RequestContext, password: string, email: string): Promise<void> {
  const [clinic] = await db
    .select({ name: schema.clinics.name })
    .from(schema.clinics)
    .where(eq(schema.clinics.id, ctx.clinicId));
  checkPasswordPolicy(password, { email, clinicName: clinic?.name ?? '' });
}

export async function createUser(db: Db, ctx: RequestContext, input: z.output<typeof zUserCreate>): Promise<User> {
  await checkStaffPassword(db, ctx, input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    const [row] = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(schema.users)
        .values({ id, clinicId: ctx.clinicId, email: input.email, name: input.name, role: input.role, passwordHash })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'user.create',
        entityType: 'user',
        entityId: id,
        details: { role: input.role },
      });
      return inserted;
    });
    return toUser(row);
  } catch (error) {
    if (sqlState(error) === '23505') {
      throw AppError.validation([{ path: 'email', message: 'Another account already uses this email address.' }]);
    }
    throw error;
  }
}

export async function updateUser(
  db: Db,
  ctx: RequestContext,
  userId: string,
  patch: z.output<typeof zUserPatch>,
): Promise<User> {
  const [current] = await db
    .select()
    .from(schema.users)
    .where(and(eq(schema.users.id, userId), eq(schema.users.clinicId, ctx.clinicId)));
  if (!current) throw AppError.notFound('The staff account');
  if (current.trainingFor) {
    throw new AppError(
      'conflict',
      'This is a colleague’s stand-in in the training clinic: it follows their real account and cannot be changed here.',
    );
  }
  if (patch.password) await checkStaffPassword(db, ctx, patch.password, current.email);
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  const mayRemoveAdmin = (patch.role !== undefined && patch.role !== 'admin') || patch.active === false;
  const row = await db.transaction(async (tx) => {
    if (mayRemoveAdmin) {
      // The clinic's active administrators are locked (in id order, so two transactions queue
      // instead of deadlocking) before counting them: two administrators demoting each other at
      // once take turns, and the second sees that it would leave none.
      const admins = await queryRows<{ id: string }>(
        tx,
        sql`SELECT id FROM users WHERE clinic_id = ${ctx.clinicId} AND role = 'admin' AND active
            ORDER BY id FOR UPDATE`,
      );
      if (admins.some((a) => a.id === userId) && admins.every((a) => a.id === userId)) {
        throw new AppError(
          'conflict',
          'This is the last active administrator. Make someone else an administrator first.',
        );
      }
    }
    // Read again, locked: the account may have changed since the first read.
    const [before] = await tx.select().from(schema.users).where(eq(schema.users.id, userId)).for('update');
    const [updated] = await tx
      .update(schema.users)
      .set({
        name: patch.name,
        role: patch.role,
        active: patch.active,
        passwordHash,
        // An administrator saving the account also lifts a sign-in lockout.
        lockedUntil: null,
        failedSignIns: 0,
        updatedAt: new Date(),
      })
      .where(eq(schema.users.id, userId))
      .returning();
    const roleChanged = patch.role !== undefined && patch.role !== before.role;
    if (roleChanged) {
      await recordAudit(tx, ctx, {
        action: 'user.role_change',
        entityType: 'user',
        entityId: userId,
        details: { from: before.role, to: patch.role },
      });
    }
    if (patch.active === false && before.active) {
      await recordAudit(tx, ctx, { action: 'user.deactivate', entityType: 'user', entityId: userId });
    }
    await recordAudit(tx, ctx, {
      action: 'user.update',
      entityType: 'user',
      entityId: userId,
      details: { fields: Object.keys(patch).filter((k) => k !== 'password'), passwordReset: Boolean(patch.password) },
    });
    // A changed privilege or a deactivation ends the person's sessions at once; a deactivation or a
    // password reset (the account may be compromised) ends their API tokens too. After a role change
    // a token keeps working, limited to the scopes the new role still allows (checked per request).
    if (roleChanged || patch.active === false || patch.password) {
      await revokeUserAccess(tx, userId, { tokens: patch.active === false || Boolean(patch.password) });
    }
    return updated;
  });
  return toUser(row);
}

// ---- Providers ----------------------------------------------------------------------------

function toProvider(row: typeof schema.providers.$inferSelect): Provider {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    credentials: row.credentials,
    npi: row.npi,
    color: row.color,
    userId: row.userId,
    active: row.active,
  };
}

export async function listProviders(db: Db, ctx: RequestContext): Promise<Provider[]> {
  const rows = await db
    .select()
    .from(schema.providers)
    .where(eq(schema.providers.clinicId, ctx.clinicId))
    .orderBy(asc(schema.providers.name));
  return rows.map(toProvider);
}

async function checkUserInClinic(db: Db, ctx: RequestContext, userId: string | null | undefined) {
  if (!userId) return;
  const [user] = await db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(and(eq(schema.users.id, userId), eq(schema.users.clinicId, ctx.clinicId)));
  if (!user) throw AppError.validation([{ path: 'userId', message: 'Choose a staff account of this clinic.' }]);
}

export async function createProvider(
  db: Db,
  ctx: RequestContext,
  input: z.output<typeof zProviderCreate>,
): Promise<Provider> {
  await checkUserInClinic(db, ctx, input.userId);
  const id = newId();
  const [row] = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(schema.providers)
      .values({ id, clinicId: ctx.clinicId, ...input })
      .returning();
    await recordAudit(tx, ctx, { action: 'provider.create', entityType: 'provider', entityId: id });
    return inserted;
  });
  return toProvider(row);
}

export async function updateProvider(
  db: Db,
  ctx: RequestContext,
  providerId: string,
  patch: z.output<typeof zProviderPatch>,
): Promise<Provider> {
  await checkUserInClinic(db, ctx, patch.userId);
  const [row] = await db.transaction(async (tx) => {
    const updated = await tx
      .update(schema.providers)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(schema.providers.id, providerId), eq(schema.providers.clinicId, ctx.clinicId)))
      .returning();
    if (updated.length) {
      await recordAudit(tx, ctx, {
        action: 'provider.update',
        entityType: 'provider',
        entityId: providerId,
        details: { fields: Object.keys(patch) },
      });
    }
    return updated;
  });
  if (!row) throw AppError.notFound('The provider');
  return toProvider(row);
}

// ---- Locations ----------------------------------------------------------------------------

function toLocation(row: typeof schema.locations.$inferSelect): Location {
  return {
    id: row.id,
    name: row.name,
    address: row.address ?? null,
    timezone: row.timezone,
    phone: row.phone,
    placeOfService: row.placeOfService,
    active: row.active,
  };
}

export async function listLocations(db: Db, ctx: RequestContext): Promise<Location[]> {
  const rows = await db
    .select()
    .from(schema.locations)
    .where(eq(schema.locations.clinicId, ctx.clinicId))
    .orderBy(asc(schema.locations.name));
  return rows.map(toLocation);
}

export async function createLocation(
  db: Db,
  ctx: RequestContext,
  input: z.output<typeof zLocationCreate>,
): Promise<Location> {
  const id = newId();
  const [row] = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(schema.locations)
      .values({ id, clinicId: ctx.clinicId, ...input })
      .returning();
    await recordAudit(tx, ctx, { action: 'location.create', entityType: 'location', entityId: id });
    return inserted;
  });
  return toLocation(row);
}

export async function updateLocation(
  db: Db,
  ctx: RequestContext,
  locationId: string,
  patch: z.output<typeof zLocationPatch>,
): Promise<Location> {
  const [row] = await db.transaction(async (tx) => {
    const updated = await tx
      .update(schema.locations)
      .set({ ...patch, updatedAt: new Date() })
      .where(and(eq(schema.locations.id, locationId), eq(schema.locations.clinicId, ctx.clinicId)))
      .returning();
    if (updated.length) {
      await recordAudit(tx, ctx, {
        action: 'location.update',
        entityType: 'location',
        entityId: locationId,
        details: { fields: Object.keys(patch) },
      });
    }
    return updated;
  });
  if (!row) throw AppError.notFound('The location');
  return toLocation(row);
}
