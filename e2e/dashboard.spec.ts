import { type APIRequestContext, type Browser, expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, RECEPTIONIST, signIn } from './fixtures';
import { clinicIso, created, ZONE } from './scheduling';

/**
 * The home page's role dashboards. The administrator makes a provider with their own account,
 * a patient without insurance booked for earlier today (late, still booked) and another seen
 * today (checked in, started, completed). Each role signs in and sees its own section: the
 * provider's numbers are exact (their own day); the others, over the whole clinic's data, are
 * the API's; each number opens its rows. Screenshots go to .tend-test/screenshots/dashboard-<role>.png.
 */
test.use({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });

const SHOTS = '../.tend-test/screenshots';
const stamp = Date.now().toString(36);
/** Names take letters only. */
const tag = stamp.replace(/\d/g, (digit) => 'abcdefghij'[Number(digit)]);
const ACCOUNTS = {
  manager: { email: `mona.dash.${stamp}@riverside.test`, password: 'dashboard-manager-2026', name: 'Mona Manager' },
  provider: { email: `dan.dash.${stamp}@riverside.test`, password: 'dashboard-provider-2026', name: 'Dan Doctor' },
  nurse: { email: `nia.dash.${stamp}@riverside.test`, password: 'dashboard-nurse-2026', name: 'Nia Nurse' },
  billing: { email: `bo.dash.${stamp}@riverside.test`, password: 'dashboard-billing-2026', name: 'Bo Billing' },
};

/**
 * Two 15-minute slots of the clinic's today (the provider works 00:00–23:45 every day): `late`
 * starts before now (half an hour ago, or at midnight in the first half hour), `seen` an hour from
 * now, or an hour before `late` when that would run past the day's end. Near midnight in New York a
 * fixed offset from now would land on another day.
 */
function todaysSlots(): { late: { date: string; time: string }; seen: { date: string; time: string } } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  const now = Number(part('hour')) * 60 + Number(part('minute'));
  const late = Math.max(0, Math.floor((now - 30) / 15) * 15);
  const later = Math.ceil((now + 60) / 15) * 15;
  const seen = later <= 23 * 60 + 30 ? later : late - 60;
  const time = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return { late: { date, time: time(late) }, seen: { date, time: time(seen) } };
}

async function asRole(browser: Browser, account: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ timezoneId: ZONE, viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, account);
  await expect(page.getByRole('heading', { level: 1, name: /^Good (morning|afternoon|evening)/ })).toBeVisible();
  return page;
}

async function dashboardOf(api: APIRequestContext) {
  const response = await api.get('/api/dashboard');
  expect(response.ok()).toBe(true);
  return response.json();
}

