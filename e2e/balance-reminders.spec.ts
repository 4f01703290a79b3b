import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';

/**
 * Balance reminders are turned on where billing works with statements: on with a repeat every
 * 14 days and at most 2 per invoice, saved, and still so after a reload. A missing number is refused
 * with what to fix (an empty number of days).
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });

const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  for (const close of await page.locator('.mantine-Notification-closeButton').all()) {
    await close.click({ force: true, timeout: 2000 }).catch(() => undefined);
  }
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

test('billing turns balance reminders on and sets how often they go', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto('/billing/statements');
  const panel = page.getByRole('region', { name: 'Balance reminders' });
  await expect(panel).toBeVisible();
  const enabled = panel.getByRole('switch', { name: 'Email balance reminders' });
  await expect(enabled).not.toBeChecked();
  await expect(panel.getByLabel('First reminder after (days)')).toBeDisabled();
  await expect(panel.getByTestId('balance-reminders-summary')).toHaveText(
    'Last 30 days: 0 reminded · 0 not reachable by email',
  );

  await enabled.check({ force: true });
  await panel.getByLabel('First reminder after (days)').fill('');
  await panel.getByRole('button', { name: 'Save reminders' }).click();
  await expect(panel.getByText('Enter the number of days.')).toBeVisible();
  await expect(page.getByText('Balance reminders are on.')).toHaveCount(0);

  await panel.getByLabel('First reminder after (days)').fill('30');

  await panel.getByLabel('Repeat every (days)').fill('14');
  await panel.getByLabel('At most (reminders)').fill('2');
  await panel.getByRole('button', { name: 'Save reminders' }).click();
  await expect(page.getByText('Balance reminders are on.')).toBeVisible();
  await expectAccessible(page, 'the statements page with balance reminders');
  await screenshot(page, 'balance-reminders');

  await page.reload();
  const again = page.getByRole('region', { name: 'Balance reminders' });
  await expect(again.getByRole('switch', { name: 'Email balance reminders' })).toBeChecked();
  await expect(again.getByLabel('First reminder after (days)')).toHaveValue('30');
  await expect(again.getByLabel('Repeat every (days)')).toHaveValue('14');
  await expect(again.getByLabel('At most (reminders)')).toHaveValue('2');

  const saved = await page.request.get('/api/settings/balance-reminders');
  expect(await saved.json()).toMatchObject({ enabled: true, afterDays: 30, repeatDays: 14, maxReminders: 2 });
});
