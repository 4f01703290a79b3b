import { type Browser, expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';
import { addDays, book, created, drag, mondayInTwoWeeks, scenario } from './scheduling';

/**
 * Two front-desk screens at once: what one does, the other shows within a second without a
 * reload (server-sent events), including the waitlist patients a cancellation suits. Then a
 * recurring series booked through its dialog, with a taken week moved to an alternative.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

/** Far below the 30-second background refresh: only a live update can be this quick. */
const LIVE = { timeout: 3_000 };

async function windowOf(browser: Browser, account: { email: string; password: string }, date: string) {
  const context = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, account);
  await openDay(page, date);
  return page;
}

async function openDay(page: Page, date: string) {
  await page.goto('/schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  await page.getByRole('textbox', { name: 'Date' }).fill(date);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
}

test('a change at one desk shows at the other within a second; a cancellation offers the slot to the waitlist', async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(api, { provider: 'Amara Osei', type: 'Dental cleaning', given: 'Jonas', family: 'Berg' });
  const monday = mondayInTwoWeeks();
  const booked = await book(api, ids, monday, '10:00');
  const waiting = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Mei', familyName: 'Tanaka', birthDate: '1992-03-14', sex: 'female' },
    }),
  );
  expect(
    (
      await api.post('/api/waitlist', { data: { patientId: waiting, appointmentTypeId: ids.typeId, note: 'Mornings' } })
    ).status(),
  ).toBe(201);

  const front = await windowOf(browser, RECEPTIONIST, monday);
  const back = await windowOf(browser, ADMIN, monday);
  const block = (p: Page, time: string, patient: string) =>
    p.getByRole('button', { name: `${time} ${patient} with Dr. Amara Osei` });
  await expect(block(back, '10:00', 'Jonas Berg')).toBeVisible();

  // The front desk drags Jonas to 11:00; the back office sees him move without reloading.
  await drag(
    front,
    block(front, '10:00', 'Jonas Berg'),
    front.getByRole('button', {
      name: 'Book at 11:00 with Dr. Amara Osei',
      exact: true,
    }),
  );
  await expect(block(front, '11:00', 'Jonas Berg')).toBeVisible();
  await expect(block(back, '11:00', 'Jonas Berg')).toBeVisible(LIVE);
  await expect(block(back, '10:00', 'Jonas Berg')).toBeHidden(LIVE);

  // The back office cancels him; the front desk sees the time free and who on the waitlist it suits.
  await block(back, '11:00', 'Jonas Berg').click();
  const details = back.getByRole('dialog', { name: 'Appointment' });
  await details.getByRole('button', { name: 'Cancel appointment' }).click();
  await details.getByRole('textbox', { name: 'Reason for cancelling' }).fill('Moved abroad');
  await details.getByRole('button', { name: 'Cancel the appointment' }).click();
  await expect(block(front, '11:00', 'Jonas Berg')).toBeHidden(LIVE);
  const freed = front.getByRole('region', { name: /11:00 with Dr\. Amara Osei is free/ });
  await expect(freed).toBeVisible(LIVE);
  await expect(freed).toContainText('Mei Tanaka');
  await expectAccessible(front, 'the schedule with a freed slot');

  // One click books Mei into it; she leaves the waitlist, and the back office sees her booking.
  await freed.getByRole('button', { name: 'Book Mei Tanaka' }).click();
  await expect(block(front, '11:00', 'Mei Tanaka')).toBeVisible();
  await expect(block(back, '11:00', 'Mei Tanaka')).toBeVisible(LIVE);
  await expect(freed).toBeHidden();
  await front.getByRole('button', { name: /^Waitlist/ }).click();
  const drawer = front.getByRole('dialog', { name: 'Waitlist', exact: true });
  await expect(drawer).toContainText('Nobody is waiting.');
  expect(((await (await api.get(`/api/appointments/${booked}`)).json()) as { status: string }).status).toBe(
    'cancelled',
  );
  await front.context().close();
  await back.context().close();
});

