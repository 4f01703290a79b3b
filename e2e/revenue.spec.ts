import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ADMIN, expectAccessible, signIn } from './fixtures';
import { addDays, clinicToday, created, scenario, ZONE } from './scheduling';

/**
 * The weekly revenue report: a new provider's signed visit of $180.00 (two services) and the
 * patient's $45.00 cash payment today. The manager opens Reports → Revenue for the week, narrowed
 * to that provider, sees the figures and the chart, opens the charges behind the figure, and
 * downloads the CSV whose totals are the screen's to the cent.
 */
test.use({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });

const PROVIDER = { email: 'rhea.ledger@riverside.test', password: 'revenue-provider-2026' };
const MANAGER = { email: 'milo.revenue@riverside.test', password: 'revenue-manager-2026' };
const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

test('the manager reads the weekly revenue report, sees its chart, and the CSV matches the screen', async ({
  page,
  browser,
}) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const tag = Date.now().toString(36);
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Rhea Ledger', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Milo Revenue', email: MANAGER.email, role: 'manager', password: MANAGER.password },
    }),
  );
  const ids = await scenario(api, {
    provider: `Ledger ${tag}`,
    type: `Revenue visit ${tag}`,
    given: 'Ruth',
    family: 'Tally',
  });
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  const services = [];
  for (const [code, feeCents] of [
    [`R${tag.slice(-5)}A`, 12_000],
    [`R${tag.slice(-5)}B`, 6_000],
  ] as const) {
    services.push(
      await created(
        await api.post('/api/services', {
          data: { code, codeSystem: 'CLINIC', description: `Revenue check ${code}`, feeCents },
        }),
      ),
    );
  }

  // The provider documents and signs the visit (self-pay: the patient owes the whole $180.00).
  const doctor = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });
  const doctorPage = await doctor.newPage();
  await signIn(doctorPage, PROVIDER);
  const visit = await (
    await doctorPage.request.post('/api/encounters', { data: { patientId: ids.patientId, providerId: ids.providerId } })
  ).json();
  const saved = await doctorPage.request.patch(`/api/encounters/${visit.id}`, {
    data: {
      version: visit.version,
      diagnoses: [{ code: 'J11.1' }],
      services: services.map((serviceId) => ({ serviceId, units: 1, diagnosisPointers: [1] })),
    },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  expect((await doctorPage.request.post(`/api/encounters/${visit.id}/sign`)).ok()).toBe(true);
  await doctor.close();

  // The front desk takes $45.00 cash on the first charge.
  const charges = (await (await api.get(`/api/charges?patientId=${ids.patientId}`)).json()).items;
  expect(charges).toHaveLength(2);
  const today = clinicToday();
  const paid = await api.post('/api/payments', {
    data: {
      source: 'patient',
      patientId: ids.patientId,
      method: 'cash',
      amountCents: 4_500,
      receivedOn: today,
      allocations: [{ chargeId: charges[0].id, responsibility: 'patient', amountCents: 4_500 }],
    },
  });
  expect(paid.status(), await paid.text()).toBe(201);

  // The manager opens the weekly revenue report for this week, for this provider.
  const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });
  const manager = await context.newPage();
  await signIn(manager, MANAGER);
  await manager.getByRole('navigation').getByRole('link', { name: 'Revenue', exact: true }).click();
  await expect(manager.getByRole('heading', { name: 'Revenue report', level: 1 })).toBeVisible();
  await manager.getByRole('combobox', { name: 'Provider' }).click();
  await manager.getByRole('option', { name: `Dr. Ledger ${tag}` }).click();
  await expect(manager.getByTestId('report-scope')).toContainText(`Dr. Ledger ${tag}`);
  await expect(manager.getByTestId('figure-charges')).toHaveText('$180.00');
  await expect(manager.getByTestId('figure-collections')).toHaveText('$45.00');
  await expect(manager.getByTestId('money-chart').locator('path.recharts-rectangle')).not.toHaveCount(0);
  await manager.mouse.move(0, 0);
  await expectAccessible(manager, 'the revenue report');
  mkdirSync(SCREENS, { recursive: true });
  await manager.screenshot({ path: `${SCREENS}/reports-revenue.png`, fullPage: true });

  // The charges behind the figure: the two service lines.
  await manager.getByTestId('card-charges').click();
  const drawer = manager.getByRole('dialog');
  await expect(drawer.getByTestId('report-rows').locator('tbody tr')).toHaveCount(2);
  await expect(drawer).toContainText('Ruth Tally');
  await manager.keyboard.press('Escape');

  // The CSV says what the screen says, to the cent.
  const monday = addDays(today, -((new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7));
  const downloading = manager.waitForEvent('download');
  await manager.getByRole('button', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`revenue-${monday}-to-${addDays(monday, 6)}.csv`);
  const lines = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  const header = lines[0];
  const total = lines.at(-1) as string[];
  expect(total[0]).toBe('Total');
  const csv = (label: string) => total[header.indexOf(label)];
  expect(csv('Charges')).toBe('180.00');
  expect(csv('Collections')).toBe('45.00');
  // Each total on screen is the CSV's, column for column (the table and the CSV share the columns).
  const keys = [
    'charges',
    'chargeCount',
    'adjustments',
    'net',
    'collectionsPatient',
    'collectionsInsurer',
    'collections',
    'refunds',
  ];
  const screen = await Promise.all(keys.map((key) => manager.getByTestId(`total-${key}`).textContent()));
  expect(screen).toEqual(total.slice(1, 1 + keys.length));
  await context.close();
});
