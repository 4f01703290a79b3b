import { type Db, newId, schema } from '@tend/db';
import { AppError, type Clinic, type ClinicSetupInput, type zClinicSettingsPatch, zClinicSetup } from '@tend/domain';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { recordAnonymousAudit, recordAudit } from '../audit/service';
import { checkPasswordPolicy } from '../auth/password-policy';
import { hashPassword } from '../auth/secrets';
import { getClinic } from '../auth/service';
import type { RequestContext, RequestOrigin } from '../context';
import { adoptDemoClinic } from '../training/service';

/** Whether a real clinic exists (training clinics, the fresh install's demo among them, do not count). */
export async function isSetUp(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(schema.clinics)
    .where(eq(schema.clinics.isTraining, false));
  return row.n > 0;
}

/**
 * First run: creates the clinic, its first location and its first administrator.
 * Refused once any clinic exists, so the public setup page cannot be replayed.
 */
export async function setupClinic(
  db: Db,
  raw: ClinicSetupInput,
  origin: RequestOrigin,
): Promise<{ clinicId: string; adminUserId: string }> {
  const input = zClinicSetup.parse(raw);
  return createClinic(db, input, origin, { onlyIfEmpty: true });
}

const alreadySetUp = () => new AppError('already_set_up', 'Tend is already set up. Sign in with an existing account.');

/** Creates a clinic (tenant) with its administrator. Also used by tests for a second clinic. */
export async function createClinic(
  db: Db,
  input: z.output<typeof zClinicSetup>,
  origin: RequestOrigin,
  options: { onlyIfEmpty: boolean },
): Promise<{ clinicId: string; adminUserId: string }> {
  // Refused before the password is hashed: a replayed setup must not cost an Argon2 hash (19 MiB).
  // The check inside the transaction still settles two first-run requests sent at once.
  if (options.onlyIfEmpty && (await isSetUp(db))) throw alreadySetUp();
  checkPasswordPolicy(input.adminPassword, { email: input.adminEmail, clinicName: input.clinicName }, 'adminPassword');
  const passwordHash = await hashPassword(input.adminPassword);
  const clinicId = newId();
  const adminUserId = newId();
  await db.transaction(async (tx) => {
    if (options.onlyIfEmpty) {
      // Serialise concurrent first-run requests: the second one sees the first clinic.
      await tx.execute(sql`LOCK TABLE clinics IN EXCLUSIVE MODE`);
      if (await isSetUp(tx)) throw alreadySetUp();
    }
    const [taken] = await tx
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(sql`lower(${schema.users.email}) = ${input.adminEmail}`);
    if (taken) {
      throw AppError.validation([{ path: 'adminEmail', message: 'Another account already uses this email address.' }]);
    }
    await tx.insert(schema.clinics).values({
      id: clinicId,
      name: input.clinicName,
      timezone: input.timezone,
      currency: input.currency,
      country: input.country,
      address: input.address,
      idleTimeoutMinutes: 15,
      // Vitals in °F/lb/in where that is the custom (the US), metric everywhere else.
      unitSystem: input.country === 'US' ? 'us' : 'metric',
    });
    await tx.insert(schema.users).values({
      id: adminUserId,
      clinicId,
      email: input.adminEmail,
      name: input.adminName,
      role: 'admin',
      passwordHash,
    });
    await tx.insert(schema.locations).values({
      id: newId(),
      clinicId,
      name: input.clinicName,
      address: input.address,
      timezone: input.timezone,
    });
    // The first real clinic takes over the demo a newcomer may have explored as its training clinic.
    if (options.onlyIfEmpty) await adoptDemoClinic(tx, clinicId);
    await recordAnonymousAudit(tx, origin, {
      clinicId,
      actorUserId: adminUserId,
      actorRole: 'admin',
      action: 'clinic.setup',
      entityType: 'clinic',
      entityId: clinicId,
    });
  });
  return { clinicId, adminUserId };
}

export async function updateClinic(
  db: Db,
  ctx: RequestContext,
  patch: z.output<typeof zClinicSettingsPatch>,
): Promise<Clinic> {
  await db.transaction(async (tx) => {
    await tx
      .update(schema.clinics)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(schema.clinics.id, ctx.clinicId));
    await recordAudit(tx, ctx, {
      action: 'clinic.update',
      entityType: 'clinic',
      entityId: ctx.clinicId,
      details: { fields: Object.keys(patch) },
    });
  });
  return getClinic(db, ctx.clinicId);
}

/**
 * The number patients are told to call: the clinic's, else its first active location's with one
 * (null when neither has one).
 */
export async function patientFacingPhone(db: Db, clinic: { id: string; phone: string | null }): Promise<string | null> {
  if (clinic.phone) return clinic.phone;
  const l = schema.locations;
  const [location] = await db
    .select({ phone: l.phone })
    .from(l)
    .where(and(eq(l.clinicId, clinic.id), eq(l.active, true), isNotNull(l.phone)))
    .orderBy(asc(l.name))
    .limit(1);
  return location?.phone ?? null;
}
