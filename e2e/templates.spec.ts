import { mkdirSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { startTestSmsServer, type TestSmsServer } from '../apps/server/src/messaging/sms-test-server';
import { ADMIN, CLINIC, expectAccessible, openMenu, signIn } from './fixtures';
import { book, mondayInTwoWeeks, scenario } from './scheduling';

/**
 * Message templates: the manager rewrites the reminder text and watches the preview and its part
 * count follow; a variable the message does not have is shown as a problem and cannot be saved;
 * Tend's wording comes back with one click. And a text that failed is sent again from the chart.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });

const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  await expect(async () => {
    for (const close of await page.locator('.mantine-Notification-closeButton').all()) {
      await close.click({ force: true, timeout: 2000 }).catch(() => undefined);
    }
    await expect(page.locator('.mantine-Notification-root')).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

test('the reminder text is rewritten with a live preview, checked, saved and reset', async ({ page }) => {
  await signIn(page, ADMIN);
  await openMenu(page, 'Message templates');
  await expect(page.getByRole('heading', { name: 'Message templates', level: 1 })).toBeVisible();
  await expect(page.getByText('Keep it plain')).toBeVisible();

  // The text reminder, in Tend's words, previewed with the clinic's name and real-length links.
  await expect(page.getByRole('combobox', { name: 'Message' })).toHaveValue('Reminder');
  await expect(page.getByText('Tend’s default wording')).toBeVisible();
  const preview = page.getByTestId('preview-body');
  const count = page.getByTestId('sms-count');
  await expect(preview).toContainText(`${CLINIC}: reminder of your appointment on `);
  await expect(preview).toContainText('/r/');
  await expect(count).toHaveText(/text messages \(sent as one, billed as 2\)/);
  await screenshot(page, 'templates-default');

  const text = page.getByRole('textbox', { name: 'Text' });
  await text.fill('{clinic}: see you {date} at {time}.');
  await expect(preview).toHaveText(new RegExp(`^${CLINIC}: see you \\w{3}, \\w{3} \\d+ at 10:00 AM\\.$`));
  await expect(count).toHaveText(/^\d{2} characters · 1 text message$/);

  // A variable this message does not have: shown as a problem, nothing can be saved.
  await text.fill('{clinic}: see you {date} at {time} for your {diagnosis}.');
  await expect(page.getByText(/\{diagnosis\} is not a variable of this message/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save wording' })).toBeDisabled();
  await text.fill('{clinic}: see you {date} at {time}');

  // A chip inserts its variable where the cursor is.
  await text.press('End');
  await text.pressSequentially(', ');
  await page.getByRole('button', { name: /^\{location\}/ }).click();
  await text.pressSequentially('. Confirm: ');
  await page.getByRole('button', { name: /^\{confirmLink\}/ }).click();
  await expect(text).toHaveValue('{clinic}: see you {date} at {time}, {location}. Confirm: {confirmLink}');
  // The link makes it two parts.
  await expect(preview).toContainText('Confirm: http');
  await expect(count).toHaveText(/2 text messages \(sent as one, billed as 2\)$/);
  await expectAccessible(page, 'the message templates page');
  await screenshot(page, 'templates-edited');

  await page.getByRole('button', { name: 'Save wording' }).click();
  await expect(page.getByText('Wording saved. New messages use it.')).toBeVisible();
  await expect(page.getByText('Your clinic’s wording')).toBeVisible();
  const saved = (await (await page.request.get('/api/message-templates')).json()) as {
    items: { kind: string; channel: string; body: string; custom: boolean }[];
  };
  expect(saved.items.find((x) => x.kind === 'reminder' && x.channel === 'sms')).toMatchObject({
    custom: true,
    body: '{clinic}: see you {date} at {time}, {location}. Confirm: {confirmLink}',
  });

  // The email: a subject too, previewed above the text.
  const channel = page.getByRole('radiogroup', { name: 'Sent by' });
  await channel.locator('label', { hasText: /^Email$/ }).click();
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveValue(
    'Reminder: your appointment on {date} at {time}',
  );
  await expect(page.getByTestId('preview-subject')).toHaveText(
    /^Reminder: your appointment on \w+day, \w+ \d+, \d{4} at 10:00 AM$/,
  );
  await screenshot(page, 'templates-email');
  await channel.locator('label', { hasText: /^Text$/ }).click();

  // Back to Tend's wording.
  await page.getByRole('button', { name: 'Use Tend’s default' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Use Tend’s default' }).click();
  await expect(page.getByText('Tend’s default wording is used again.')).toBeVisible();
  await expect(page.getByText('Tend’s default wording', { exact: true })).toBeVisible();
  await expect(text).toHaveValue(/^\{clinic\}: reminder of your appointment on \{date\} at \{time\}/);
});

test('a text that failed is sent again from the patient’s Messages tab', async ({ page }) => {
  let sms: TestSmsServer | undefined;
  await signIn(page, ADMIN);
  const api = page.request;
  const clinic = (await (await api.get('/api/clinic')).json()) as { quietHoursStart: string; quietHoursEnd: string };
  try {
    sms = await startTestSmsServer();
    const settings = await api.put('/api/settings/sms', {
      data: { baseUrl: sms.baseUrl, accountSid: sms.accountSid, authToken: sms.authToken, fromNumber: '+15550001111' },
    });
    expect(settings.status(), await settings.text()).toBe(200);
    // Whatever the hour the test runs at: no quiet hours while it does.
    expect((await api.patch('/api/clinic', { data: { quietHoursStart: '00:00', quietHoursEnd: '00:00' } })).ok()).toBe(
      true,
    );

    const ids = await scenario(api, { provider: 'Ines Okafor', type: 'Knee review', given: 'Colm', family: 'Byrne' });
    const mobile = `+1617${String(2_000_000 + Math.floor(Math.random() * 7_000_000))}`;
    const patch = await api.patch(`/api/patients/${ids.patientId}`, {
      data: { phones: [{ use: 'mobile', number: mobile }], preferredContactMethod: 'sms' },
    });
    expect(patch.status(), await patch.text()).toBe(200);
    // The gateway refuses the number: the booking notice fails at once, for good.
    sms.rejectNumbers([mobile]);
    await book(api, ids, mondayInTwoWeeks(), '10:00');

    await page.goto(`/patients/${ids.patientId}?tab=messages`);
    const row = page.getByRole('row', { name: /Booking notice/ });
    await expect(row.getByText('Failed')).toBeVisible({ timeout: 20_000 });
    await expect(row.getByText(/not a valid phone number/)).toBeVisible();
    await screenshot(page, 'templates-failed-text');

    // The number is fine after all (the carrier's mistake): send it again.
    sms.rejectNumbers([]);
    await row.getByRole('button', { name: /^Send again/ }).click();
    await expect(page.getByText('Queued again: it goes out within a few seconds.')).toBeVisible();
    await expect(row.getByText('Sent')).toBeVisible({ timeout: 20_000 });
    await expect(row.getByRole('button', { name: /^Send again/ })).toHaveCount(0);
    const [text] = await sms.waitFor(1);
    expect(text).toMatchObject({ to: mobile });
    expect(text.body).toContain('/r/');
    await expectAccessible(page, 'the chart’s Messages tab with a message sent again');
  } finally {
    await api.patch('/api/clinic', {
      data: { quietHoursStart: clinic.quietHoursStart, quietHoursEnd: clinic.quietHoursEnd },
    });
    await sms?.close();
  }
});
