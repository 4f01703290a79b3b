import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';
import { book, clinicToday, created, scenario } from './scheduling';

/**
 * The patient's right to amend their record: the provider records the request about a visit,
 * corrects the visit with an addendum, accepts the request naming that addendum — and the visit
 * shows the request with its decision.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });

const PROVIDER = { email: 'omar.reyes@riverside.test', password: 'amend-provider-2026' };

test('a provider records an amendment request, corrects the visit and accepts it; the visit shows it', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const admin = page.request;
  const userId = await created(
    await admin.post('/api/users', {
      data: { name: 'Omar Reyes', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  const ids = await scenario(
    admin,
    { provider: 'Omar Reyes', type: 'Amendment follow-up', given: 'Ingrid', family: 'Amendola' },
    { start: '06:00', end: '22:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  expect((await admin.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  const appointmentId = await book(admin, ids, clinicToday(), '07:00');
  expect((await admin.post(`/api/appointments/${appointmentId}/check-in`)).ok()).toBe(true);
  await page.context().clearCookies();

  await signIn(page, PROVIDER);
  const provider = page.request;
  const visitId = await created(await provider.post('/api/encounters', { data: { appointmentId } }));
  const visit = await (await provider.get(`/api/encounters/${visitId}`)).json();
  expect(
    (
      await provider.patch(`/api/encounters/${visitId}`, {
        data: { version: visit.version, assessment: 'Penicillin allergy.' },
      })
    ).ok(),
  ).toBe(true);
  expect((await provider.post(`/api/encounters/${visitId}/sign`)).ok()).toBe(true);

  await page.goto(`/patients/${ids.patientId}?tab=amendments`);
  await expect(page.getByRole('heading', { name: 'Amendment requests' })).toBeVisible();
  await expect(page.getByText('No amendment requests.')).toBeVisible();
  await page.getByRole('button', { name: 'Record a request' }).click();
  const record = page.getByRole('dialog', { name: 'Record an amendment request' });
  await record.getByRole('combobox', { name: 'About' }).click();
  await page.getByRole('option', { name: /^Visit of / }).click();
  // Nothing typed yet: the server names the field to fix.
  await record.getByRole('button', { name: 'Record request' }).click();
  await expect(record.getByText(/required|Enter/i).first()).toBeVisible();
  await record.getByLabel('What the patient asks to change').fill('My allergy is to amoxicillin, not penicillin.');
  await record.getByRole('button', { name: 'Record request' }).click();
  await expect(record).toBeHidden();
  const card = page.getByRole('article', { name: 'Amendment requests' });
  await expect(card.getByText(/^Pending — answer by /)).toBeVisible();
  await expect(card.getByText('My allergy is to amoxicillin, not penicillin.')).toBeVisible();
  await expectAccessible(page, 'the chart’s amendment requests');

  // The correction itself is an addendum on the visit.
  expect(
    (
      await provider.post(`/api/encounters/${visitId}/addenda`, {
        data: { reason: 'Amendment requested by the patient', text: 'Allergy is to amoxicillin.' },
      })
    ).status(),
  ).toBe(201);
  await page.reload();
  await card.getByRole('button', { name: 'Decide' }).click();
  const decide = page.getByRole('dialog', { name: 'Decide the amendment request' });
  await decide.getByRole('combobox', { name: 'The addendum that corrected the visit' }).click();
  await page.getByRole('option', { name: /Amendment requested by the patient/ }).click();
  await decide.getByLabel('What was corrected').fill('Allergy corrected by addendum.');
  await decide.getByRole('button', { name: 'Save decision' }).click();
  await expect(decide).toBeHidden();
  await expect(card.getByText('Accepted', { exact: true })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Decide' })).toHaveCount(0);

  await card.getByRole('link', { name: 'Open the visit' }).click();
  const onVisit = page.getByRole('region', { name: 'Amendment requests about this visit' });
  await expect(onVisit.getByText('My allergy is to amoxicillin, not penicillin.')).toBeVisible();
  await expect(onVisit.getByText(/Accepted by Omar Reyes/)).toBeVisible();
  await page.screenshot({ path: '../.tend-test/screens/amendment-on-visit.png', fullPage: true });
});
