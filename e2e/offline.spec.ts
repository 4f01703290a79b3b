import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, RECEPTIONIST, signIn, storedCopy } from './fixtures';
import { addDays, clinicIso, clinicToday, created } from './scheduling';

/**
 * The downtime kit's offline copy: the receptionist's browser keeps today's and tomorrow's
 * schedule (service worker for the app, IndexedDB for the copy). With the network gone the page
 * still opens, says "Offline — as of HH:MM" and shows today's patient with their phone; back
 * online the app returns; signing out deletes the copy from the device.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

/** Letters only (names refuse digits), unique to this run. */
const letters = () =>
  Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

test('with the server out of reach, today’s schedule and phones stay readable; sign-out removes the copy', async ({
  page,
  context,
  browser,
}) => {
  // Two waits for the 15-second re-check of the server.
  test.setTimeout(240_000);
  const family = `Offlinewick${letters()}`;
  const provider = `Ida Downtime${letters()}`;
  // Later today in the clinic (outside working hours, so booked with an override), unless the
  // day is nearly over: then tomorrow morning, which the copy holds too.
  const today = clinicToday();
  const lateToday = clinicIso(today, '23:30');
  const day = Date.parse(lateToday) > Date.now() + 5 * 60_000 ? today : addDays(today, 1);
  const start = day === today ? lateToday : clinicIso(day, '09:00');

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signIn(adminPage, ADMIN);
  const api = adminPage.request;
  const providerId = await created(await api.post('/api/providers', { data: { name: provider, title: 'Dr.' } }));
  const typeId = await created(
    await api.post('/api/appointment-types', {
      data: { name: `Downtime check ${letters()}`, durationMinutes: 30, color: '#e8590c', providerIds: [providerId] },
    }),
  );
  const patientId = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Odile', familyName: family, birthDate: '1968-07-23', sex: 'female', phone: '413-555-0186' },
    }),
  );
  await created(
    await api.post('/api/appointments', {
      data: { patientId, providerId, appointmentTypeId: typeId, start, override: { reason: 'Downtime drill' } },
    }),
  );
  await admin.close();

  // The receptionist signs in and opens the schedule: the app takes its copy at once.
  await signIn(page, RECEPTIONIST);
  await page.goto('/schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  await expect
    .poll(async () => (await storedCopy(page))?.copy.patients.map((p) => p.name) ?? [])
    .toContain(`Odile ${family}`);
  // The service worker holds the app shell.
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
  const asOf = (await storedCopy(page))?.copy.takenAt.slice(11, 16);

  // The network goes: a reload still opens Tend, from the service worker's cache.
  await context.setOffline(true);
  await page.reload();
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toContainText(`Offline — as of ${asOf}`);
  await expect(page.getByRole('heading', { name: 'Offline schedule', level: 1 })).toBeVisible();
  if (day !== today) await page.getByText(/^Tomorrow,/).click();
  await expect(page.getByRole('heading', { name: `Dr. ${provider}`, level: 2 })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: `Odile ${family}` });
  await expect(row).toContainText('+1 413 555 0186');
  await expect(row).toContainText(day === today ? '23:30–00:00' : '09:00–09:30');
  await expect(row).toContainText('Jul 23, 1968');
  await expectAccessible(page, 'the offline schedule');
  await page.screenshot({ path: '../.tend-test/offline-reload.png', fullPage: true });

  // Back online: within the next check the banner goes and the app is back, signed in.
  await context.setOffline(false);
  await expect(page.getByRole('navigation')).toBeVisible({ timeout: 30_000 });
  await expect(banner).toBeHidden();

  // Offline while the app is open: the browser says the network went, Tend checks the server at
  // once and shows the copy instead of its screens.
  await context.setOffline(true);
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('navigation')).toBeHidden();
  await expect(page.getByRole('row').filter({ hasText: `Odile ${family}` })).toBeVisible();
  await page.screenshot({ path: '../.tend-test/offline-in-app.png', fullPage: true });
  await context.setOffline(false);
  await expect(banner).toBeHidden({ timeout: 30_000 });

  // Signing out deletes the copy from the device.
  expect(await storedCopy(page)).not.toBeNull();
  await page.getByRole('button', { name: new RegExp(RECEPTIONIST.name) }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await storedCopy(page)).toBeNull();

  // And offline after sign-out, the page shows no schedule at all.
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('offline-banner')).toContainText('Offline');
  await expect(page.getByText(family)).toHaveCount(0);
  await context.setOffline(false);
});
