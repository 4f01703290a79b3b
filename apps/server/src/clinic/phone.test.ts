import { newId, schema } from '@tend/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { patientFacingPhone } from './service';

/** The number messages and link pages tell patients to call. */
describe('the clinic’s number for patients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is the clinic’s own, else its first active location’s with a number, else none', async () => {
    const { clinicId } = await t.createClinic();
    const db = t.database.db;
    const clinic = async () => (await db.select().from(schema.clinics).where(eq(schema.clinics.id, clinicId)))[0];
    await db.update(schema.clinics).set({ phone: null }).where(eq(schema.clinics.id, clinicId));
    await db.update(schema.locations).set({ phone: null }).where(eq(schema.locations.clinicId, clinicId));
    expect(await patientFacingPhone(db, await clinic())).toBeNull();

    const location = (name: string, phone: string | null, active = true) => ({
      id: newId(),
      clinicId,
      name,
      timezone: 'America/New_York',
      phone,
      active,
    });
    await db
      .insert(schema.locations)
      .values([location('Annex (closed)', '(617) 555-0001', false), location('Branch', '(617) 555-0002')]);
    expect(await patientFacingPhone(db, await clinic())).toBe('(617) 555-0002');

    await db.update(schema.clinics).set({ phone: '(617) 555-0100' }).where(eq(schema.clinics.id, clinicId));
    expect(await patientFacingPhone(db, await clinic())).toBe('(617) 555-0100');
  });
});
