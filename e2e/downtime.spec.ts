import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';
import { addDays, book, clinicToday, created, scenario, ZONE } from './scheduling';

/**
 * The downtime kit from the front desk's side: today's appointments on /downtime (reached from
 * the schedule too), per provider, with the patient's phone and balance; the page prints without
 * the menu; the schedule and contact sheet PDFs answer as PDFs. Screenshots of the screen and of
 * the print rendering go to .tend-test/screens.
 */

test.use({ timezoneId: ZONE, viewport: { width: 1280, height: 900 } });

const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

/** A time later today in the clinic's zone (half-hour grid), so the booking is not in the past. */
function laterToday(): string {
  const now = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date())
    .split(':')
    .map(Number);
  const minutes = Math.min(23 * 60, (Math.floor((now[0] * 60 + now[1]) / 30) + 2) * 30);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

test('the front desk prints the downtime kit: today per provider, the contact sheet and the PDFs', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(
    api,
    { provider: 'Ottoline Downtimer', type: 'Downtime review', given: 'Perpetua', family: 'Kitsworth' },
    { start: '00:00', end: '24:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  const today = clinicToday();
  const time = laterToday();
  await book(api, ids, today, time);
  // Tomorrow: another patient, on the contact sheet of both days but not on today's page.
  const tomorrowPatient = await created(
    await api.post('/api/patients', {
      data: {
        givenName: 'Ambrose',
        familyName: 'Kitsworth',
        birthDate: '1961-07-23',
        sex: 'male',
        phone: '617-555-0148',
      },
    }),
  );
  await book(api, { ...ids, patientId: tomorrowPatient }, addDays(today, 1), '10:00');

  await page.goto('/schedule');
  await page.getByRole('link', { name: 'Print downtime kit' }).click();
  await expect(page).toHaveURL(/\/downtime$/);
  await expect(page.getByRole('heading', { name: 'Downtime kit', level: 1 })).toBeVisible();
  // A segmented control: its labels are what one clicks.
  await page.locator('label', { hasText: /^Today$/ }).click();
  await expect(page.getByRole('radio', { name: 'Today', exact: true })).toBeChecked();
  const kit = page.getByTestId('downtime-kit');
  const section = kit.locator('section').filter({ hasText: 'Dr. Ottoline Downtimer — 1 appointment' });
  await expect(section).toContainText(`${time}–`);
  await expect(section).toContainText('Kitsworth, Perpetua');
  await expect(kit).not.toContainText('Kitsworth, Ambrose');
  // The contact sheet: the patient, by name, with what they owe.
  const contacts = kit.locator('section').filter({ hasText: 'Patient contact sheet' });
  await expect(contacts.getByRole('row').filter({ hasText: 'Kitsworth, Perpetua' })).toContainText('$0.00');
  await expectAccessible(page, 'the downtime kit');
  await screenshot(page, 'downtime-screen');

  // Printed: no menu, no buttons, only the kit.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print this page' })).toBeHidden();
  await expect(section).toBeVisible();
  await screenshot(page, 'downtime-print');
  await page.emulateMedia({ media: 'screen' });

  await page.locator('label', { hasText: /^Today and tomorrow$/ }).click();
  await expect(kit).toContainText('Kitsworth, Ambrose');

  // The PDFs the buttons open answer as PDFs (the browser's viewer prints them).
  for (const name of ['Schedule PDF', 'Contact sheet PDF']) {
    const href = await page.getByRole('link', { name }).getAttribute('href');
    expect(href).toMatch(/^\/api\/downtime\/(schedule|contacts)\.pdf\?date=/);
    const response = await api.get(href ?? '');
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect((await response.body()).subarray(0, 5).toString()).toBe('%PDF-');
  }

  // At a clinic with several locations the kit is of one location at a time: the front desk's.
  const annex = await created(await api.post('/api/locations', { data: { name: 'Wharf Annex', timezone: ZONE } }));
  try {
    const quayside = await created(
      await api.post('/api/providers', { data: { name: 'Wendell Quayside', title: 'Dr.' } }),
    );
    const blocks = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    const hours = await api.put(`/api/providers/${quayside}/working-hours`, { data: { locationId: annex, blocks } });
    expect(hours.ok()).toBe(true);
    const atAnnex = {
      providerId: quayside,
      typeId: await created(
        await api.post('/api/appointment-types', {
          data: { name: 'Wharf review', durationMinutes: 30, providerIds: [quayside] },
        }),
      ),
      patientId: await created(
        await api.post('/api/patients', {
          data: { givenName: 'Ingrid', familyName: 'Quayle', birthDate: '1984-05-02', sex: 'female' },
        }),
      ),
    };
    await book(api, atAnnex, today, time);
    await page.goto('/downtime');
    const picker = page.getByRole('combobox', { name: 'Location' });
    await expect(picker).toHaveValue('Riverside Family Clinic');
    await expect(kit).toContainText('Kitsworth, Perpetua');
    await expect(kit).not.toContainText('Quayle, Ingrid');
    await picker.click();
    await page.getByRole('option', { name: 'Wharf Annex' }).click();
    await expect(kit).toContainText('Quayle, Ingrid');
    await expect(kit).not.toContainText('Kitsworth, Perpetua');
    await expect(kit.getByText('Riverside Family Clinic · Wharf Annex').first()).toBeVisible();
    const href = await page.getByRole('link', { name: 'Schedule PDF' }).getAttribute('href');
    expect(href).toContain(`locationId=${annex}`);
    const pdf = await api.get(href ?? '');
    expect(pdf.headers()['content-disposition']).toContain('wharf-annex.pdf');
    await expectAccessible(page, 'the downtime kit of one location');
    await screenshot(page, 'downtime-location');
  } finally {
    // The other browser tests work at one location.
    expect((await api.patch(`/api/locations/${annex}`, { data: { active: false } })).ok()).toBe(true);
  }

  // The menu has it too.
  await page.goto('/');
  await openMenu(page, 'Downtime kit');
  await expect(page.getByRole('heading', { name: 'Every evening' })).toBeVisible();
});
