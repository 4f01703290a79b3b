import { expect, type Page, test } from '@playwright/test';
import { signLink } from '../apps/server/src/messaging/links';
import { ADMIN, expectAccessible, RECEPTIONIST, signIn } from './fixtures';
import { book, created, mondayInTwoWeeks, scenario } from './scheduling';

/**
 * Waitlist offers: the administrator turns them on; the front desk cancels an appointment and the
 * schedule shows the time held for the first waiting patient; the patient takes it from the link
 * on a phone, and the schedule shows the new appointment live. (The offer's message is tested
 * through the API; here the test signs its link with the server's key, as the outbox worker does.)
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const KEYS = { secretKey: 'e2e-secret-key', dataDir: '/nonexistent' };
const LIVE = { timeout: 3_000 };

async function turnOffersOn(page: Page) {
  await page.goto('/admin/clinic');
  const toggle = page.getByRole('switch', { name: 'Offer freed time to the waitlist' });
  await expect(toggle).not.toBeChecked();
  await toggle.click({ force: true });
  await expect(toggle).toBeChecked();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Clinic settings saved')).toBeVisible();
}

test('a cancelled time is held for the first waiting patient, who takes it from the link', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN);
  await turnOffersOn(page);
  const hold = page.getByRole('textbox', { name: /Hold an offered time for/ });
  await expect(hold).toHaveValue('60');
  await hold.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '../.tend-test/screens/waitlist-offer-settings.png' });

  const api = page.request;
  const ids = await scenario(api, { provider: 'Ines Alvarez', type: 'Offer check-up', given: 'Paul', family: 'Weber' });
  const monday = mondayInTwoWeeks();
  await book(api, ids, monday, '10:00');
  const waiting = await created(
    await api.post('/api/patients', {
      data: {
        givenName: 'Lena',
        familyName: 'Haddad',
        birthDate: '1988-06-02',
        sex: 'female',
        email: 'lena.haddad@example.com',
      },
    }),
  );
  expect(
    (await api.post('/api/waitlist', { data: { patientId: waiting, appointmentTypeId: ids.typeId } })).status(),
  ).toBe(201);

  // The front desk cancels Paul's appointment.
  const desk = await browser.newContext({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });
  const front = await desk.newPage();
  await signIn(front, RECEPTIONIST);
  await front.goto('/schedule');
  await front.getByRole('textbox', { name: 'Date' }).fill(monday);
  await expect(front.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  const block = (time: string, patient: string) =>
    front.getByRole('button', { name: `${time} ${patient} with Dr. Ines Alvarez` });
  await block('10:00', 'Paul Weber').click();
  const details = front.getByRole('dialog', { name: 'Appointment' });
  await details.getByRole('button', { name: 'Cancel appointment' }).click();
  await details.getByRole('textbox', { name: 'Reason for cancelling' }).fill('Travelling');
  await details.getByRole('button', { name: 'Cancel the appointment' }).click();
  await expect(block('10:00', 'Paul Weber')).toBeHidden();

  // The time is held for Lena: a light block says until when, and the waitlist shows her offer.
  const held = front.getByText(/^Held for waitlist offer until \d{1,2}:\d{2}/);
  await expect(held).toBeVisible(LIVE);
  await held.scrollIntoViewIfNeeded();
  await front.screenshot({ path: '../.tend-test/screens/waitlist-offer-held.png' });
  await front.getByRole('button', { name: /^Waitlist/ }).click();
  const drawer = front.getByRole('dialog', { name: 'Waitlist', exact: true });
  const row = drawer.getByRole('row').filter({ hasText: 'Lena Haddad' });
  await expect(row).toContainText(/Offered .* held until/);
  await expectAccessible(front, 'the waitlist with an offer');
  await front.screenshot({ path: '../.tend-test/screens/waitlist-offer-drawer.png' });
  await front.keyboard.press('Escape');

  const entries = (await (await api.get('/api/waitlist')).json()) as {
    items: { patientId: string; offers: { id: string; start: string; holdUntil: string; status: string }[] }[];
  };
  const offer = entries.items.find((e) => e.patientId === waiting)?.offers[0];
  expect(offer?.status).toBe('offered');
  if (!offer) return;
  const token = signLink(KEYS, {
    action: 'offer',
    id: offer.id,
    start: Math.floor(Date.parse(offer.start) / 1000),
    expires: Math.floor(Date.parse(offer.holdUntil) / 1000),
  });

  // Lena, on her phone, not signed in.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'America/New_York' });
  const patient = await phone.newPage();
  await patient.goto(`/r/${token}`);
  await expect(patient.getByText('An earlier appointment for you')).toBeVisible();
  await expect(patient.getByText(/, 10:00 AM$/)).toBeVisible();
  await expect(patient.getByText('with Dr. Ines Alvarez', { exact: false })).toBeVisible();
  await expect(patient.getByText(/^Held for you until \d{1,2}:\d{2} [AP]M$/)).toBeVisible();
  await expectAccessible(patient, 'the waitlist offer page');
  await patient.screenshot({ path: '../.tend-test/screens/waitlist-offer-link.png' });
  // Opening the link changed nothing.
  await expect(held).toBeVisible();

  await patient.getByRole('button', { name: 'Take this time' }).click();
  await expect(patient.getByRole('status')).toHaveText(/It is yours — your appointment is booked/);
  await patient.screenshot({ path: '../.tend-test/screens/waitlist-offer-taken.png' });

  // The front desk sees Lena's appointment appear and the hold go, without reloading.
  await expect(block('10:00', 'Lena Haddad')).toBeVisible(LIVE);
  await expect(held).toBeHidden(LIVE);

  // The link again: taken already.
  await patient.reload();
  await expect(patient.getByRole('status')).toHaveText('You have taken this time already. See you then!');
  await expect(patient.getByRole('button', { name: 'Take this time' })).toHaveCount(0);

  await desk.close();
  await phone.close();
  // Off again, as the other browser tests expect it (the default).
  expect((await api.patch('/api/clinic', { data: { waitlistOffersEnabled: false } })).ok()).toBe(true);
});
