import { expect, type Page, test } from '@playwright/test';
import { signLink } from '../apps/server/src/messaging/links';
import { ADMIN, expectAccessible, RECEPTIONIST, signIn } from './fixtures';
import { book, clinicIso, mondayInTwoWeeks, scenario } from './scheduling';

/**
 * The link in a reminder, as a patient opens it on their phone: the appointment and one button.
 * The front desk's schedule shows "Confirmed" the moment the patient taps it, without a reload.
 * (The reminder itself — written at booking, signed when sent — is tested through the API; here
 * the test signs the link with the server's key, as the outbox worker does.)
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const KEYS = { secretKey: 'e2e-secret-key', dataDir: '/nonexistent' };

test('a patient confirms from the reminder link and the front desk sees it live', async ({ page, browser }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(api, { provider: 'Priya Nair', type: 'Rehab session', given: 'Tomás', family: 'Ruiz' });
  const monday = mondayInTwoWeeks();
  const appointmentId = await book(api, ids, monday, '11:30');
  const start = Date.parse(clinicIso(monday, '11:30')) / 1000;
  const confirm = signLink(KEYS, { action: 'confirm', id: appointmentId, start, expires: start });

  // The front desk has the day open.
  const desk = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });
  const front = await desk.newPage();
  await signIn(front, RECEPTIONIST);
  await front.goto('/schedule');
  await front.getByRole('textbox', { name: 'Date' }).fill(monday);
  await expect(front.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const block = front.getByRole('button', { name: '11:30 Tomás Ruiz with Dr. Priya Nair' });
  await expect(block).toHaveAccessibleDescription(/Booked/);

  // The patient, not signed in, on a phone-sized screen.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Europe/Madrid' });
  const patient: Page = await phone.newPage();
  await patient.goto(`/r/${confirm}`);
  await expect(patient.getByRole('heading', { level: 1, name: 'Riverside Family Clinic' })).toBeVisible();
  // The clinic's time, whatever the phone's zone.
  await expect(patient.getByText(/, 11:30 AM$/)).toBeVisible();
  await expect(patient.getByText('with Dr. Priya Nair', { exact: false })).toBeVisible();
  await expectAccessible(patient, 'the patient’s link page');
  await patient.screenshot({ path: '../.tend-test/screens/patient-link.png' });
  // Opening the link changed nothing.
  await expect(block).toHaveAccessibleDescription(/Booked/);

  await patient.getByRole('button', { name: 'Confirm my appointment' }).click();
  await expect(patient.getByRole('status')).toHaveText('Thank you — your appointment is confirmed.');
  await expect(block).toHaveAccessibleDescription(/Confirmed/, { timeout: 3_000 });

  // The same link again: used already.
  await patient.reload();
  await expect(patient.getByRole('status')).toHaveText('This link was used already. Thank you!');
  await expect(patient.getByRole('button', { name: 'Confirm my appointment' })).toHaveCount(0);

  // A link that was tampered with shows no appointment.
  await patient.goto(`/r/${confirm.slice(0, 40)}${'A'.repeat(16)}`);
  await expect(patient.getByRole('status')).toContainText('This link is not valid');
  await desk.close();
  await phone.close();
});

test('the administrator sets the reminders: an email 3 days and a text 2 hours before', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/admin/reminders');
  await expect(page.getByRole('heading', { level: 1, name: 'Reminders' })).toBeVisible();
  const rules = page.getByRole('table', { name: 'Reminder rules' });
  await expect(rules).toContainText('No reminders');
  await page.getByRole('button', { name: 'Add a reminder' }).click();
  await page.getByRole('combobox', { name: 'Reminder 1: sent by' }).click();
  await page.getByRole('option', { name: 'Email' }).click();
  await page.getByRole('textbox', { name: 'Reminder 1: how long before' }).fill('3');
  await page.getByRole('button', { name: 'Add a reminder' }).click();
  await page.getByRole('textbox', { name: 'Reminder 2: how long before' }).fill('2');
  await page.getByRole('combobox', { name: 'Reminder 2: unit' }).click();
  await page.getByRole('option', { name: 'hours' }).click();
  await expect(rules).toContainText('2 hours before');
  await page.getByRole('button', { name: 'Save reminders' }).click();
  await expect(page.getByText('Reminders saved.')).toBeVisible();
  const saved = await (await page.request.get('/api/reminder-rules')).json();
  expect(saved.items.map((r: { channel: string; minutesBefore: number }) => [r.channel, r.minutesBefore])).toEqual([
    ['email', 4320],
    ['sms', 120],
  ]);
  await page.screenshot({ path: '../.tend-test/screens/reminder-rules.png' });
});
