import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';
import { created } from './scheduling';

/**
 * Break the glass: a manager restricts a patient's record from the chart header; a provider with
 * no care relationship sees "Restricted record", asks for emergency access with a reason and gets
 * the chart under a red banner with the time left; the manager finds the access on the home page
 * and reviews it.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const PROVIDER = { email: 'omar.reid@riverside.test', password: 'provider-pass-2026' };
const MANAGER = { email: 'mia.park@riverside.test', password: 'manager-pass-2026' };
const REASON = 'Patient collapsed in the waiting room, need the allergy list';

test('a provider breaks the glass on a restricted record and a manager reviews it', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  await created(
    await api.post('/api/users', {
      data: { name: 'Omar Reid', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Mia Park', email: MANAGER.email, role: 'manager', password: MANAGER.password },
    }),
  );
  const patientId = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Vera', familyName: 'Lindqvist', birthDate: '1968-05-30', sex: 'female' },
    }),
  );

  // The manager restricts the record from the chart header.
  await page.context().clearCookies();
  await signIn(page, MANAGER);
  await page.goto(`/patients/${patientId}`);
  await page.getByRole('button', { name: 'Restrict record' }).click();
  const confirm = page.getByRole('dialog', { name: 'Restrict record' });
  await expect(confirm).toContainText('Only the providers caring for this patient');
  await confirm.getByRole('button', { name: 'Restrict record' }).click();
  await expect(page.getByText('The record is now restricted.')).toBeVisible();
  await expect(page.getByText('Restricted', { exact: true })).toBeVisible();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('button', { name: 'Lift restriction' })).toBeVisible();

  // A provider with no appointment or visit with her sees the restricted notice, not the chart.
  await page.context().clearCookies();
  await signIn(page, PROVIDER);
  await page.goto(`/patients/${patientId}?tab=clinical`);
  await expect(page.getByRole('heading', { name: 'Vera Lindqvist' })).toBeVisible();
  await expect(page.getByText('Restricted record')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Visits' })).toHaveCount(0);
  await expectAccessible(page, 'the restricted record notice');

  await page.getByRole('button', { name: 'Emergency access' }).click();
  const dialog = page.getByRole('dialog', { name: 'Emergency access to a restricted record' });
  await dialog.getByLabel('Reason').fill('urgent');
  await dialog.getByRole('button', { name: 'Open for 60 minutes' }).click();
  await expect(dialog.getByText('in at least 10 characters')).toBeVisible();
  await dialog.getByLabel('Reason').fill(REASON);
  await expectAccessible(page, 'the emergency access dialog');
  await dialog.getByRole('button', { name: 'Open for 60 minutes' }).click();
  await expect(dialog).toBeHidden();

  const banner = page.getByTestId('emergency-banner');
  await expect(banner).toContainText('Emergency access: 60 min left');
  await expect(banner).toHaveCSS('background-color', /rgb\((2[0-9]{2}), \d{1,2}, \d{1,2}\)/);
  await expect(page.getByRole('heading', { name: 'Visits' })).toBeVisible();
  await expect(page.getByText('No visits documented yet.')).toBeVisible();
  await expectAccessible(page, 'a chart under emergency access');

  // The manager sees it on the home page and reviews it.
  await page.context().clearCookies();
  await signIn(page, MANAGER);
  const tile = page.getByTestId('stat-emergency-review');
  await expect(tile).toContainText('Emergency accesses to review');
  await expect(tile).toContainText('1');
  await tile.click();
  await expect(page.getByRole('heading', { name: 'Emergency access review', level: 1 })).toBeVisible();
  const row = page.getByRole('row', { name: /Omar Reid/ });
  await expect(row).toContainText('Vera Lindqvist');
  await expect(row).toContainText(REASON);
  await expectAccessible(page, 'the emergency access review');
  await row.getByRole('button', { name: /Review/ }).click();
  const review = page.getByRole('dialog', { name: 'Review' });
  await review.getByRole('button', { name: 'Record review' }).click();
  await expect(review.getByText('Choose whether the access was appropriate or not.')).toBeVisible();
  await review.getByLabel('Appropriate', { exact: true }).check();
  await review.getByLabel('Note (optional)').fill('Confirmed with the front desk');
  await review.getByRole('button', { name: 'Record review' }).click();
  await expect(page.getByText('Review recorded.')).toBeVisible();
  await expect(page.getByText('No emergency accesses to review.')).toBeVisible();
  await page.getByText('All', { exact: true }).click();
  await expect(page.getByRole('row', { name: /Omar Reid/ })).toContainText('Appropriate — Mia Park');
});
