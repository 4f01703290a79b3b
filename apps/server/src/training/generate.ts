import { type Db, newId, schema } from '@tend/db';
import { type Role, todayIn, zPatientCreate } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { createProvider } from '../admin/service';
import { hashPassword, UNUSABLE_PASSWORD_HASH } from '../auth/secrets';
import type { RequestContext } from '../context';
import { registerPatient } from '../patients/service';
import { putWorkingHours } from '../scheduling/availability';

/**
 * PLACEHOLDER for the mock-data generator (helper B writes the real one with the same signature):
 * one location, one provider account, two patients. Tests must not rely on these counts.
 */
export interface TrainingPopulation {
  patients: number;
  staff: { email: string; name: string; role: Role }[];
  appointments: Record<string, number>;
  encounters: Record<string, number>;
  invoices: Record<string, number>;
  claims: Record<string, number>;
}

export async function populateTrainingClinic(
  db: Db,
  clinicId: string,
  options: { seed: number; now: Date; staff: { emailDomain: string; password: string | null } },
): Promise<TrainingPopulation> {
  const [clinic] = await db.select().from(schema.clinics).where(eq(schema.clinics.id, clinicId));
  if (!clinic?.isTraining) throw new Error('populateTrainingClinic: not a training clinic');
  const locationId = newId();
  await db.insert(schema.locations).values({ id: locationId, clinicId, name: 'Main street', timezone: clinic.timezone });
  const passwordHash = options.staff.password ? await hashPassword(options.staff.password) : UNUSABLE_PASSWORD_HASH;
  const staff = [{ email: `provider@${options.staff.emailDomain}`, name: 'Pat Provider', role: 'provider' as Role }];
  const userId = newId();
  await db.insert(schema.users).values({ id: userId, clinicId, ...staff[0], passwordHash });
  const ctx: RequestContext = {
    clinicId,
    userId,
    role: 'admin',
    userName: staff[0].name,
    email: staff[0].email,
    ip: null,
    userAgent: 'tend-training',
    sessionId: null,
    tokenId: null,
  };
  const provider = await createProvider(db, ctx, { name: 'Dr Pat Provider', userId, color: '#1c7ed6' } as never);
  const weekdays = [1, 2, 3, 4, 5] as const;
  await putWorkingHours(db, ctx, provider.id, {
    locationId,
    validFrom: todayIn(clinic.timezone),
    blocks: weekdays.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
  } as never);
  for (const [givenName, familyName] of [
    ['Maria', 'Practice'],
    ['John', 'Sample'],
  ]) {
    await registerPatient(
      db,
      ctx,
      zPatientCreate.parse({ givenName, familyName, birthDate: '1980-04-02', sex: 'female', allowDuplicate: true }),
    );
  }
  return { patients: 2, staff, appointments: {}, encounters: {}, invoices: {}, claims: {} };
}
