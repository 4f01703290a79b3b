import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';
import { created } from './scheduling';

test('the fee schedule of a service: a standard fee from a date and an insurer’s contracted amount; overlaps refused', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await created(
    await page.request.post('/api/services', {
      data: { code: '97110', codeSystem: 'CPT', description: 'Therapeutic exercise', feeCents: 9_000 },
    }),
  );
  await created(await page.request.post('/api/payers', { data: { name: 'Birchwood Health' } }));
  await page.goto('/admin/services');
  await page.getByRole('button', { name: 'Fees of 97110' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fee schedule of 97110' });
  await expect(dialog).toContainText('No dated fees yet');

  await dialog.getByRole('textbox', { name: 'Fee' }).fill('95.00');
  await dialog.getByRole('textbox', { name: 'From' }).fill('2027-01-01');
  await dialog.getByRole('button', { name: 'Add fee' }).click();
  const rates = dialog.getByRole('table', { name: 'Fees by date' });
  await expect(rates).toContainText('Standard fee (everyone)');
  await expect(rates).toContainText('$95.00');

  await dialog.getByRole('combobox', { name: 'Applies to' }).click();
  await page.getByRole('option', { name: 'Birchwood Health' }).click();
  await dialog.getByRole('textbox', { name: 'Fee' }).fill('72.50');
  await dialog.getByRole('textbox', { name: 'From' }).fill('2026-01-01');
  await dialog.getByRole('button', { name: 'Add fee' }).click();
  await expect(rates).toContainText('Birchwood Health');
  await expect(rates).toContainText('$72.50');

  // A second standard fee on dates already covered is refused, and nothing is added.
  await dialog.getByRole('combobox', { name: 'Applies to' }).click();
  await page.getByRole('option', { name: 'Standard fee (everyone)' }).click();
  await dialog.getByRole('textbox', { name: 'Fee' }).fill('99.00');
  await dialog.getByRole('textbox', { name: 'From' }).fill('2027-06-01');
  await dialog.getByRole('button', { name: 'Add fee' }).click();
  await expect(
    dialog.getByText('Another fee for this service (and insurer) covers some of these dates.'),
  ).toBeVisible();
  await expect(rates.getByRole('row')).toHaveCount(3);
  await expectAccessible(page, 'the fee schedule');
  await page.screenshot({ path: '../.tend-test/screens/fee-schedule.png' });
});
