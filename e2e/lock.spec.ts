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
});
