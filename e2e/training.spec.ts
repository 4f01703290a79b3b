import { expect, type Page, test } from '@playwright/test';
import { CLINIC, expectAccessible, RECEPTIONIST, signIn } from './fixtures';

/** The training clinic from the user menu: the switch, the banner on every screen, the way back. */

const BANNER = 'Training clinic — practice data; nothing here is real and no message leaves';

async function openUserMenu(page: Page) {
  await page.getByRole('button', { name: new RegExp(`^${RECEPTIONIST.name}`) }).click();
}

test('a receptionist switches to training from the user menu, practises under the banner and leaves', async ({
  page,
}) => {
  await page.clock.install();
  await signIn(page, RECEPTIONIST);
  await expect(page.getByTestId('training-banner')).toHaveCount(0);

  await openUserMenu(page);
  await page.getByRole('menuitem', { name: 'Practise in the training clinic' }).click();
  const banner = page.getByRole('region', { name: 'Training mode' });
  await expect(banner).toBeVisible({ timeout: 60_000 });
  await expect(banner).toContainText(BANNER);
  await expect(page.getByTestId('clinic-name')).toHaveText(`${CLINIC} (training)`);
  // Same role, own name: the receptionist's menu.
  await expect(page.getByRole('link', { name: 'Register patient' }).first()).toBeVisible();
  await expectAccessible(page, 'the training clinic home');

  // The banner stays on every screen.
  await page.getByRole('link', { name: 'Schedule' }).first().click();
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(BANNER);

  // The idle lock still works in training: unlocking with the real password goes back into training.
  await page.clock.fastForward('16:00');
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeVisible();
  await page.getByLabel('Password').fill(RECEPTIONIST.password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeHidden();
  await expect(banner).toBeVisible();

  await banner.getByRole('button', { name: 'Leave training' }).click();
  await expect(page.getByTestId('training-banner')).toHaveCount(0);
  await expect(page.getByTestId('clinic-name')).toHaveText(CLINIC);
});
