import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';

// Admin → System health: the administrator sees each check with its level and numbers; the public
// health answer (what a load balancer reads) has the levels only; others have no such menu entry.

test('an administrator sees the system health; the public answer has levels only', async ({ page, request }) => {
  const pub = await request.get('/api/health');
  expect(pub.status()).toBe(200);
  const body = await pub.json();
  expect(body.checks).toMatchObject({ database: 'ok', migrations: 'ok' });
  expect(body).not.toHaveProperty('details');

  await signIn(page, ADMIN);
  await openMenu(page, 'System health');
  await expect(page.getByRole('heading', { level: 1, name: 'System health' })).toBeVisible();
  const check = (name: string) => page.locator(`[data-check="${name}"]`);
  await expect(check('database')).toHaveAttribute('data-level', 'ok');
  await expect(check('database')).toContainText('Embedded database, answered in');
  await expect(check('migrations')).toHaveAttribute('data-level', 'ok');
  await expect(check('migrations')).toContainText(/(\d+) of \1 applied/);
  await expect(check('outbox')).toContainText('waiting to be sent');
  // Which server process answered, and its memory: what an operator compares with the machine.
  await expect(page.getByTestId('server-process')).toContainText(
    /Answered by server process \d+, running for .+: \d+ MB of memory, of which the JavaScript heap \d+ MB in use of \d+ MB\./,
  );
  // The backup card says when the last one was taken, or that none was — and what to do then.
  const backup = check('backup');
  if ((await backup.getAttribute('data-level')) === 'ok') await expect(backup).toContainText('Last good backup');
  else await expect(backup.getByTestId('advice')).toContainText('docs/operations.md');
  await expectAccessible(page, 'the system health page');
});

test('a receptionist has no system health entry and cannot read the details', async ({ page }) => {
  await signIn(page, RECEPTIONIST);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'System health' })).toHaveCount(0);
  const details = await page.request.get('/api/admin/health');
  expect(details.status()).toBe(403);
});
