import { expect, test } from '@playwright/test';
import { RECEPTIONIST, signIn } from './fixtures';

test('an idle screen locks, hides patient data, and keeps unsaved input behind the lock', async ({ page }) => {
  await page.clock.install();
  await signIn(page, RECEPTIONIST);

  await page.getByRole('link', { name: 'Register patient' }).first().click();
  await page.getByLabel('Given name').fill('Unsaved');
  await page.getByLabel('Family name').fill('Draftperson');

  // The clinic's idle time-out is 15 minutes by default.
  await page.clock.fastForward('16:00');
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeVisible();
  await expect(page.getByLabel('Given name')).toBeHidden();
  await expect(page.getByText('Draftperson')).toBeHidden();

  await page.getByLabel('Password').fill('not my password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeVisible();

  await page.getByLabel('Password').fill(RECEPTIONIST.password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeHidden();
  await expect(page.getByLabel('Given name')).toHaveValue('Unsaved');
  await expect(page.getByLabel('Family name')).toHaveValue('Draftperson');
  // Unsaved input is kept in the page's memory only, never in the browser's lasting storage.
  const stored = await page.evaluate(() =>
    JSON.stringify(Object.entries((globalThis as unknown as { localStorage: object }).localStorage)),
  );
  expect(stored).not.toContain('Draftperson');
});

test('the lock drops the patient data on screen and brings it back after unlock', async ({ page }) => {
  await page.clock.install();
  await signIn(page, RECEPTIONIST);
  // Letters only (names refuse digits), unique to this run.
  const familyName = `Lockcheck${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
  const created = await page.request.post('/api/patients', {
    data: { givenName: 'Vera', familyName, birthDate: '1979-05-14', sex: 'female' },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/patients/${id}`);
  await expect(page.getByRole('heading', { name: new RegExp(familyName) }).first()).toBeVisible();

  await page.clock.fastForward('16:00');
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeVisible();
  // Not hidden but gone: the page and the query cache hold no trace of the patient.
  await expect.poll(async () => (await page.content()).includes(familyName)).toBe(false);
  const stored = await page.evaluate(() =>
    JSON.stringify(Object.entries((globalThis as unknown as { localStorage: object }).localStorage)),
  );
  expect(stored).not.toContain(familyName);

  await page.getByLabel('Password').fill(RECEPTIONIST.password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: new RegExp(familyName) }).first()).toBeVisible();
});
