import { type Db, newId, schema } from '@tend/db';
import { type Role, todayIn, zPatientCreate, zProviderCreate, zWorkingHoursPut } from '@tend/domain';
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
  await db
    .insert(schema.locations)
    .values({ id: locationId, clinicId, name: 'Main street', timezone: clinic.timezone });
  const passwordHash = options.staff.password ? await hashPassword(options.staff.password) : UNUSABLE_PASSWORD_HASH;
  // One sign-in per role (README lists the demo's): <local part>@<emailDomain>.
  const accounts: [string, string, Role][] = [
    ['admin', 'Ada Admin', 'admin'],
    ['manager', 'Max Manager', 'manager'],
    ['frontdesk', 'Fran Frontdesk', 'receptionist'],
    ['provider', 'Pat Provider', 'provider'],
    ['nurse', 'Nia Nurse', 'nurse'],
    ['billing', 'Bill Billing', 'billing'],
  ];
  const staff = accounts.map(([local, name, role]) => ({ email: `${local}@${options.staff.emailDomain}`, name, role }));
  const ids = staff.map(() => newId());
  await db.insert(schema.users).values(staff.map((s, i) => ({ id: ids[i], clinicId, ...s, passwordHash })));
  const userId = ids[3];
  const ctx: RequestContext = {
    clinicId,
    userId: ids[0],
    role: 'admin',
    userName: staff[0].name,
    email: staff[0].email,
    ip: null,
    userAgent: 'tend-training',
    sessionId: null,
    tokenId: null,
  };
  const provider = await createProvider(db, ctx, zProviderCreate.parse({ name: 'Dr Pat Provider', userId }));
  const weekdays = [1, 2, 3, 4, 5] as const;
  await putWorkingHours(
    db,
    ctx,
    provider.id,
    zWorkingHoursPut.parse({
      locationId,
      validFrom: todayIn(clinic.timezone),
      blocks: weekdays.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
    }),
  );
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