test('the waitlist drawer adds and takes off patients', async ({ page }) => {
  await signIn(page, ADMIN);
  const ids = await scenario(page.request, {
    provider: 'Lars Holm',
    type: 'Hygiene visit',
    given: 'Noor',
    family: 'Aziz',
  });
  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);
  await openMenu(page, 'Schedule');
  await page.getByRole('button', { name: /^Waitlist/ }).click();
  const drawer = page.getByRole('dialog', { name: 'Waitlist', exact: true });
  await drawer.getByRole('button', { name: 'Add to the waitlist' }).click();
  await drawer.getByLabel('Find the patient').fill('Aziz');
  await drawer.getByRole('radio', { name: /Noor Aziz/ }).check();
  await drawer.getByRole('combobox', { name: 'Appointment type' }).click();
  await page.getByRole('option', { name: 'Hygiene visit' }).click();
  await drawer.getByRole('textbox', { name: 'Can come until' }).fill(addDays(mondayInTwoWeeks(), 30));
  await drawer.getByRole('textbox', { name: 'Note' }).fill('Any weekday morning');
  await drawer.getByRole('button', { name: 'Add', exact: true }).click();
  const row = drawer.getByRole('row').filter({ hasText: 'Noor Aziz' });
  await expect(row).toContainText('Hygiene visit');
  await expect(row).toContainText('Any provider');
  await expect(row).toContainText('Any weekday morning');
  await expectAccessible(page, 'the waitlist');
  expect(ids.typeId).toBeTruthy();

  await row.getByRole('button', { name: 'Take off Noor Aziz' }).click();
  const confirm = page.getByRole('dialog', { name: 'Take Noor Aziz off the waitlist' });
  await confirm.getByRole('textbox', { name: 'Why?' }).fill('Booked by phone');
  await confirm.getByRole('button', { name: 'Take off' }).click();
  await expect(drawer).toContainText('Nobody is waiting.');
});

test('a weekly series is checked, a taken week moved to the nearest time, and all visits booked at once', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(api, { provider: 'Ines Duarte', type: 'Physiotherapy', given: 'Karl', family: 'Nilsen' });
  const monday = mondayInTwoWeeks();
  // Someone else already holds 09:00 in the third week.
  const other = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Ada', familyName: 'Quist', birthDate: '1970-01-01', sex: 'female' },
    }),
  );
  await book(api, { ...ids, patientId: other }, addDays(monday, 14), '09:00');
  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);
  await openMenu(page, 'Schedule');

  await page.getByRole('button', { name: 'Recurring…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Book recurring appointments' });
  await dialog.getByLabel('Find the patient').fill('Nilsen');
  await dialog.getByRole('radio', { name: /Karl Nilsen/ }).check();
  await dialog.getByRole('combobox', { name: 'Appointment type' }).click();
  await page.getByRole('option', { name: 'Physiotherapy' }).click();
  await dialog.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: 'Dr. Ines Duarte' }).click();
  await dialog.getByRole('textbox', { name: 'First visit on' }).fill(monday);
  await dialog.getByRole('textbox', { name: 'Time', exact: true }).fill('09:00');
  await dialog.getByRole('textbox', { name: 'Number of visits' }).fill('4');
  await dialog.getByRole('button', { name: 'Check the dates' }).click();

  const visits = dialog.getByRole('table', { name: 'Visits of the series' });
  await expect(visits.getByRole('row')).toHaveCount(5);
  await expect(visits.getByRole('row').nth(3)).toContainText('already booked');
  // The nearest open time that day is chosen for the taken week.
  await expect(visits.getByRole('row').nth(3).getByRole('radio', { checked: true })).toHaveAccessibleName(/09:30/);
  await expectAccessible(page, 'the recurring dialog');
  await dialog.getByRole('button', { name: 'Book 4 visits' }).click();
  await expect(dialog).toBeHidden();

  const from = new Date(Date.parse(`${monday}T00:00:00Z`)).toISOString();
  const to = new Date(Date.parse(`${addDays(monday, 28)}T00:00:00Z`)).toISOString();
  const list = (await (await api.get(`/api/appointments?from=${from}&to=${to}&patientId=${ids.patientId}`)).json()) as {
    items: { start: string; seriesId: string | null }[];
  };
  expect(list.items).toHaveLength(4);
  expect(new Set(list.items.map((a) => a.seriesId)).size).toBe(1);
});
