import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';

test.use({ timezoneId: 'America/New_York' });

test('the front desk finds the next open time for a cleaning, books it, sees it on the day view and checks the patient in', async ({
  page,
}) => {
  await signIn(page, ADMIN);

  // A provider who works 07:00–19:00 every day, a 30-minute cleaning, and a registered patient.
  const api = page.request;
  const provider = await api.post('/api/providers', { data: { name: 'Nadia Okafor', title: 'Dr.', color: '#0f7c8c' } });
  expect(provider.status()).toBe(201);
  const providerId: string = (await provider.json()).id;
  const locations = await api.get('/api/locations');
  const locationId: string = (await locations.json()).items[0].id;
  const blocks = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '07:00', end: '19:00' }));
  expect((await api.put(`/api/providers/${providerId}/working-hours`, { data: { locationId, blocks } })).ok()).toBe(
    true,
  );
  const type = await api.post('/api/appointment-types', {
    data: { name: 'Cleaning', durationMinutes: 30, color: '#2f9e44', providerIds: [providerId] },
  });
  expect(type.status()).toBe(201);
  const patient = await api.post('/api/patients', {
    data: { givenName: 'Tobias', familyName: 'Lindqvist', birthDate: '1988-06-14', sex: 'male' },
  });
  expect(patient.status()).toBe(201);

  await openMenu(page, 'Schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Dr. Nadia Okafor' })).toBeVisible();
  await expectAccessible(page, 'the schedule');

  // Find next available → the first open time is chosen → the patient → book.
  await page.getByRole('button', { name: 'Find next available' }).click();
  const dialog = page.getByRole('dialog', { name: 'Find next available' });
  await dialog.getByRole('combobox', { name: 'Appointment type' }).click();
  await page.getByRole('option', { name: /Cleaning/ }).click();
  await dialog.getByRole('button', { name: 'Search' }).click();
  const chosen = dialog.getByRole('radio', { checked: true });
  await expect(chosen).toContainText('with Dr. Nadia Okafor');
  const time = /(\d{2}:\d{2}) with/.exec((await chosen.textContent()) ?? '')?.[1];
  expect(time).toBeTruthy();
  await expectAccessible(page, 'the find next available dialog');
  await dialog.getByLabel('Find the patient').fill('Lindqvist');
  await dialog.getByRole('radio', { name: /Tobias Lindqvist/ }).check();
  await dialog.getByRole('button', { name: 'Book appointment' }).click();
  await expect(dialog).toBeHidden();

  // The block is on the day view; open it and check the patient in.
  const block = page.getByRole('button', { name: `${time} Tobias Lindqvist with Dr. Nadia Okafor` });
  await expect(block).toBeVisible();
  await expect(block).toHaveAccessibleDescription(/Cleaning.*Booked/);
  await block.click();
  const details = page.getByRole('dialog', { name: 'Appointment' });
  await expect(details).toContainText('Tobias Lindqvist');
  await expectAccessible(page, 'the appointment dialog');
  await details.getByRole('button', { name: 'Check in', exact: true }).click();
  await expect(details).toBeHidden();
  await expect(block).toHaveAccessibleDescription(/Checked in/);
  await expectAccessible(page, 'the schedule after check-in');
});
