import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { webhookSignature } from '../apps/server/src/messaging/sms-gateway';
import { startTestSmsServer, type TestSmsServer } from '../apps/server/src/messaging/sms-test-server';
import { ADMIN, CLINIC, expectAccessible, openMenu, signIn } from './fixtures';

/**
 * Texts end to end: the administrator points Tend at an SMS gateway (a real HTTP server this test
 * runs on loopback), sends a test text that arrives, finds it in the outbox, and a patient's STOP
 * reply (a signed webhook) shows on the chart's Messages tab.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;
let sms: TestSmsServer;
test.beforeAll(async () => {
  sms = await startTestSmsServer();
});
test.afterAll(() => sms?.close());

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  // A notification can appear while others are closed: close until none is left.
  await expect(async () => {
    for (const close of await page.locator('.mantine-Notification-closeButton').all()) {
      await close.click({ force: true, timeout: 2000 }).catch(() => undefined);
    }
    await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.screenshot({ path: `${SCREENS}/${name}.png` });
}

test('an administrator sets up texts, sends a test text that arrives, and a STOP reply opts the patient out', async ({
  page,
  baseURL,
}) => {
  await signIn(page, ADMIN);
  await openMenu(page, 'Text messages');
  await expect(page.getByRole('heading', { name: 'Text messages', level: 1 })).toBeVisible();
  await expect(page.getByText('Texts are not set up yet')).toBeVisible();

  // A gateway on another machine must be https: the form says so before anything is saved.
  await page.getByLabel('Gateway address').fill('http://sms.example.com');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(/http:\/\/ is allowed only for a gateway on this machine/)).toBeVisible();

  await page.getByLabel('Gateway address').fill(sms.baseUrl);
  await page.getByLabel('Account SID').fill(sms.accountSid);
  await page.getByLabel('Auth token').fill(sms.authToken);
  await page.getByLabel('Sending number').fill('+15550001111');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Text message settings saved.')).toBeVisible();
  await expect(page.getByText('Texts are sent from +15550001111 through 127.0.0.1')).toBeVisible();
  // The token is write-only: the field is empty again, marked as stored.
  await expect(page.getByLabel('Auth token')).toHaveValue('');
  await expect(page.getByText('A token is stored (encrypted) and never shown.')).toBeVisible();
  expect(await page.content()).not.toContain(sms.authToken);
  await screenshot(page, 'sms-settings');

  await page.getByLabel('Send the test text to').fill('+15557654321');
  await page.getByRole('button', { name: 'Send test text' }).click();
  await expect(page.getByText('The gateway accepted the test text for +15557654321')).toBeVisible();
  const [text] = await sms.waitFor(1);
  expect(text).toMatchObject({ to: '+15557654321', from: '+15550001111' });
  expect(text.body).toContain(CLINIC);
  await expectAccessible(page, 'the text message settings page');
  await screenshot(page, 'sms-settings-test');

  // Quiet hours are a clinic setting.
  await openMenu(page, 'Clinic settings');
  await page.getByLabel('Quiet hours from').fill('20:30');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Clinic settings saved')).toBeVisible();
  await page.getByRole('heading', { name: 'Texts' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'sms-quiet-hours');
  const clinic = await (await page.request.get('/api/clinic')).json();
  expect(clinic).toMatchObject({ quietHoursStart: '20:30', quietHoursEnd: '08:00' });

  // The outbox shows it as a text, sent.
  await openMenu(page, 'Outbox');
  await page.locator('label', { hasText: /^Text$/ }).click();
  const row = page.getByRole('row', { name: /\+15557654321/ });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('Sent')).toBeVisible();
  await expectAccessible(page, 'the outbox with texts');
  await screenshot(page, 'sms-outbox');

  // A patient with a mobile number texts STOP: the gateway's signed webhook opts them out.
  const created = await page.request.post('/api/patients', {
    data: {
      givenName: 'Odile',
      familyName: 'Fairweather',
      birthDate: '1979-04-02',
      sex: 'female',
      phone: '617-555-0188',
    },
  });
  expect(created.status()).toBe(201);
  const patient = (await created.json()) as { id: string; phone: string };
  const session = await page.request.get('/api/auth/session');
  const clinicId = ((await session.json()) as { clinic: { id: string } }).clinic.id;
  const path = `/api/webhooks/sms/${clinicId}/inbound`;
  const form = { From: patient.phone, To: '+15550001111', Body: 'STOP', MessageSid: 'SMe2e' };
  const stop = await page.request.post(path, {
    form,
    headers: { 'x-twilio-signature': webhookSignature(sms.authToken, `${baseURL}${path}`, form) },
  });
  expect(stop.status()).toBe(200);
  expect(await stop.text()).toContain('<Response/>');

  await page.goto(`/patients/${patient.id}?tab=messages`);
  await expect(page.getByRole('tab', { name: 'Messages', selected: true })).toBeVisible();
  const optOut = page.getByRole('switch', { name: 'No text messages' });
  await expect(optOut).toBeChecked();
  await expect(page.getByText('No messages yet')).toBeVisible();
  await expectAccessible(page, 'the chart’s Messages tab');
  await screenshot(page, 'sms-patient-messages');
  // The front desk hears "texts are fine again".
  await optOut.click({ force: true });
  await expect(page.getByText('Contact preferences saved.')).toBeVisible();
  await expect(optOut).not.toBeChecked();
});
