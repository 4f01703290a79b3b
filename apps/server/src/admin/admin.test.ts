import { queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp, type TestClinic } from '../test/harness';

/** What an administrator manages: staff accounts, providers, locations. */

let t: TestApp;
let clinic: TestClinic;
let admin: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  admin = await t.signIn(clinic.admin);
});
afterAll(() => t.close());

const paths = (res: { body: { error: { fields: { path: string }[] } } }) => res.body.error.fields.map((f) => f.path);

describe('staff accounts', () => {
  it('creates an account whose email is unique across the installation, in any letter case', async () => {
    const created = await admin.post('/api/users', {
      email: 'Grace@Clinic.test',
      name: 'Grace Hopper',
      role: 'nurse',
      password: 'violet-meadow-123',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'grace@clinic.test', role: 'nurse', active: true, lockedUntil: null });
    expect(JSON.stringify(created.body)).not.toContain('password');
    const again = await admin.post('/api/users', {
      email: 'GRACE@clinic.test',
      name: 'Other Grace',
      role: 'billing',
      password: 'violet-meadow-456',
    });
    expect(again.status).toBe(400);
    expect(paths(again)).toEqual(['email']);
  });

  it('never leaves the clinic without an active administrator', async () => {
    const me = (await admin.get('/api/users')).body.items.find(
      (u: { email: string }) => u.email === clinic.admin.email,
    );
    for (const patch of [{ role: 'manager' }, { active: false }]) {
      const res = await admin.patch(`/api/users/${me.id}`, patch);
      expect(res.status, JSON.stringify(patch)).toBe(409);
      expect(res.body.error.code).toBe('conflict');
    }
    expect((await admin.get('/api/auth/session')).body.user.role).toBe('admin');

    // With a second administrator, the first may step down.
    const second = await clinic.addUser('admin');
    expect((await admin.patch(`/api/users/${second.userId}`, { name: 'Second Admin' })).status).toBe(200);
    const stepDown = await admin.patch(`/api/users/${me.id}`, { role: 'manager' });
    expect(stepDown.status).toBe(200);
    expect(stepDown.body.role).toBe('manager');
    // Stepping down ended this session; the new administrator restores the old role.
    expect((await admin.get('/api/auth/session')).status).toBe(401);
    const other = await t.signIn(second);
    expect((await other.patch(`/api/users/${me.id}`, { role: 'admin' })).status).toBe(200);
    admin = await t.signIn(clinic.admin);
  });

  it('keeps one administrator when the last two remove each other at the same moment', async () => {
    // Several clinics at once, so that without the lock the race would almost surely be lost.
    const rounds = await Promise.all(
      [{ role: 'manager' }, { active: false }, { role: 'provider' }, { active: false }].map(async (patch) => {
        const other = await t.createClinic();
        const first = await t.signIn(other.admin);
        const secondUser = await other.addUser('admin');
        const second = await t.signIn(secondUser);
        const firstId = (await first.get('/api/auth/session')).body.user.id;
        const results = await Promise.all([
          first.patch(`/api/users/${secondUser.userId}`, patch),
          second.patch(`/api/users/${firstId}`, patch),
        ]);
        const [admins] = await queryRows<{ n: number }>(
          t.database.db,
          sql`SELECT count(*)::int AS n FROM users WHERE clinic_id = ${other.clinicId} AND role = 'admin' AND active`,
        );
        return { results, admins: admins.n };
      }),
    );
    for (const { results, admins } of rounds) {
      // One change wins. The other is refused as the last administrator — or, when the winner
      // committed before the loser was even signed in, the loser is no longer an administrator
      // (401 signed out when deactivated, 403 without the permission when demoted).
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect([401, 403, 409]).toContain(statuses[1]);
      const refused = results.find((r) => r.status === 409);
      if (refused) {
        expect(refused.body.error).toMatchObject({
          code: 'conflict',
          message: 'This is the last active administrator. Make someone else an administrator first.',
        });
      }
      expect(admins).toBe(1);
    }
  });
});

describe('providers', () => {
  it('checks the NPI check digit', async () => {
    const bad = await admin.post('/api/providers', { name: 'Dr. Bad Npi', npi: '1234567890' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['npi']);
    const good = await admin.post('/api/providers', { name: 'Dr. Good Npi', npi: '1234567893' });
    expect(good.status).toBe(201);
  });

  it('keeps the fields a change does not mention, such as the calendar colour', async () => {
    const created = await admin.post('/api/providers', { name: 'Dr. Colour', color: '#e8590c', credentials: 'MD' });
    expect(created.body.color).toBe('#e8590c');
    const changed = await admin.patch(`/api/providers/${created.body.id}`, { active: false });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ color: '#e8590c', credentials: 'MD', active: false });
  });

  it('links a provider only to a staff account of the clinic', async () => {
    const nurse = await clinic.addUser('provider');
    const linked = await admin.post('/api/providers', { name: 'Dr. Linked', userId: nurse.userId });
    expect(linked.status).toBe(201);
    expect(linked.body.userId).toBe(nurse.userId);
    const unknown = await admin.patch(`/api/providers/${linked.body.id}`, {
      userId: '0190a0b4-8b5a-7c4e-9f3d-0123456789ab',
    });
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(['userId']);
  });
});

describe('locations', () => {
  it('are added with their own time zone and address, changed and deactivated', async () => {
    const address = { line1: '5 Harbour St', city: 'Toronto', region: 'ON', postalCode: 'M5J 2N8', country: 'CA' };
    const created = await admin.post('/api/locations', {
      name: 'Harbour Office',
      timezone: 'America/Toronto',
      address,
    });
    expect(created.status).toBe(201);
    expect(created.body.address).toEqual({ ...address, line2: null });
    const badPostal = await admin.post('/api/locations', {
      name: 'Bad',
      timezone: 'America/Toronto',
      address: { ...address, postalCode: '90210' },
    });
    expect(paths(badPostal)).toEqual(['address.postalCode']);
    const changed = await admin.patch(`/api/locations/${created.body.id}`, { active: false });
    expect(changed.body).toMatchObject({ name: 'Harbour Office', timezone: 'America/Toronto', active: false });
    const listed = await admin.get('/api/locations');
    expect(listed.body.items.find((l: { id: string }) => l.id === created.body.id).active).toBe(false);
  });
});
