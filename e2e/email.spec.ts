import { expect, test } from '@playwright/test';
import { startTestSmtpServer, type TestSmtpServer } from '../apps/server/src/email/smtp-test-server';
import { ADMIN, CLINIC, expectAccessible, openMenu, signIn } from './fixtures';

/**
 * Email end to end: the administrator points Tend at a mail server (a real SMTP server this
 * test runs on loopback), sends a test email that arrives, reads it in the outbox, and sees a
 * clear error when the server cannot be reached.
 */
test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });

let smtp: TestSmtpServer;
test.beforeAll(async () => {
  smtp = await startTestSmtpServer({ security: 'none' });
});
test.afterAll(() => smtp?.close());

test('an administrator sets up email, sends a test email that arrives, and reads it in the outbox', async ({
  page,
}) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Email', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Email', level: 1 })).toBeVisible();
  await expect(page.getByText('Email is not set up yet')).toBeVisible();
  await expectAccessible(page, 'the email settings page');

  await page.getByLabel('Host').fill('127.0.0.1');
  await page.getByRole('combobox', { name: 'Security' }).click();
  await page.getByRole('option', { name: /^None/ }).click();
  await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
  await page.getByLabel('From address').fill('billing@riverside.test');
  await page.getByLabel('From name').fill(CLINIC);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Email settings saved.')).toBeVisible();
  await expect(page.getByText('Email is sent through 127.0.0.1.')).toBeVisible();

  await expect(page.getByLabel('Send the test email to')).toHaveValue(ADMIN.email);
  await page.getByRole('button', { name: 'Send test email' }).click();
  await expect(page.getByText(`The mail server accepted the test email for ${ADMIN.email}`)).toBeVisible();
  const [mail] = await smtp.waitFor(1);
  expect(mail.parsed.subject).toBe(`Test email from ${CLINIC}`);
  expect(mail.parsed.from?.value).toEqual([{ address: 'billing@riverside.test', name: CLINIC }]);
  expect(mail.envelope.to).toEqual([ADMIN.email]);

  // The outbox shows it, sent; opening it shows the text.
  await openMenu(page, 'Outbox');
  await expect(page.getByRole('heading', { name: 'Outbox', level: 1 })).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(`Test email from ${CLINIC}`) });
  await expect(row.getByText('Sent')).toBeVisible();
  await expectAccessible(page, 'the outbox');
  await row.getByRole('button', { name: `Open the email to ${ADMIN.email}: Test email from ${CLINIC}` }).click();
  const drawer = page.getByRole('dialog', { name: 'Email' });
  await expect(drawer.getByRole('document')).toContainText('If you can read it, email works');

  // A server that is not there: the error says which, and the message stays as failed.
  await page.keyboard.press('Escape');
  await page.getByRole('link', { name: 'Email', exact: true }).click();
  const closed = await startTestSmtpServer({ security: 'none' });
  await closed.close();
  await page.getByLabel('Port', { exact: true }).fill(String(closed.port));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Email settings saved.').first()).toBeVisible();
  await page.getByRole('button', { name: 'Send test email' }).click();
  const failure = page.getByRole('alert').filter({ hasText: 'The test email could not be sent' });
  await expect(failure).toContainText(`127.0.0.1:${closed.port}`);
  await expect(failure).toContainText('ECONNREFUSED');

  await openMenu(page, 'Outbox');
  // The status filter (a segmented control: its labels are what one clicks).
  await page.locator('label', { hasText: /^Failed$/ }).click();
  await expect(page.getByRole('radio', { name: 'Failed' })).toBeChecked();
  const failed = page.getByRole('row', { name: /Test email from/ });
  await expect(failed).toHaveCount(1);
  await expect(failed.getByText('Failed')).toBeVisible();
  expect(smtp.received).toHaveLength(1);

  // Sending turned off (this test's server goes away): later emails are kept in the outbox.
  await page.getByRole('link', { name: 'Email', exact: true }).click();
  await page.getByLabel('Send email through this server').uncheck({ force: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Sending is turned off')).toBeVisible();
});
