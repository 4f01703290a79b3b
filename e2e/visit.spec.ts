import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';
import { book, clinicToday, created, scenario } from './scheduling';

/**
 * The visit, as a provider documents it: open today's checked-in patient from My day, record
 * vitals (an implausible reading is refused with the server's words), write the note from a
 * template (autosaved, and still there after a reload), pick a diagnosis by typing "flu", add a
 * service pointing at it, sign — and billing sees the charge with its code and amount.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const PROVIDER = { email: 'mara.quinn@riverside.test', password: 'provider-pass-2026' };
const BILLING = { email: 'bea.hart@riverside.test', password: 'billing-pass-2026' };
const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.mouse.wheel(0, -100_000);
  // Toasts would cover the header: close them first.
  for (const close of await page.locator('.mantine-Notification-closeButton').all()) await close.click();
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/${name}.png` });
  await page.screenshot({ path: `${SCREENS}/${name}-full.png`, fullPage: true });
}

test('a provider documents and signs a visit; the charge reaches billing', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Mara Quinn', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Bea Hart', email: BILLING.email, role: 'billing', password: BILLING.password },
    }),
  );
  const ids = await scenario(
    api,
    { provider: 'Mara Quinn', type: 'Sick visit', given: 'Jonas', family: 'Albright' },
    { start: '06:00', end: '22:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  const appointmentId = await book(api, ids, clinicToday(), '08:00');
  expect((await api.post(`/api/appointments/${appointmentId}/check-in`)).ok()).toBe(true);
  await created(
    await api.post('/api/note-templates', {
      data: {
        name: 'Sick visit',
        appointmentTypeId: ids.typeId,
        subjective: 'Onset:\nSymptoms:',
        plan: 'Return if worse.',
      },
    }),
  );
  await created(
    await api.post('/api/note-templates', {
      data: {
        name: 'Flu-like illness',
        subjective: 'Fever, cough and aches since:',
        objective: 'Temp as recorded. Throat red, chest clear.',
        assessment: 'Influenza-like illness.',
        plan: 'Rest, fluids, paracetamol. Return if short of breath.',
      },
    }),
  );
  await created(
    await api.post('/api/services', {
      data: {
        code: '99213',
        codeSystem: 'CPT',
        description: 'Office visit, established patient, low complexity',
        feeCents: 12_500,
      },
    }),
  );

  // The provider opens today's checked-in patient from My day.
  await page.context().clearCookies();
  await signIn(page, PROVIDER);
  await created(
    await page.request.post(`/api/patients/${ids.patientId}/allergies`, {
      data: { substance: 'Penicillin', reaction: 'Hives', severity: 'moderate' },
    }),
  );
  await openMenu(page, 'My day');
  const row = page.getByRole('row').filter({ hasText: 'Jonas Albright' });
  await expect(row).toContainText('Not started');
  await row.getByRole('button', { name: 'Open visit of Jonas Albright' }).click();
  await expect(page.getByRole('heading', { name: 'Jonas Albright', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/visits\//);
  await expect(page.getByText('In progress').first()).toBeVisible();

  // Vitals: an implausible reading is refused with the server's message, then a valid one is kept.
  const vitals = page.getByRole('region', { name: 'Vitals' });
  await vitals.getByLabel('Systolic').fill('400');
  await vitals.getByLabel('Diastolic').fill('80');
  await vitals.getByRole('button', { name: 'Record vitals' }).click();
  await expect(
    vitals.getByText('A systolic pressure must be between 50 and 300 mmHg. Check the reading.'),
  ).toBeVisible();
  await vitals.getByLabel('Systolic').fill('184');
  await expect(vitals.getByText('Borderline: check the reading')).toBeVisible();
  await vitals.getByLabel('Diastolic').fill('92');
  await vitals.getByLabel('Heart rate').fill('88');
  await vitals.getByLabel('Temperature').fill('101.3');
  await vitals.getByLabel('SpO2').fill('97');
  await vitals.getByLabel('Height').fill('70');
  await vitals.getByLabel('Weight').fill('180');
  await expect(vitals.getByTestId('vitals-bmi')).toHaveValue('25.8');
  await vitals.getByRole('button', { name: 'Record vitals' }).click();
  const taken = vitals.getByRole('table', { name: 'Vitals of this visit' });
  await expect(taken.getByRole('row').nth(1)).toContainText('184/92');
  await expect(taken.getByRole('row').nth(1)).toContainText('101.3 °F');
  await expect(taken.getByRole('row').nth(1)).toContainText('180 lb');

  // The note, from a template; typing is saved about a second later.
  const note = page.getByRole('region', { name: 'Note' });
  await expect(note.getByLabel('Subjective')).toHaveValue('Onset:\nSymptoms:');
  await note.getByRole('button', { name: 'Apply template' }).click();
  await page.getByRole('menuitem', { name: 'Flu-like illness' }).click();
  await page
    .getByRole('dialog', { name: 'Apply the template “Flu-like illness”?' })
    .getByRole('button', { name: 'Replace the text' })
    .click();
  await expect(note.getByLabel('Assessment')).toHaveValue('Influenza-like illness.');
  await note.getByLabel('Chief complaint').fill('Fever and cough');
  await note.getByLabel('Subjective').fill('Fever, cough and aches since Monday. Max temp 39 °C at home.');
  await expect(page.getByTestId('save-state')).toHaveText(/Saved \d{2}:\d{2}/);

  // A reload mid-note shows the autosaved text.
  await page.reload();
  await expect(note.getByLabel('Subjective')).toHaveValue(
    'Fever, cough and aches since Monday. Max temp 39 °C at home.',
  );
  await expect(note.getByLabel('Chief complaint')).toHaveValue('Fever and cough');

  // A diagnosis by typing "flu", and a service pointing at it.
  const diagnoses = page.getByRole('region', { name: 'Diagnoses' });
  await diagnoses.getByRole('combobox', { name: 'Add a diagnosis' }).fill('flu');
  await page.getByRole('option', { name: /^J11\.1 — / }).click();
  await expect(diagnoses.getByRole('table', { name: 'Diagnoses' })).toContainText('J11.1');
  const services = page.getByRole('region', { name: 'Services' });
  await services.getByRole('combobox', { name: 'Add a service' }).click();
  await page.getByRole('option', { name: /^99213 — / }).click();
  await expect(services.getByRole('checkbox', { name: '99213 for J11.1' })).toBeChecked();
  await expect(services.getByTestId('services-total')).toHaveText('$125.00');
  await expect(page.getByTestId('save-state')).toHaveText(/Saved \d{2}:\d{2}/);
  await expect(page.getByRole('note', { name: 'Allergies' })).toContainText('Penicillin');
  await expectAccessible(page, 'the visit screen');
  await screenshot(page, 'visit-in-progress');

  // Sign: the dialog sums up what becomes charges.
  await page.getByRole('button', { name: 'Sign…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign this visit' });
  await expect(dialog).toContainText('J11.1');
  await expect(dialog).toContainText('99213');
  await expect(dialog.getByTestId('sign-total')).toHaveText('$125.00');
  await dialog.getByRole('button', { name: 'Sign and lock' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Signed and locked', { exact: true })).toBeVisible();
  await expect(note.getByLabel('Subjective')).toHaveCount(0);
  await expect(note).toContainText('Max temp 39 °C at home.');
  const charges = page.getByRole('region', { name: 'Charges' });
  await expect(charges.getByRole('row').nth(1)).toContainText('99213');
  await expect(page.getByRole('button', { name: 'Add addendum' })).toBeVisible();
  await expectAccessible(page, 'the signed visit');
  await screenshot(page, 'visit-signed');

  // Billing sees the charge with its code, diagnosis and amount.
  await page.context().clearCookies();
  await signIn(page, BILLING);
  await openMenu(page, 'Charges');
  await expect(page.getByRole('heading', { name: 'Charges', level: 1 })).toBeVisible();
  const charge = page.getByRole('row').filter({ hasText: 'Jonas Albright' });
  await expect(charge).toContainText('99213');
  await expect(charge).toContainText('J11.1');
  await expect(charge).toContainText('$125.00');
  await expectAccessible(page, 'the charges page');
});

test('a walk-in visit starts from the chart’s clinical tab, which the front desk does not see', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const account = { email: 'ian.walsh@riverside.test', password: 'provider-pass-2026' };
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Ian Walsh', email: account.email, role: 'provider', password: account.password },
    }),
  );
  const ids = await scenario(api, { provider: 'Ian Walsh', type: 'Minor injury', given: 'Freya', family: 'Lund' });
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);

  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);
  await page.goto(`/patients/${ids.patientId}`);
  await expect(page.getByRole('tab', { name: 'Insurance' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Clinical' })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, account);
  await page.goto(`/patients/${ids.patientId}`);
  await page.getByRole('tab', { name: 'Clinical' }).click();
  await expect(page.getByText('No visits documented yet.')).toBeVisible();
  // The chart's lists: an empty allergy is refused with the server's message, then one is added.
  await page.getByRole('button', { name: 'Add allergy' }).click();
  await page.getByRole('button', { name: 'Add allergy' }).click();
  await expect(page.getByRole('textbox', { name: 'Substance' })).toHaveAccessibleDescription(/.+/);
  await page.getByRole('textbox', { name: 'Substance' }).fill('Latex');
  await page.getByRole('button', { name: 'Add allergy' }).click();
  await expect(page.getByText('Allergy to Latex added.')).toBeVisible();
  await page.getByRole('button', { name: 'Add medication' }).click();
  await page.getByRole('textbox', { name: 'Medication' }).fill('Ibuprofen');
  await page.getByRole('textbox', { name: 'Dose' }).fill('400 mg as needed');
  await page.getByRole('button', { name: 'Add medication' }).click();
  await expect(page.getByText('Ibuprofen', { exact: true })).toBeVisible();
  await expectAccessible(page, 'the clinical tab');
  await page.getByRole('button', { name: 'Start a walk-in visit' }).click();
  await expect(page).toHaveURL(/\/visits\//);
  await expect(page.getByRole('heading', { name: 'Freya Lund', level: 1 })).toBeVisible();
  await expect(page.getByText('In progress', { exact: true }).first()).toBeVisible();
  await page.goto(`/patients/${ids.patientId}?tab=clinical`);
  await expect(page.getByRole('region', { name: 'Visits' }).getByRole('row')).toHaveCount(2);
});
