import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';
import { addDays, clinicIso, clinicToday, created, ZONE } from './scheduling';

/**
 * The manager's Appointments report: four appointments of a new provider, moved through their
 * day through the API (one started early, one 30+ minutes late, one cancelled hours ahead, one
 * still booked); the manager opens the report for their week, sees on-time 50.0%, the chart, the
 * rows behind a figure, and downloads the CSV whose numbers are the screen's.
 */
test.use({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });

const MANAGER = { email: 'maya.report@riverside.test', password: 'report-manager-2026' };
const SCREENS = '../.tend-test/screens';

/** The clinic-local date and 15-minute-aligned time `minutes` from now. */
function localSlot(minutes: number, roundUp: boolean): { date: string; time: string } {
  const quarter = 15 * 60_000;
  const ms = Date.now() + minutes * 60_000;
  const aligned = new Date((roundUp ? Math.ceil(ms / quarter) : Math.floor(ms / quarter)) * quarter);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(aligned);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` };
}

test('the manager reads the week’s appointments report, drills into a figure and downloads the CSV', async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  await created(await api.post('/api/users', { data: { name: 'Maya Report', ...MANAGER, role: 'manager' } }));
  const providerName = `Report ${Date.now().toString(36)}`;
  const providerId = await created(await api.post('/api/providers', { data: { name: providerName, title: 'Dr.' } }));
  const locationId: string = (await (await api.get('/api/locations')).json()).items[0].id;
  const blocks = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45' }));
  // From yesterday: the late visit below is yesterday's when the test runs just after midnight.
  const validFrom = addDays(clinicToday(), -1);
  expect(
    (await api.put(`/api/providers/${providerId}/working-hours`, { data: { locationId, blocks, validFrom } })).ok(),
  ).toBe(true);
  const typeId = await created(
    await api.post('/api/appointment-types', {
      data: { name: `Report visit ${providerName}`, durationMinutes: 15, color: '#1c7ed6', providerIds: [providerId] },
    }),
  );
  const patientId = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Oona', familyName: 'Reportson', birthDate: '1981-06-02', sex: 'female' },
    }),
  );
  const book = async (slot: { date: string; time: string }) =>
    created(
      await api.post('/api/appointments', {
        data: { patientId, providerId, appointmentTypeId: typeId, start: clinicIso(slot.date, slot.time) },
      }),
    );
  const act = async (id: string, ...actions: string[]) => {
    for (const action of actions) {
      const data = action === 'cancel' ? { reason: 'Patient called' } : {};
      const response = await api.post(`/api/appointments/${id}/${action}`, { data });
      expect(response.ok(), `${action}: ${await response.text()}`).toBe(true);
    }
  };
  // Early (on time): starts now, an hour before its time. Late: its time was 30–45 minutes ago.
  await act(await book(localSlot(60, true)), 'check-in', 'start', 'complete');
  await act(await book(localSlot(-30, false)), 'check-in', 'start', 'complete');
  await act(await book(localSlot(180, true)), 'cancel');
  await book(localSlot(48 * 60, true));
  const from = addDays(clinicToday(), -1);
  const to = addDays(clinicToday(), 5);

  // The manager opens the report from the menu and narrows it to the week and the provider.
  const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });
  const manager = await context.newPage();
  await signIn(manager, MANAGER);
  await openMenu(manager, 'Appointments');
  await expect(manager.getByRole('heading', { level: 1, name: 'Appointments report' })).toBeVisible();
  await manager.getByLabel('From').fill(from);
  await manager.getByLabel('To', { exact: true }).fill(to);
  await manager.getByRole('combobox', { name: 'Provider' }).click();
  await manager.getByRole('option', { name: `Dr. ${providerName}` }).click();
  await manager.getByText('Day', { exact: true }).click();
  await expect(manager.getByTestId('report-scope')).toContainText(`Dr. ${providerName}`);

  await expect(manager.getByTestId('figure-total')).toHaveText('4');
  await expect(manager.getByTestId('figure-onTimeRate')).toHaveText('50.0%');
  await expect(manager.getByTestId('figure-lateCancelRate')).toHaveText('25.0%');
  await expect(manager.getByTestId('figure-noShowRate')).toHaveText('0.0%');
  await expect(manager.getByTestId('status-chart').locator('svg.recharts-surface')).toBeVisible();
  await expect(manager.getByTestId('status-chart').locator('path.recharts-rectangle')).not.toHaveCount(0);
  await expect(manager.getByTestId('rate-chart').locator('svg.recharts-surface')).toBeVisible();
  await manager.screenshot({ path: `${SCREENS}/reports-appointments.png`, fullPage: true });

  // The rows behind the on-time figure: the one started on time.
  await manager.getByTestId('card-onTimeRate').click();
  const drawer = manager.getByRole('dialog');
  await expect(drawer.getByTestId('report-rows').locator('tbody tr')).toHaveCount(1);
  await expect(drawer).toContainText('Oona Reportson');
  await expect(drawer).toContainText('Completed');
  await manager.screenshot({ path: `${SCREENS}/reports-appointments-rows.png` });
  await expectAccessible(manager, 'the appointments report with its rows open');
  await manager.keyboard.press('Escape');

  // The CSV says what the screen says, figure for figure.
  const downloading = manager.waitForEvent('download');
  await manager.getByRole('button', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`appointments-${from}-to-${to}.csv`);
  const lines = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  const header = lines[0];
  const total = lines.at(-1) as string[];
  expect(total[0]).toBe('Total');
  expect(lines).toHaveLength(7 + 2);
  const csv = (label: string) => total[header.indexOf(label)];
  expect(csv('Appointments')).toBe('4');
  expect(csv('On time (%)')).toBe('50.0');
  expect(csv('Late-cancellation rate (%)')).toBe('25.0');
  const keys = ['total', 'completed', 'cancelled', 'lateCancelled', 'noShow', 'started', 'onTimeRate', 'noShowRate'];
  const screen = await Promise.all(keys.map((key) => manager.getByTestId(`total-${key}`).textContent()));
  const headerOf: Record<string, string> = {
    total: 'Appointments',
    completed: 'Completed',
    cancelled: 'Cancelled',
    lateCancelled: 'Late-cancelled',
    noShow: 'No-shows',
    started: 'Started',
    onTimeRate: 'On time (%)',
    noShowRate: 'No-show rate (%)',
  };
  expect(screen).toEqual(keys.map((key) => csv(headerOf[key]) || '—'));
  await context.close();
});
