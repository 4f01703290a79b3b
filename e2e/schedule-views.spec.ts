import { expect, type Page, test } from '@playwright/test';
import { ADMIN, CLINIC, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';
import { addDays, book, clinicIso, clinicToday, created, drag, mondayInTwoWeeks, scenario, short } from './scheduling';

/**
 * The schedule beyond the day view: the week of one provider, dragging appointments (with the
 * server's refusals and the override), booking outside working hours, the paper schedule,
 * a provider's "My day", and extra hours / time off / closures changing what can be booked.
 * The clinic is in New York (setup.spec.ts); the browser runs in Tokyo so that its own zone
 * cannot hide a time-zone mistake.
 */
test.use({ timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });

async function openWeek(page: Page, provider: string, date: string) {
  await page.goto('/schedule');
  await expect(page.getByRole('heading', { name: 'Schedule', level: 1 })).toBeVisible();
  await page
    .locator('label')
    .filter({ hasText: /^Week$/ })
    .click();
  await expect(page.getByRole('radio', { name: 'Week' })).toBeChecked();
  await page.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: provider, exact: true }).click();
  await page.getByRole('textbox', { name: 'Date' }).fill(date);
  await expect(page.getByRole('heading', { name: short(date), level: 2 })).toBeVisible();
}

test('the week view shows one provider’s appointments on their days; dragging moves them, refusals snap back, an override moves outside hours', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(api, { provider: 'Priya Raman', type: 'Check-up', given: 'Elena', family: 'Vasquez' });
  const monday = mondayInTwoWeeks();
  const [tuesday, wednesday, thursday] = [addDays(monday, 1), addDays(monday, 2), addDays(monday, 3)];
  const movedId = await book(api, ids, tuesday, '10:00');
  // Another patient of the same provider holds Thursday 14:00.
  const omarId = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Omar', familyName: 'Haddad', birthDate: '1985-05-05', sex: 'male' },
    }),
  );
  const omar = { ...ids, patientId: omarId };
  await book(api, omar, thursday, '14:00');

  await openWeek(page, 'Dr. Priya Raman', tuesday);
  const who = (day: string) => `Dr. Priya Raman, ${short(day)}`;
  const tuesdayBlock = page.getByRole('button', { name: `10:00 Elena Vasquez with ${who(tuesday)}` });
  await expect(tuesdayBlock).toBeVisible();
  await expect(tuesdayBlock).toHaveAccessibleDescription(/Check-up.*Booked/);
  await expect(page.getByRole('button', { name: `14:00 Omar Haddad with ${who(thursday)}` })).toBeVisible();
  // Outside Mon–Fri 09–17 the cells are greyed (and say so).
  await expect(
    page.getByRole('button', { name: `Book at 08:00 with ${who(tuesday)} (outside working hours)` }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: `Book at 09:00 with ${who(tuesday)}`, exact: true })).toBeVisible();
  await expectAccessible(page, 'the week view');

  // Drag (grabbed at its top) from Tuesday 10:00 to Wednesday 11:00.
  await drag(
    page,
    tuesdayBlock,
    page.getByRole('button', { name: `Book at 11:00 with ${who(wednesday)}`, exact: true }),
  );
  const wednesdayBlock = page.getByRole('button', { name: `11:00 Elena Vasquez with ${who(wednesday)}` });
  await expect(wednesdayBlock).toBeVisible();
  await expect(tuesdayBlock).toBeHidden();

  // Onto Omar's time: the server refuses (slot taken), says why, and the block snaps back.
  await drag(
    page,
    wednesdayBlock,
    page.getByRole('button', { name: `Book at 14:00 with ${who(thursday)}`, exact: true }),
  );
  await expect(page.getByRole('alert').filter({ hasText: 'Not moved' })).toBeVisible();
  await expect(wednesdayBlock).toBeVisible();
  await expect(page.getByRole('button', { name: /Elena Vasquez with .*Thu/ })).toHaveCount(0);

  // The move survives a reload (it is on the server, not only on the screen).
  await page.reload();
  await openWeek(page, 'Dr. Priya Raman', wednesday);
  await expect(wednesdayBlock).toBeVisible();

  // Outside working hours: the server's message, then the override with a reason.
  await drag(
    page,
    wednesdayBlock,
    page.getByRole('button', { name: `Book at 07:30 with ${who(wednesday)} (outside working hours)` }),
  );
  const conflict = page.getByRole('dialog', { name: 'Not moved' });
  await expect(conflict).toContainText(/working hours/i);
  await expectAccessible(page, 'the move conflict dialog');
  await conflict.getByRole('checkbox', { name: 'Move outside working hours' }).check();
  await conflict.getByRole('textbox', { name: 'Reason' }).fill('Only free before work');
  await conflict.getByRole('button', { name: 'Move with this reason' }).click();
  await expect(conflict).toBeHidden();
  await expect(page.getByRole('button', { name: `07:30 Elena Vasquez with ${who(wednesday)}` })).toBeVisible();
  const stored = await (await api.get(`/api/appointments/${movedId}`)).json();
  expect(stored.start).toBe(clinicIso(wednesday, '07:30'));
  expect(stored.overrideReason).toBe('Only free before work');
});

