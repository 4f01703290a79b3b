import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './fixtures';
import { book, clinicToday, created, scenario } from './scheduling';

/**
 * Stored script injection, rendered back: hostile text saved through the API in a patient's
 * notes and address, an appointment's notes, a visit's note and a service's description is
 * shown as text on the patient list, the chart, the schedule and an invoice. No dialog opens, no
 * injected element exists, and the text reads literally.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const SCRIPT = '<script>alert("xss-script")</script>';
const IMG = '<img src=x onerror=alert("xss-img")>';
const SVG = '"><svg onload=alert("xss-svg")>';
const DOCTOR = { email: 'xss.doctor@riverside.test', password: 'hostile-text-doctor-2026' };

test('hostile text is shown as text on the patient list, chart, schedule and invoice', async ({ page, request }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await signIn(page, ADMIN);
  const api = page.request;

  const ids = await scenario(
    api,
    { provider: 'Xavier Quist', type: 'Xss check', given: 'Xanthe', family: 'Quarrington' },
    { start: '00:00', end: '24:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  const patched = await api.patch(`/api/patients/${ids.patientId}`, {
    data: {
      frontDeskNotes: `${SCRIPT} ${IMG}`,
      address: { line1: IMG, line2: SVG, city: 'Springfield', postalCode: '01101', country: 'US' },
    },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await book(api, ids, clinicToday(), '09:00', `${SVG} ${SCRIPT}`);

  // A signed visit with a hostile note and service description, invoiced.
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Xena Doctor', email: DOCTOR.email, role: 'provider', password: DOCTOR.password },
    }),
  );
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  const serviceId = await created(
    await api.post('/api/services', {
      data: { code: '99212', codeSystem: 'CPT', description: `Visit ${IMG}`, feeCents: 9_000 },
    }),
  );
  expect((await request.post('/api/auth/sign-in', { data: DOCTOR })).ok()).toBe(true);
  const visit = await (
    await request.post('/api/encounters', { data: { patientId: ids.patientId, providerId: ids.providerId } })
  ).json();
  const saved = await request.patch(`/api/encounters/${visit.id}`, {
    data: {
      version: visit.version,
      subjective: `${SCRIPT}\n${IMG}`,
      diagnoses: [{ code: 'J11.1', chronic: false }],
      services: [{ serviceId, units: 1, diagnosisPointers: [1] }],
    },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  expect((await request.post(`/api/encounters/${visit.id}/sign`)).status()).toBe(200);
  const invoiceId = await created(await api.post('/api/invoices', { data: { encounterId: visit.id } }));

  /** Nothing of the payloads became markup: no injected image, svg or inline script, no handler attribute. */
  const expectInert = async (where: string) => {
    await expect(page.locator('img[src="x"], svg[onload], [onerror], [onload]'), where).toHaveCount(0);
    const scripts = await page.locator('script').evaluateAll((nodes) => nodes.map((n) => n.textContent ?? ''));
    expect(
      scripts.filter((text) => text.includes('xss-')),
      where,
    ).toEqual([]);
    expect(dialogs, where).toEqual([]);
  };

  await page.goto('/patients?q=Quarrington');
  await expect(page.getByRole('row').filter({ hasText: 'Xanthe Quarrington' })).toBeVisible();
  await expectInert('the patient list');

  await page.goto(`/patients/${ids.patientId}`);
  await expect(page.getByText(`${SCRIPT} ${IMG}`)).toBeVisible();
  await expect(page.getByText(IMG, { exact: true })).toBeVisible();
  await expect(page.getByText(SVG, { exact: true })).toBeVisible();
  await expectInert('the chart');

  await page.goto('/schedule');
  await expect(page.getByText(/Xanthe Quarrington|Quarrington/).first()).toBeVisible();
  await expectInert('the schedule');

  await page.goto(`/billing/invoices?invoiceId=${invoiceId}`);
  const drawer = page.getByRole('dialog', { name: /^Invoice \d+$/ });
  await expect(drawer.getByRole('table', { name: 'Invoice lines' })).toContainText(`Visit ${IMG}`);
  await expectInert('the invoice');

  // The visit note, as the provider who wrote it reads it.
  await page.context().clearCookies();
  await signIn(page, DOCTOR);
  await page.goto(`/visits/${visit.id}`);
  await expect(page.getByText(SCRIPT, { exact: false }).first()).toBeVisible();
  await expectInert('the signed visit');
});
