import { expect, type Page, test } from '@playwright/test';
import { totpCode, totpStep } from '../apps/server/src/auth/totp';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';

const NURSE = { name: 'Nadia Novak', email: 'nadia@riverside.test', password: 'nurse-station-2026' };

// A code works once: each use takes the next 30-second step, waiting for it when it is not near.
let lastStep = 0;
async function freshCode(page: Page, secret: string): Promise<string> {
  let step = Math.max(totpStep(new Date()), lastStep + 1);
  while (step > totpStep(new Date()) + 1) await page.waitForTimeout(1000);
  step = Math.max(totpStep(new Date()), lastStep + 1);
  lastStep = step;
  return totpCode(secret, step);
}

async function userMenu(page: Page, item: string) {
  await page.getByRole('button', { name: new RegExp(`^${NURSE.name}`) }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

test('two-step sign-in: enrol with the QR code, then sign in and unlock with a code from the app', async ({ page }) => {
  // The administrator adds a nurse.
  await signIn(page, ADMIN);
  await openMenu(page, 'Staff');
  await page.getByRole('button', { name: 'Add staff account' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(NURSE.name);
  await dialog.getByLabel('Email').fill(NURSE.email);
  await dialog.getByLabel('Role').selectOption('nurse');
  await dialog
    .getByLabel(/password/i)
    .first()
    .fill(NURSE.password);
  await dialog.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('cell', { name: NURSE.email })).toBeVisible();
  await page.getByRole('button', { name: new RegExp(`^${ADMIN.name}`) }).click();
  await page.getByRole('menuitem', { name: 'Sign out', exact: true }).click();

  // The nurse sets up two-step sign-in.
  await signIn(page, NURSE);
  await userMenu(page, 'Two-step sign-in');
  await expect(page.getByTestId('mfa-status')).toHaveText('Off');
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  const qr = page.getByRole('img', { name: 'QR code to add Tend to your authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  // The QR code really drew (an image that failed to load has no natural width).
  expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await expectAccessible(page, 'two-step sign-in set-up');
  const secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  await page.getByLabel('Code from the app').fill('000000' === (await freshCode(page, secret)) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByText('This code does not match.', { exact: false })).toBeVisible();
  await page.getByLabel('Code from the app').fill(await freshCode(page, secret));
  await page.getByRole('button', { name: 'Turn on' }).click();

  const codes = page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recoveryCode = (await codes.first().textContent()) ?? '';
  expect(recoveryCode).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  await expect(page.getByText('Tend shows them only this once', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'I have saved my codes' }).click();
  await expect(page.getByTestId('mfa-status')).toHaveText('On');
  await expect(page.getByText('Recovery codes left: 10')).toBeVisible();

  // Signing in now takes the code.
  await userMenu(page, 'Sign out');
  await page.getByLabel('Email').fill(NURSE.email);
  await page.getByLabel('Password').fill(NURSE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-step sign-in' })).toBeVisible();
  await expect(page.getByRole('navigation')).toBeHidden();
  await page.getByLabel('Code').fill('123456' === (await freshCode(page, secret)) ? '654321' : '123456');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('This code is not right', { exact: false })).toBeVisible();
  await page.getByLabel('Code').fill(await freshCode(page, secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('navigation')).toBeVisible();

  // The lock screen asks for a code too.
  await userMenu(page, 'Lock screen');
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeVisible();
  await page.getByLabel('Password').fill(NURSE.password);
  await page.getByLabel('Code from your authenticator app').fill(await freshCode(page, secret));
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Tend is locked to protect patient data' })).toBeHidden();
  await expect(page.getByRole('navigation')).toBeVisible();

  // A recovery code signs in once, without the phone.
  await userMenu(page, 'Sign out');
  await page.getByLabel('Email').fill(NURSE.email);
  await page.getByLabel('Password').fill(NURSE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCode);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('navigation')).toBeVisible();

  // The administrator sees it on, and resets it (a lost phone).
  await userMenu(page, 'Sign out');
  await signIn(page, ADMIN);
  await openMenu(page, 'Staff');
  await page.getByRole('button', { name: `Edit ${NURSE.name}` }).click();
  const staff = page.getByRole('dialog');
  await expect(staff.getByTestId('staff-mfa')).toHaveText('On');
  await staff.getByRole('button', { name: 'Reset two-step sign-in' }).click();
  await page
    .getByRole('dialog', { name: `Reset two-step sign-in of ${NURSE.name}?` })
    .getByRole('button', { name: 'Reset two-step sign-in' })
    .click();
  await expect(page.getByText(`Two-step sign-in of ${NURSE.name} was reset.`)).toBeVisible();
});