test('a greyed time is booked with a reason; the paper schedule prints without the navigation', async ({ page }) => {
  // An administrator sets the scene; the receptionist books.
  await signIn(page, ADMIN);
  const ids = await scenario(page.request, {
    provider: 'Quentin Mbeki',
    type: 'Physio session',
    given: 'Hana',
    family: 'Kowalczyk',
  });
  const monday = mondayInTwoWeeks();
  await book(page.request, ids, monday, '09:00', 'Bring the MRI report');
  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);

  await page.goto('/schedule');
  await page.getByRole('textbox', { name: 'Date' }).fill(monday);
  await page.getByRole('button', { name: 'Book at 07:00 with Dr. Quentin Mbeki (outside working hours)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Find next available' });
  await expect(dialog).toContainText('outside working hours');
  const chosen = dialog.getByRole('radio', { checked: true });
  await expect(chosen).toContainText('07:00');
  await expect(chosen).toContainText('outside working hours');
  await dialog.getByLabel('Find the patient').fill('Kowalczyk');
  await dialog.getByRole('radio', { name: /Hana Kowalczyk/ }).check();
  await dialog.getByRole('button', { name: 'Book appointment' }).click();
  const refusal = dialog.getByRole('alert').filter({ hasText: 'Not booked' });
  await expect(refusal).toContainText(/working hours/i);
  await refusal.getByRole('checkbox', { name: 'Book outside working hours' }).check();
  await refusal.getByRole('textbox', { name: 'Reason' }).fill('Urgent, before the clinic opens');
  await expectAccessible(page, 'the override in the booking dialog');
  await refusal.getByRole('button', { name: 'Book with this reason' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: '07:00 Hana Kowalczyk with Dr. Quentin Mbeki' })).toBeVisible();

  // Print: only the paper schedule — clinic, date, each provider's times, patients, types, notes.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  const paper = page.locator('.tend-print-schedule');
  await expect(paper).toBeVisible();
  await expect(paper).toContainText(CLINIC);
  const section = paper.locator('section').filter({ has: page.getByRole('heading', { name: 'Dr. Quentin Mbeki' }) });
  await expect(section.getByRole('row').nth(1)).toContainText('07:00–07:30Hana KowalczykPhysio sessionBooked');
  await expect(section.getByRole('row').nth(2)).toContainText('09:00–09:30Hana KowalczykPhysio sessionBooked');
  await expect(section).toContainText('Bring the MRI report');
  await page.emulateMedia({ media: 'screen' });
  await expect(page.getByRole('navigation')).toBeVisible();
  await expect(paper).toBeHidden();
});

test('a provider’s My day lists today’s patients with who has arrived; an unlinked account is told how to fix it', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const account = { email: 'lena.fischer@riverside.test', password: 'provider-pass-2026' };
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Lena Fischer', email: account.email, role: 'provider', password: account.password },
    }),
  );
  const ids = await scenario(
    api,
    { provider: 'Lena Fischer', type: 'Consultation', given: 'Ravi', family: 'Menon' },
    { start: '06:00', end: '22:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  const second = await created(
    await api.post('/api/patients', {
      data: { givenName: 'Chloe', familyName: 'Dubois', birthDate: '1990-09-09', sex: 'female' },
    }),
  );
  const today = clinicToday();
  const first = await book(api, ids, today, '08:00');
  await book(api, { ...ids, patientId: second }, today, '10:30');
  expect((await api.post(`/api/appointments/${first}/check-in`)).ok()).toBe(true);

  await page.context().clearCookies();
  await signIn(page, account);
  await openMenu(page, 'My day');
  await expect(page.getByRole('heading', { name: 'My day', level: 1 })).toBeVisible();
  const rows = page.getByRole('row');
  await expect(rows.nth(1)).toContainText('08:00–08:30Ravi MenonConsultationChecked inArrived');
  await expect(rows.nth(2)).toContainText('10:30–11:00Chloe DuboisConsultationBookedNot arrived yet');
  await expectAccessible(page, 'my day');

  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);
  // The front desk's Arrivals today lists who is still expected (not who has arrived).
  await openMenu(page, 'Schedule');
  const arrivals = page.getByRole('region', { name: 'Arrivals today' });
  await expect(arrivals.getByRole('row').filter({ hasText: 'Chloe Dubois' })).toContainText(
    '10:30Chloe DuboisConsultationDr. Lena Fischer',
  );
  await expect(arrivals.getByRole('row').filter({ hasText: 'Ravi Menon' })).toHaveCount(0);
  await page.goto('/schedule/my-day');
  await expect(page.getByText('Your account is not linked to a provider')).toBeVisible();
  await expect(page.getByText(/Admin → Providers/)).toBeVisible();
});

