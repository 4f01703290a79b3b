import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';

test('Admin → Permissions shows what each role may do, and the staff form links to it', async ({ page }) => {
  await signIn(page, ADMIN);
  await openMenu(page, 'Staff');
  await page.getByRole('button', { name: 'Add staff account' }).click();
  const link = page.getByRole('dialog').getByRole('link', { name: 'What each role may do' });
  await expect(link).toHaveAttribute('href', '/admin/permissions');
  await page.keyboard.press('Escape');

  await openMenu(page, 'Permissions');
  await expect(page.getByRole('heading', { name: 'Permissions', level: 1 })).toBeVisible();
  const notes = page.getByRole('row', { name: /Read visit notes, vitals, allergies and medications/ });
  // Columns: permission, then admin, manager, receptionist, provider, nurse, billing.
  const cells = notes.getByRole('cell');
  await expect(cells).toHaveCount(6);
  await expect(cells.nth(0)).toHaveText('Not allowed');
  await expect(cells.nth(3)).toHaveText('Allowed');
  await expect(cells.nth(4)).toHaveText('Allowed');
  await expect(cells.nth(5)).toHaveText('Not allowed');
  await expect(page.getByRole('columnheader', { name: 'Billing specialist' })).toBeVisible();
  await expect(page.getByText('Patients and insurance', { exact: true })).toBeVisible();
  await expectAccessible(page, 'the permissions page');
});

test('an API token is created with the scopes chosen and an expiry', async ({ page }) => {
  await signIn(page, ADMIN);
  await openMenu(page, 'API tokens');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Token name').fill('Schedule export');
  // Only the administrator's own permissions are offered: no clinical notes.
  await expect(dialog.getByRole('checkbox', { name: /Read visit notes/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText('Choose at least one thing the token may do.')).toBeVisible();
  await dialog.getByRole('checkbox', { name: /See the schedule, open slots and working hours/ }).check();
  await dialog.getByLabel('Expires').selectOption('30');
  await expectAccessible(page, 'the token form');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const token = (await dialog.getByTestId('new-token').textContent())?.trim() ?? '';
  expect(token).toMatch(/^tend_/);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: /Schedule export/ }).getByText('schedule.read')).toBeVisible();

  // The token reaches the schedule, and nothing else.
  const headers = { authorization: `Bearer ${token}` };
  const context = page.context();
  const bare = await context.browser()?.newContext();
  const api = bare?.request ?? page.request;
  const base = new URL(page.url()).origin;
  expect((await api.get(`${base}/api/appointment-types`, { headers })).status()).toBe(200);
  expect((await api.get(`${base}/api/patients`, { headers })).status()).toBe(403);
  await bare?.close();
});
