import { type APIRequestContext, type APIResponse, expect, type Locator, type Page } from '@playwright/test';

/** Scheduling helpers of the browser tests: clinic-zone dates, API set-up, dragging with the mouse. */

/** The clinic's zone (setup.spec.ts). */
export const ZONE = 'America/New_York';

export function offsetMinutes(ms: number): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The instant of a wall-clock time in the clinic's zone, as ISO. */
export function clinicIso(date: string, time: string): string {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let ms = wall - offsetMinutes(wall) * 60_000;
  ms = wall - offsetMinutes(ms) * 60_000;
  return new Date(ms).toISOString();
}

export function clinicToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Monday of the week after next (clear of today, whatever the day). */
export function mondayInTwoWeeks(): string {
  const today = clinicToday();
  const [y, m, d] = today.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  return addDays(today, 14 - weekday);
}

/** "Tue, Mar 3" as the week view's column headings say it. */
export function short(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export async function created(response: APIResponse): Promise<string> {
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** A provider with weekly hours (Mon–Fri unless given), a 30-minute type and a patient. */
export async function scenario(
  api: APIRequestContext,
  names: { provider: string; type: string; given: string; family: string },
  hours: { start: string; end: string; weekdays?: number[] } = { start: '09:00', end: '17:00' },
) {
  const providerId = await created(await api.post('/api/providers', { data: { name: names.provider, title: 'Dr.' } }));
  const locationId: string = (await (await api.get('/api/locations')).json()).items[0].id;
  const blocks = (hours.weekdays ?? [1, 2, 3, 4, 5]).map((weekday) => ({
    weekday,
    start: hours.start,
    end: hours.end,
  }));
  expect((await api.put(`/api/providers/${providerId}/working-hours`, { data: { locationId, blocks } })).ok()).toBe(
    true,
  );
  const typeId = await created(
    await api.post('/api/appointment-types', {
      data: { name: names.type, durationMinutes: 30, color: '#7048e8', providerIds: [providerId] },
    }),
  );
  const patientId = await created(
    await api.post('/api/patients', {
      data: { givenName: names.given, familyName: names.family, birthDate: '1979-02-11', sex: 'female' },
    }),
  );
  return { providerId, locationId, typeId, patientId };
}

export async function book(
  api: APIRequestContext,
  ids: { providerId: string; typeId: string; patientId: string },
  date: string,
  time: string,
  notes?: string,
): Promise<string> {
  return created(
    await api.post('/api/appointments', {
      data: {
        patientId: ids.patientId,
        providerId: ids.providerId,
        appointmentTypeId: ids.typeId,
        start: clinicIso(date, time),
        notes,
      },
    }),
  );
}

/** Drags a block (grabbed near its top) onto a cell, with the mouse in small steps as a person would. */
export async function drag(page: Page, block: Locator, target: Locator) {
  await block.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  // Keep both ends on the screen and clear of the sticky header.
  const before = await target.boundingBox();
  if (before && (before.y < 120 || before.y > 740))
    await page.mouse.wheel(0, before.y < 120 ? before.y - 200 : before.y - 600);
  await page.waitForTimeout(100);
  const from = await block.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('The block or the cell is not on the screen.');
  await page.mouse.move(from.x + 20, from.y + 5);
  await page.mouse.down();
  await page.mouse.move(from.x + 26, from.y + 12, { steps: 4 });
  await page.mouse.move(to.x + 20, to.y + 6, { steps: 12 });
  await page.mouse.up();
}