/** The ISO date `days` after `date`. */
const clinicIsoDate = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const money = (cents: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

test('each role’s home page shows its numbers, and each number opens its rows', async ({ page, browser }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN);
  const api = page.request;
  const users: Record<string, string> = {};
  for (const [role, account] of Object.entries(ACCOUNTS)) {
    users[role] = await created(await api.post('/api/users', { data: { ...account, role } }));
  }
  const providerName = `Dash ${stamp}`;
  const providerId = await created(await api.post('/api/providers', { data: { name: providerName, title: 'Dr.' } }));
  expect((await api.patch(`/api/providers/${providerId}`, { data: { userId: users.provider } })).ok()).toBe(true);
  const locationId: string = (await (await api.get('/api/locations')).json()).items[0].id;
  const blocks = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:45' }));
  expect((await api.put(`/api/providers/${providerId}/working-hours`, { data: { locationId, blocks } })).ok()).toBe(
    true,
  );
  const typeId = await created(
    await api.post('/api/appointment-types', {
      data: { name: `Dash visit ${stamp}`, durationMinutes: 15, color: '#1c7ed6', providerIds: [providerId] },
    }),
  );
  const patient = async (givenName: string, familyName: string) =>
    created(
      await api.post('/api/patients', { data: { givenName, familyName, birthDate: '1984-03-09', sex: 'female' } }),
    );
  const late = await patient('Lena', `Latecomer${tag}`);
  const seen = await patient('Sami', `Seen${tag}`);
  const book = async (patientId: string, slot: { date: string; time: string }) =>
    created(
      await api.post('/api/appointments', {
        data: { patientId, providerId, appointmentTypeId: typeId, start: clinicIso(slot.date, slot.time) },
      }),
    );
  const slots = todaysSlots();
  await book(late, slots.late);
  const visit = await book(seen, slots.seen);
  for (const action of ['check-in', 'start', 'complete']) {
    expect((await api.post(`/api/appointments/${visit}/${action}`, { data: {} })).ok(), action).toBe(true);
  }

  // The front desk: the late patient to check in (and their missing insurance); numbers are the API's.
  const reception = await asRole(browser, RECEPTIONIST);
  const front = (await dashboardOf(reception.request)).frontDesk;
  await expect(reception.getByRole('heading', { level: 2, name: 'Front desk' })).toBeVisible();
  await expect(reception.getByTestId('figure-today')).toHaveText(String(front.today.total));
  await expect(reception.getByTestId('figure-arrivals')).toHaveText(String(front.arrivals.count));
  await expect(reception.getByTestId('figure-recalls')).toHaveText(String(front.recallsDue.count));
  await expect(reception.getByTestId('figure-insurance')).toHaveText(String(front.missingInsurance.count));
  const arrivals = reception.locator('#dash-arrivals');
  await expect(arrivals.getByRole('row').filter({ hasText: `Latecomer${tag}` })).toContainText('Late');
  await expect(reception.getByText(/revenue|receivable/i)).toHaveCount(0);
  await reception.screenshot({ path: `${SHOTS}/dashboard-receptionist.png`, fullPage: true });
  await reception.mouse.move(0, 0); // no row hovered (a hovered row's background is not what axe should judge)
  await expectAccessible(reception, 'the receptionist’s dashboard');
  await reception.getByTestId('stat-recalls').click();
  await expect(reception.getByRole('heading', { level: 1, name: 'Recalls' })).toBeVisible();
  await reception.goBack();
  await reception.getByTestId('stat-today').click();
  await expect(reception.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
  await reception.context().close();

  // The provider: exactly their own day — two patients, no note yet, nothing older to sign.
  const provider = await asRole(browser, ACCOUNTS.provider);
  await expect(provider.getByRole('heading', { level: 2, name: 'My day' })).toBeVisible();
  await expect(provider.getByTestId('figure-patients-today')).toHaveText('2');
  await expect(provider.getByTestId('figure-unsigned')).toHaveText('0');
  await expect(provider.getByTestId('figure-follow-ups')).toHaveText('0');
  const mine = provider.locator('#dash-patients');
  await expect(mine).toContainText(`Latecomer${tag}`);
  await expect(mine).toContainText(`Seen${tag}`);
  await expect(mine.getByText('Not started')).toHaveCount(2);
  await provider.screenshot({ path: `${SHOTS}/dashboard-provider.png`, fullPage: true });
  await provider.mouse.move(0, 0); // no row hovered (a hovered row's background is not what axe should judge)
  await expectAccessible(provider, 'the provider’s dashboard');
  await provider.getByTestId('stat-patients-today').click();
  await expect(provider.getByRole('heading', { level: 1, name: 'My day' })).toBeVisible();
  await provider.context().close();

  // The nurse: the clinic's day.
  const nurse = await asRole(browser, ACCOUNTS.nurse);
  const clinical = (await dashboardOf(nurse.request)).clinical;
  await expect(nurse.getByRole('heading', { level: 2, name: 'The clinic today' })).toBeVisible();
  await expect(nurse.getByTestId('figure-patients-today')).toHaveText(String(clinical.today.count));
  await expect(nurse.locator('#dash-patients')).toContainText(`Latecomer${tag}`);
  await nurse.screenshot({ path: `${SHOTS}/dashboard-nurse.png`, fullPage: true });
  await nurse.context().close();

  // Billing: money and claims, as the API says; a claims number opens that view.
  const billing = await asRole(browser, ACCOUNTS.billing);
  const bills = (await dashboardOf(billing.request)).billing;
  await expect(billing.getByRole('heading', { level: 2, name: 'Billing' })).toBeVisible();
  await expect(billing.getByTestId('figure-unpaid')).toHaveText(money(bills.unpaidInvoices.cents));
  await expect(billing.getByTestId('figure-receivables')).toHaveText(money(bills.receivables.totalCents));
  await expect(billing.getByTestId('figure-postings')).toHaveText(money(bills.postings.cents));
  await expect(billing.getByTestId('figure-claims-ready')).toHaveText(String(bills.claims.ready));
  await billing.screenshot({ path: `${SHOTS}/dashboard-billing.png`, fullPage: true });
  await billing.mouse.move(0, 0); // no row hovered (a hovered row's background is not what axe should judge)
  await expectAccessible(billing, 'the billing dashboard');
  await billing.getByTestId('stat-claims-ready').click();
  await expect(billing.getByRole('heading', { level: 1, name: 'Claims' })).toBeVisible();
  await expect(billing).toHaveURL(/view=ready/);
  await billing.context().close();

  // The manager: tiles equal the Appointments report for this week's whole days (today too on a
  // Monday); a number opens its rows.
  const manager = await asRole(browser, ACCOUNTS.manager);
  const home = await dashboardOf(manager.request);
  const section = home.manager;
  expect(section.to).toBe(section.today ? home.date : clinicIsoDate(home.date, -1));
  const report = await (
    await manager.request.get(`/api/reports/appointments?from=${section.from}&to=${section.to}&group=day`)
  ).json();
  await expect(manager.getByRole('heading', { level: 2, name: 'This week' })).toBeVisible();
  await expect(manager.getByTestId('figure-completed')).toHaveText(String(report.totals.completed));
  const rate = report.totals.noShowRate;
  await expect(manager.getByTestId('figure-noShowRate')).toHaveText(rate === null ? '—' : `${rate.toFixed(1)}%`);
  await expect(manager.getByTestId('tile-appointments-completed').locator('svg.recharts-surface')).toBeVisible();
  await manager.screenshot({ path: `${SHOTS}/dashboard-manager.png`, fullPage: true });
  await manager.mouse.move(0, 0); // no row hovered (a hovered row's background is not what axe should judge)
  await expectAccessible(manager, 'the manager’s dashboard');
  await manager.getByTestId('figure-completed').click();
  await expect(manager.getByRole('heading', { level: 1, name: 'Appointments report' })).toBeVisible();
  const drawer = manager.getByRole('dialog');
  await expect(drawer.getByTestId('report-rows').locator('tbody tr')).toHaveCount(
    Math.min(report.totals.completed, 1000),
  );
  // Today's report lists the visit seen today (the dashboard counts it once today is over).
  await manager.goto(`/reports/appointments?from=${home.date}&to=${home.date}&group=day&figure=completed`);
  await expect(manager.getByRole('dialog')).toContainText(`Seen${tag}`);
  await manager.context().close();
});
