import { expect, test } from '@playwright/test';
import { ADMIN, CLINIC, expectAccessible, openMenu, RECEPTIONIST } from './fixtures';

test.use({ timezoneId: 'America/New_York' });

test('a new clinic is set up in the browser and its first receptionist is added', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Set up your clinic' })).toBeVisible();
  await expectAccessible(page, 'the setup page');

  await page.getByLabel('Clinic name').fill(CLINIC);
  await expect(page.getByRole('combobox', { name: 'Time zone' })).toHaveValue('America/New_York');
  await page.getByLabel('Your name').fill(ADMIN.name);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password').fill('something else entirely');
  await page.getByRole('button', { name: 'Create clinic' }).click();
  await expect(page.getByText('The two passwords are not the same.')).toBeVisible();

  await page.getByLabel('Confirm password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create clinic' }).click();
  await expect(page.getByText(CLINIC).first()).toBeVisible();
  await expect(page.getByRole('navigation')).toBeVisible();

  // The administrator adds the receptionist account in the Staff screen.
  await openMenu(page, 'Staff');
  await page.getByRole('button', { name: 'Add staff account' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill(RECEPTIONIST.name);
  await dialog.getByLabel('Email').fill(RECEPTIONIST.email);
  await dialog.getByLabel('Role').selectOption('receptionist');
  await dialog
    .getByLabel(/password/i)
    .first()
    .fill(RECEPTIONIST.password);
  await dialog.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('cell', { name: RECEPTIONIST.email })).toBeVisible();

  // A second setup is refused: the setup page is gone for good.
  const again = await page.request.post('/api/setup', {
    data: { clinicName: 'Other', timezone: 'UTC', adminEmail: 'x@y.test', adminPassword: 'long-enough-password' },
  });
  expect(again.status()).toBe(409);
});
