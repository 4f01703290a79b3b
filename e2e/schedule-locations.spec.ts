import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, RECEPTIONIST, signIn, storedCopy } from './fixtures';
import { addDays, book, created, mondayInTwoWeeks, scenario } from './scheduling';

/**
 * A clinic with two locations: the day view shows one at a time (its providers, its appointments,
 * its arrivals), remembers the front desk's choice on the device (and the offline copy follows
 * it), and can show every location.
 */
test.use({ timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });

test('the day view shows one location’s providers and appointments, remembers the choice, and can show all', async ({
  page: adminPage,
  browser,
}) => {
  await signIn(adminPage, ADMIN);
  const api = adminPage.request;
  const annex = await created(
    await api.post('/api/locations', { data: { name: 'Westside Annex', timezone: 'America/New_York' } }),
  );
  try {
    const main = await scenario(api, {
      provider: 'Ruth Adler',
      type: 'Main check-up',
      given: 'Yusuf',
      family: 'Demir',
    });
    // Tomas works at the annex only.
    const tomas = await created(await api.post('/api/providers', { data: { name: 'Tomas Berg', title: 'Dr.' } }));
    const blocks = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' }));
    const hours = await api.put(`/api/providers/${tomas}/working-hours`, { data: { locationId: annex, blocks } });
    expect(hours.ok()).toBe(true);
    const west = {
      providerId: tomas,
      typeId: await created(
        await api.post('/api/appointment-types', {
          data: { name: 'Annex check-up', durationMinutes: 30, providerIds: [tomas] },
        }),
      ),
      patientId: await created(
        await api.post('/api/patients', {
          data: { givenName: 'Hana', familyName: 'Sato', birthDate: '1990-03-21', sex: 'female' },
        }),
      ),
    };
    const tuesday = addDays(mondayInTwoWeeks(), 1);
    await book(api, main, tuesday, '11:00');
    await book(api, west, tuesday, '10:00');

    const context = await browser.newContext({ timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, RECEPTIONIST);
    await page.goto('/schedule');
    const picker = page.getByRole('combobox', { name: 'Location' });
    await expect(picker).toHaveValue('Riverside Family Clinic');
    await page.getByRole('textbox', { name: 'Date' }).fill(tuesday);
    const ruths = page.getByRole('button', { name: '11:00 Yusuf Demir with Dr. Ruth Adler' });
    const tomass = page.getByRole('button', { name: '10:00 Hana Sato with Dr. Tomas Berg' });
    await expect(ruths).toBeVisible();
    await expect(tomass).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Dr. Tomas Berg' })).toBeHidden();

    await picker.click();
    await page.getByRole('option', { name: 'Westside Annex' }).click();
    await expect(tomass).toBeVisible();
    await expect(ruths).toBeHidden();
    await expect(page.getByRole('heading', { name: 'Dr. Ruth Adler' })).toBeHidden();
    await expect(page.getByText(/· Westside Annex$/).first()).toBeVisible();
    // The device's offline copy follows: the annex's days only.
    await expect.poll(async () => (await storedCopy(page))?.copy.locationName).toBe('Westside Annex');
    await expectAccessible(page, 'the day view of one location');
    await page.screenshot({ path: '../.tend-test/e2e-results/schedule-location.png', fullPage: true });

    // The choice stays on this device: after a reload the annex is still shown.
    await page.reload();
    await expect(picker).toHaveValue('Westside Annex');
    await page.getByRole('textbox', { name: 'Date' }).fill(tuesday);
    await expect(tomass).toBeVisible();

    // Finding the next open time searches the location shown.
    await page.getByRole('button', { name: 'Find next available' }).click();
    const dialog = page.getByRole('dialog', { name: 'Find next available' });
    await expect(dialog.getByRole('combobox', { name: 'Location' })).toHaveValue('Westside Annex');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    // Nobody works at the annex on Saturdays: the day says so rather than showing an empty grid.
    await page.getByRole('textbox', { name: 'Date' }).fill(addDays(tuesday, 4));
    await expect(page.getByText('Nobody works at Westside Annex this day')).toBeVisible();

    await page.getByRole('textbox', { name: 'Date' }).fill(tuesday);
    await picker.click();
    await page.getByRole('option', { name: 'All locations' }).click();
    await expect(tomass).toBeVisible();
    await expect(ruths).toBeVisible();
    await context.close();
  } finally {
    // The other browser tests work at one location.
    expect((await api.patch(`/api/locations/${annex}`, { data: { active: false } })).ok()).toBe(true);
  }
});