test('extra hours, time off and closures added on the working hours page open and close bookable times', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  await scenario(api, { provider: 'Sofia Marchetti', type: 'Eye exam', given: 'Ivan', family: 'Petrov' });
  const monday = mondayInTwoWeeks();
  const saturday = addDays(monday, 5);
  const closed = addDays(monday, 120);

  await page.goto('/admin/working-hours');
  await page.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: 'Dr. Sofia Marchetti', exact: true }).click();
  const extra = page.getByRole('region', { name: 'Extra hours of Dr. Sofia Marchetti' });
  await expect(extra).toContainText('No extra hours from today on.');
  await extra.getByRole('textbox', { name: 'Date' }).fill(saturday);
  await extra.getByLabel('From').fill('09:00');
  await extra.getByLabel('Until').fill('12:00');
  await extra.getByRole('button', { name: 'Add extra hours' }).click();
  await expect(extra.getByRole('row').nth(1)).toContainText('09:00–12:00');

  const off = page.getByRole('region', { name: 'Time off of Dr. Sofia Marchetti' });
  await off.getByRole('textbox', { name: 'Off from' }).fill(monday);
  await off.getByRole('textbox', { name: 'Off until' }).fill(monday);
  await off.getByRole('textbox', { name: 'Reason' }).fill('Training course');
  await off.getByRole('button', { name: 'Add time off' }).click();
  await expect(off.getByRole('row').nth(1)).toContainText('all dayTraining course');

  const closures = page.getByRole('region', { name: 'Clinic closures' });
  await closures.getByRole('textbox', { name: 'Closed from' }).fill(closed);
  await closures.getByRole('textbox', { name: 'Closed until' }).fill(closed);
  await closures.getByRole('textbox', { name: 'Reason' }).fill('Founders’ day');
  await closures.getByRole('button', { name: 'Add closure' }).click();
  await expect(closures.getByRole('row').nth(1)).toContainText('Founders’ day');
  await expectAccessible(page, 'the working hours page with extra hours and time off');

  // On the schedule: Saturday 09:00 is now bookable, the Monday off is grey, so is the closure.
  await openMenu(page, 'Schedule');
  await openWeek(page, 'Dr. Sofia Marchetti', monday);
  const who = (day: string) => `Dr. Sofia Marchetti, ${short(day)}`;
  await expect(page.getByRole('button', { name: `Book at 09:00 with ${who(saturday)}`, exact: true })).toBeVisible();
  await expect(
    page.getByRole('button', { name: `Book at 12:00 with ${who(saturday)} (outside working hours)` }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: `Book at 10:00 with ${who(monday)} (outside working hours)` }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: `Book at 10:00 with ${who(addDays(monday, 1))}`, exact: true }),
  ).toBeVisible();

  // The server agrees: Saturday's open times are offered from 09:00.
  await page.getByRole('button', { name: `Book at 09:00 with ${who(saturday)}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Find next available' });
  const chosen = dialog.getByRole('radio', { checked: true });
  await expect(chosen).toContainText('09:00');
  await expect(chosen).not.toContainText('outside working hours');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('textbox', { name: 'Date' }).fill(closed);
  await expect(page.getByRole('heading', { name: short(closed), level: 2 })).toBeVisible();
  const closedWho = `Dr. Sofia Marchetti, ${short(closed)}`;
  await expect(
    page.getByRole('button', { name: `Book at 10:00 with ${closedWho} (outside working hours)` }),
  ).toBeVisible();

  // The training is called off: removing the time off makes Monday bookable again.
  await page.goto('/admin/working-hours');
  await page.getByRole('combobox', { name: 'Provider' }).click();
  await page.getByRole('option', { name: 'Dr. Sofia Marchetti', exact: true }).click();
  const offAgain = page.getByRole('region', { name: 'Time off of Dr. Sofia Marchetti' });
  await offAgain.getByRole('button', { name: /^Remove / }).click();
  const ask = page.getByRole('dialog', { name: /^Remove / });
  await expect(ask).toContainText('Appointments already booked in this time are kept');
  await ask.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(offAgain).toContainText('No time off from today on.');
  await openMenu(page, 'Schedule');
  await openWeek(page, 'Dr. Sofia Marchetti', monday);
  await expect(page.getByRole('button', { name: `Book at 10:00 with ${who(monday)}`, exact: true })).toBeVisible();
});
