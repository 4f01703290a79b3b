import { expect, test } from '@playwright/test';
import { signLink } from '../apps/server/src/messaging/links';
import { ADMIN, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';
import { addDays, clinicToday, created, scenario } from './scheduling';

/**
 * A recall from ordering to booked: the provider orders a follow-up during a visit, it appears on
 * the front desk's recall list as due, the patient books one of the open times from the link in
 * their recall message, and the list shows it booked. (The message itself — written by the sweep,
 * signed when sent — is tested through the API; here the test signs the link with the server's
 * key, as the outbox worker does.)
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const KEYS = { secretKey: 'e2e-secret-key', dataDir: '/nonexistent' };
const DOCTOR = { email: 'lena.okafor@riverside.test', password: 'recall-doctor-2026' };
const SCREENS = '../.tend-test/screens';

test('a recall is due, the patient books it from the link, the front desk sees it booked', async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Lena Okafor', email: DOCTOR.email, role: 'provider', password: DOCTOR.password },
    }),
  );
  const ids = await scenario(
    api,
    { provider: 'Lena Okafor', type: 'Recall check', given: 'Greta', family: 'Lindqvist' },
    { start: '09:00', end: '12:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);

  // The provider orders "return in 3 days" during the visit.
  const doctorContext = await browser.newContext();
  const doctor = await doctorContext.newPage();
  await signIn(doctor, DOCTOR);
  const visitId = await created(
    await doctor.request.post('/api/encounters', { data: { patientId: ids.patientId, providerId: ids.providerId } }),
  );
  const dueDate = addDays(clinicToday(), 3);
  const recallId = await created(
    await doctor.request.post(`/api/encounters/${visitId}/follow-ups`, {
      data: { dueDate, reason: 'Recheck the sprained ankle', appointmentTypeId: ids.typeId },
    }),
  );
  await doctorContext.close();

  // The front desk's list: due now.
  const desk = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });
  const front = await desk.newPage();
  await signIn(front, RECEPTIONIST);
  await openMenu(front, 'Recalls');
  await expect(front.getByRole('heading', { level: 1, name: 'Recalls' })).toBeVisible();
  const row = front.getByRole('row').filter({ hasText: 'Greta Lindqvist' });
  await expect(row).toContainText('Recheck the sprained ankle');
  await expect(row).toContainText('Dr. Lena Okafor');
  await expect(row).toContainText('Not contacted yet');
  await expect(row.getByRole('button', { name: 'Log a call with Greta Lindqvist' })).toBeVisible();
  await expect(front.locator('.mantine-Notification-root')).toHaveCount(0);
  await front.screenshot({ path: `${SCREENS}/recalls.png` });

  // The patient, not signed in, on a phone.
  const expires = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const token = signLink(KEYS, { action: 'book', id: recallId, start: 0, expires });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Madrid' });
  const patient = await phone.newPage();
  await patient.goto(`/r/${token}`);
  await expect(patient.getByRole('heading', { level: 1, name: 'Riverside Family Clinic' })).toBeVisible();
  await expect(patient.getByRole('status')).toContainText('It is time to book your follow-up visit');
  // Nothing clinical on the page.
  await expect(patient.getByText(/ankle/)).toHaveCount(0);
  const times = patient.getByRole('group', { name: 'Choose a time' });
  await expect(times.getByRole('button').first()).toBeVisible();
  await expectAccessible(patient, 'the recall booking link');
  await patient.screenshot({ path: `${SCREENS}/recall-link.png`, fullPage: true });
  const first = times.getByRole('button').first();
  const when = (await first.getAttribute('aria-label')) ?? '';
  await first.click();
  await patient.getByRole('button', { name: /^Book / }).click();
  await expect(patient.getByRole('status')).toContainText('Thank you — your visit is booked for');
  await expect(patient.getByRole('status')).toContainText(when.split(', ').at(-1) ?? '');
  await patient.screenshot({ path: `${SCREENS}/recall-link-booked.png` });

  // The same link again shows the booked visit and books nothing more.
  await patient.reload();
  await expect(patient.getByRole('status')).toContainText('Your visit is booked for');
  await expect(patient.getByRole('group', { name: 'Choose a time' })).toHaveCount(0);
  await phone.close();

  // The front desk: off the due list, on the booked one.
  await front.reload();
  await expect(front.getByRole('heading', { level: 1, name: 'Recalls' })).toBeVisible();
  await expect(front.getByRole('row').filter({ hasText: 'Greta Lindqvist' })).toHaveCount(0);
  // The view filter (a segmented control: its labels are what one clicks).
  await front.locator('label', { hasText: /^Booked$/ }).click();
  await expect(front.getByRole('radio', { name: 'Booked' })).toBeChecked();
  const booked = front.getByRole('row').filter({ hasText: 'Greta Lindqvist' });
  await expect(booked).toContainText('Booked');
  await front.screenshot({ path: `${SCREENS}/recalls-booked.png` });
  await desk.close();
});
