import { expect } from 'vitest';
import { type ApiClient, patientBody, type TestApp, type TestClinic, unique } from '../test/harness';

/**
 * Scheduling scenario builder for tests: a clinic with a location, signed-in staff, and helpers
 * that add providers with weekly hours, appointment types and patients through the API.
 */

/** Monday 2030-01-07 and the following days; New York is UTC−5 in January. */
export const MONDAY = '2030-01-07';
export const at = (date: string, time: string) => `${date}T${time}:00-05:00`;
export const utc = (date: string, time: string) => new Date(at(date, time)).toISOString();

export const WEEKDAY_HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: '09:00', end: '12:00' },
  { weekday, start: '13:00', end: '17:00' },
]);

export interface SchedulingScenario {
  clinic: TestClinic;
  admin: ApiClient;
  manager: ApiClient;
  reception: ApiClient;
  provider: ApiClient;
  locationId: string;
  addProvider(options?: { blocks?: typeof WEEKDAY_HOURS; validFrom?: string }): Promise<string>;
  addType(body?: Record<string, unknown>): Promise<{ id: string; durationMinutes: number }>;
  addPatient(): Promise<string>;
  book(body: Record<string, unknown>, as?: ApiClient): ReturnType<ApiClient['post']>;
}

export async function schedulingScenario(t: TestApp): Promise<SchedulingScenario> {
  const clinic = await t.createClinic();
  const admin = await t.signIn(clinic.admin);
  const [manager, reception, provider] = await Promise.all(
    (['manager', 'receptionist', 'provider'] as const).map(async (role) => t.signIn(await clinic.addUser(role))),
  );
  const location = await admin.post('/api/locations', { name: unique('Main'), timezone: 'America/New_York' });
  expect(location.status).toBe(201);
  const locationId: string = location.body.id;

  return {
    clinic,
    admin,
    manager,
    reception,
    provider,
    locationId,
    async addProvider(options = {}) {
      const created = await admin.post('/api/providers', { name: `Dr ${unique('Provider')}` });
      expect(created.status).toBe(201);
      const hours = await manager.put(`/api/providers/${created.body.id}/working-hours`, {
        locationId,
        validFrom: options.validFrom ?? '2029-12-01',
        blocks: options.blocks ?? WEEKDAY_HOURS,
      });
      expect(hours.status, JSON.stringify(hours.body)).toBe(200);
      return created.body.id;
    },
    async addType(body = {}) {
      const created = await manager.post('/api/appointment-types', {
        name: unique('Cleaning'),
        durationMinutes: 30,
        providerIds: [],
        ...body,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body;
    },
    async addPatient() {
      const created = await reception.post('/api/patients', patientBody());
      expect(created.status).toBe(201);
      return created.body.id;
    },
    book(body, as = reception) {
      return as.post('/api/appointments', body);
    },
  };
}
