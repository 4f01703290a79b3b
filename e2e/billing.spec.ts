import { mkdirSync } from 'node:fs';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { pdfText } from '../apps/server/src/test/pdf';
import { ADMIN, CLINIC, expectAccessible, openMenu, RECEPTIONIST, signIn } from './fixtures';
import { book, clinicToday, created, scenario } from './scheduling';

/**
 * Billing, as the billing specialist and the front desk use it: a signed visit leaves a $50
 * copay; the specialist invoices it, sends it by email (the outbox keeps it), finds it on the
 * unpaid work list, posts the patient's $50 check against it (the same check twice is refused)
 * and sees the patients' total on the A/R aging report fall by $50. At the front desk, the
 * receptionist checks a patient in, takes the $30 copay and prints the receipt.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const PROVIDER = { email: 'lena.ortiz@riverside.test', password: 'provider-pass-2026' };
const BILLING = { email: 'bill.okoro@riverside.test', password: 'billing-pass-2026' };
const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  // Toasts would cover the page: close them (behind a dialog they close by themselves in seconds).
  for (const close of await page.locator('.mantine-Notification-closeButton').all()) {
    await close.click({ force: true, timeout: 2000 }).catch(() => undefined);
  }
  await expect(page.locator('.mantine-Notification-root')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/${name}.png` });
}

/** Axe on the page as it rests (a row under the mouse is highlighted: not what is read). */
async function accessible(page: Page, what: string) {
  await page.mouse.move(0, 0);
  await expectAccessible(page, what);
}

function cents(text: string | null): number {
  const match = /-?\$([\d,]+)\.(\d{2})/.exec(text ?? '');
  if (!match) throw new Error(`Not an amount: ${text}`);
  return Number(match[1].replace(/,/g, '')) * 100 + Number(match[2]);
}

const dollars = (value: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value / 100);

/** A provider who signs visits, an insurer with a $50 copay, a service, and a signed visit for Wren Calloway. */
async function signedVisitWithCopay(api: APIRequestContext, doctor: APIRequestContext) {
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Lena Ortiz', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Bill Okoro', email: BILLING.email, role: 'billing', password: BILLING.password },
    }),
  );
  const ids = await scenario(
    api,
    { provider: 'Lena Ortiz', type: 'Office visit', given: 'Wren', family: 'Calloway' },
    { start: '06:00', end: '22:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId } })).ok()).toBe(true);
  expect(
    (await api.patch(`/api/patients/${ids.patientId}`, { data: { email: 'wren.calloway@example.com' } })).ok(),
  ).toBe(true);
  const payerId = await created(await api.post('/api/payers', { data: { name: 'Harbor Health Plan' } }));
  for (const [patientId, copayCents] of [[ids.patientId, 5000]] as const) {
    await created(
      await api.post(`/api/patients/${patientId}/coverages`, {
        data: { payerId, memberId: 'HHP-220481', validFrom: '2020-01-01', copayCents },
      }),
    );
  }
  const serviceId = await created(
    await api.post('/api/services', {
      data: {
        code: '99214',
        codeSystem: 'CPT',
        description: 'Office visit, established patient, moderate',
        feeCents: 15_000,
      },
    }),
  );
  const appointmentId = await book(api, ids, clinicToday(), '08:00');
  expect((await api.post(`/api/appointments/${appointmentId}/check-in`)).ok()).toBe(true);

  // The provider documents and signs the visit (visit.spec.ts shows it in the browser).
  expect((await doctor.post('/api/auth/sign-in', { data: PROVIDER })).ok()).toBe(true);
  const visit = await (await doctor.post('/api/encounters', { data: { appointmentId } })).json();
  const saved = await doctor.patch(`/api/encounters/${visit.id}`, {
    data: {
      version: visit.version,
      diagnoses: [{ code: 'J11.1', chronic: false }],
      services: [{ serviceId, units: 1, diagnosisPointers: [1] }],
    },
  });
  expect(saved.status(), await saved.text()).toBe(200);
  expect((await doctor.post(`/api/encounters/${visit.id}/sign`)).status()).toBe(200);
  return { ...ids, payerId, serviceId, encounterId: visit.id as string };
}

test('billing invoices a $50 copay, emails it, posts the payment and sees A/R aging fall', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN);
  const ids = await signedVisitWithCopay(page.request, request);

  await page.context().clearCookies();
  await signIn(page, BILLING);
  const nav = page.getByRole('navigation');
  for (const item of ['Work lists', 'Invoices', 'Post payment', 'Payments', 'Statements', 'A/R aging']) {
    await expect(nav.getByRole('link', { name: item, exact: true })).toBeVisible();
  }

  // A/R aging before: the patients' total includes the $50 copay.
  await openMenu(page, 'A/R aging');
  await expect(page.getByRole('heading', { name: 'A/R aging', level: 1 })).toBeVisible();
  const patientTotal = page.getByTestId('aging-patient-total');
  await expect(patientTotal).toHaveText(/\$/);
  const before = cents(await patientTotal.textContent());
  expect(before).toBeGreaterThanOrEqual(5000);
  const byPatient = page.getByRole('region', { name: 'By patient' });
  await expect(byPatient.getByRole('row').filter({ hasText: 'Wren Calloway' })).toContainText('$50.00');
  // The patient list is paged by the server; it says how many owe and finds one by name.
  const owing = byPatient.getByTestId('aging-patient-count');
  await expect(owing).toHaveText(/^[\d,]+ patients? owes?$/);
  await byPatient.getByLabel('Find a patient').fill('callow');
  await expect(byPatient.getByRole('row').filter({ hasText: 'Wren Calloway' })).toContainText('$50.00');
  await expect(byPatient.locator('tbody tr').filter({ hasNotText: 'Calloway' })).toHaveCount(0);
  await accessible(page, 'the A/R aging report');
  await screenshot(page, 'billing-aging-before');

  // The charges list offers the invoice too (the first line of each visit to invoice).
  await openMenu(page, 'Charges');
  await expect(
    page
      .getByRole('row')
      .filter({ hasText: 'Wren Calloway' })
      .getByRole('button', { name: /^Create invoice for Wren/ }),
  ).toBeVisible();
  await accessible(page, 'the charges page with invoicing');
  await screenshot(page, 'billing-charges');

  // The work list: nothing unpaid over 30 days yet.
  await openMenu(page, 'Work lists');
  await expect(page.getByRole('heading', { name: 'Work lists', level: 1 })).toBeVisible();
  await expect(page.getByText('No unpaid invoices over 30 days')).toBeVisible();
  await screenshot(page, 'billing-worklist-empty');

  // Invoices: the signed visit waits to be invoiced; create it, open its PDF, send it by email.
  await openMenu(page, 'Invoices');
  await expect(page.getByRole('heading', { name: 'Invoices', level: 1 })).toBeVisible();
  const toInvoice = page.getByRole('region', { name: 'Visits to invoice' });
  const visitRow = toInvoice.getByRole('row').filter({ hasText: 'Wren Calloway' });
  await expect(visitRow).toContainText('99214');
  await expect(visitRow).toContainText('$150.00');
  await expect(visitRow).toContainText('$50.00');
  await accessible(page, 'the invoices page');
  await screenshot(page, 'billing-invoices-to-invoice');
  await visitRow.getByRole('button', { name: 'Create invoice for Wren Calloway ($50.00)' }).click();
  const drawer = page.getByRole('dialog', { name: /^Invoice \d+$/ });
  await expect(drawer).toBeVisible();
  const number = /Invoice (\d+)/.exec((await drawer.getByRole('heading').first().textContent()) ?? '')?.[1];
  expect(number).toBeTruthy();
  await expect(drawer.getByTestId('invoice-balance')).toHaveText('$50.00');
  await expect(drawer.getByRole('table', { name: 'Invoice lines' })).toContainText('99214');
  await expect(toInvoice.getByRole('row').filter({ hasText: 'Wren Calloway' })).toHaveCount(0);

  // The same visit a second time: the server's 409 says it is invoiced already.
  const again = await page.request.post('/api/invoices', { data: { encounterId: ids.encounterId } });
  expect(again.status()).toBe(409);
  expect((await again.json()).error.message).toContain(`invoice ${number}`);

  const pdfHref = await drawer.getByRole('link', { name: 'Open PDF' }).getAttribute('href');
  expect(pdfHref).toMatch(/\/api\/invoices\/.+\/pdf$/);
  const pdf = await page.request.get(pdfHref ?? '');
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  await expect(drawer.getByLabel('Send to')).toHaveValue('wren.calloway@example.com');
  await drawer.getByRole('button', { name: 'Send invoice' }).click();
  // No mail server is set up in this test clinic: the outbox keeps it (captured).
  await expect(drawer.getByRole('status')).toContainText(/Captured in the outbox|Sent/);
  await expect(drawer.getByTestId('invoice-sent-at')).toContainText('Last sent');
  await accessible(page, 'the invoice drawer');
  await screenshot(page, 'billing-invoice-drawer');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page.getByRole('table', { name: 'All invoices' }).getByRole('row').nth(1)).toContainText('Unpaid');
  await screenshot(page, 'billing-invoices');

  // The outbox has the email with the PDF.
  await openMenu(page, 'Outbox');
  const mail = page.getByRole('row', { name: new RegExp(`Invoice ${number} from ${CLINIC}`) });
  await expect(mail).toBeVisible();
  await expect(mail.getByText(/^(Captured|Sent)$/)).toBeVisible();

  // This month's statements: Wren owes the $50 copay; the statement is sent like the invoice.
  await openMenu(page, 'Statements');
  await expect(page.getByRole('heading', { name: 'Statements', level: 1 })).toBeVisible();
  const month = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${clinicToday()}T12:00:00Z`),
  );
  await page.getByRole('combobox', { name: 'Month' }).click();
  await page.getByRole('option', { name: month }).click();
  await page.getByRole('button', { name: `Run statements for ${month}` }).click();
  const statement = page.getByRole('row').filter({ hasText: 'Wren Calloway' });
  await expect(statement).toContainText('$50.00');
  await statement.getByRole('button', { name: 'Send the statement of Wren Calloway by email' }).click();
  await expect(statement).toContainText(/Captured|Sent/);
  const statementPdf = await page.request.get(
    (await statement.getByRole('link', { name: 'Open the statement of Wren Calloway as PDF' }).getAttribute('href')) ??
      '',
  );
  expect(pdfText(await statementPdf.body())).toContain('Wren Calloway');
  await accessible(page, 'the statements page');
  await screenshot(page, 'billing-statements');

  // The work list, for invoices issued at least 0 days ago: today's invoice, with its actions.
  await openMenu(page, 'Work lists');
  await page.getByLabel('Issued at least').fill('0');
  await expect(page.getByRole('heading', { name: 'Unpaid invoices over 0 days' })).toBeVisible();
  const work = page.getByRole('row').filter({ hasText: 'Wren Calloway' });
  await expect(work).toContainText('0 days');
  await expect(work).toContainText('$50.00');
  await expect(work.getByRole('link', { name: `Open invoice ${number} as PDF` })).toBeVisible();
  await accessible(page, 'the work list');
  await screenshot(page, 'billing-worklist');

  // Post payment from the work list: $50 prefilled and applied to the copay; a check with its number.
  await work.getByRole('button', { name: `Pay invoice ${number}: post its payment` }).click();
  const pay = page.getByRole('dialog', { name: 'Post payment' });
  await expect(pay.getByRole('textbox', { name: 'Amount', exact: true })).toHaveValue('50.00');
  await expect(pay.getByRole('textbox', { name: /^Apply to 99214/ })).toHaveValue('50.00');
  await expect(pay.getByTestId('allocation-summary')).toContainText('Kept as credit $0.00');
  await pay.getByRole('combobox', { name: 'Method' }).click();
  await page.getByRole('option', { name: 'Check', exact: true }).click();
  await pay.getByRole('button', { name: 'Post payment of $50.00' }).click();
  await expect(pay.getByText('Enter the check number or trace number')).toBeVisible();
  await pay.getByLabel('Check number').fill('1042');
  await accessible(page, 'the payment drawer');
  await screenshot(page, 'billing-payment-drawer');
  await pay.getByRole('button', { name: 'Post payment of $50.00' }).click();
  await expect(pay.getByText('Payment of $50.00 posted')).toBeVisible();
  await expect(pay).toContainText('$50.00 applied to 1 charge.');
  await pay.getByRole('button', { name: 'Close' }).first().click();
  await expect(page.getByText('No unpaid invoices over 0 days')).toBeVisible();

  // Today's postings list it, with its receipt.
  await openMenu(page, 'Payments');
  await expect(page.getByRole('heading', { name: 'Today’s postings', level: 1 })).toBeVisible();
  const posting = page.getByRole('row').filter({ hasText: 'Wren Calloway' });
  await expect(posting).toContainText('1042');
  await expect(posting).toContainText('$50.00');
  await expect(posting).toContainText('Bill Okoro');
  await expect(posting.getByRole('button', { name: 'Reverse the payment of $50.00 from Wren Calloway' })).toBeVisible();
  await accessible(page, 'the payments page');
  await screenshot(page, 'billing-payments');

  // The same check posted again (on the Post payment page) is refused and says so.
  await openMenu(page, 'Post payment');
  await expect(page.getByRole('heading', { name: 'Post payment', level: 1 })).toBeVisible();
  await page.getByLabel('Find the patient').fill('Calloway');
  await page.getByRole('radio', { name: /Wren Calloway/ }).click();
  await expect(page.getByText('Paid by Wren Calloway')).toBeVisible();
  await expect(page.getByTestId('no-open-charges')).toContainText('The patient owes nothing now');
  await page.getByRole('combobox', { name: 'Method' }).click();
  await page.getByRole('option', { name: 'Check', exact: true }).click();
  await page.getByLabel('Check number').fill('1042');
  await page.getByRole('textbox', { name: 'Amount', exact: true }).fill('50');
  await page.getByRole('button', { name: 'Post payment of $50.00' }).click();
  const duplicate = page.getByRole('alert').filter({ hasText: 'This payment is posted already' });
  await expect(duplicate).toContainText('"1042"');
  await expect(page.getByText('A payment with this reference is posted already.')).toBeVisible();
  await accessible(page, 'the post payment page');
  await screenshot(page, 'billing-post-payment-duplicate');

  // An insurer's payment for the same patient: the insurer's open portion ($100) takes the amount.
  await page.getByText('Insurer', { exact: true }).click();
  await page.getByRole('combobox', { name: 'Insurer' }).click();
  await page.getByRole('option', { name: 'Harbor Health Plan' }).click();
  await expect(page.getByText('For the charges of Wren Calloway')).toBeVisible();
  await page.getByRole('textbox', { name: 'Amount', exact: true }).fill('80');
  await expect(page.getByRole('textbox', { name: /^Apply to 99214/ })).toHaveValue('80.00');
  await expect(page.getByTestId('allocation-summary')).toContainText('Applied $80.00');
  await accessible(page, 'an insurer payment');
  await screenshot(page, 'billing-post-payment-insurer');

  // A/R aging after: the patients' total fell by the $50 paid.
  await openMenu(page, 'A/R aging');
  await expect(patientTotal).toHaveText(dollars(before - 5000));
  await expect(byPatient.getByRole('row').filter({ hasText: 'Wren Calloway' })).toHaveCount(0);
  await screenshot(page, 'billing-aging-after');

  // The patient's Balance tab: nothing owed, the invoice paid.
  await page.goto(`/patients/${ids.patientId}?tab=balance`);
  await expect(page.getByTestId('balance-patient')).toHaveText('$0.00');
  await expect(page.getByTestId('balance-insurer')).toHaveText('$100.00');
  await expect(page.getByRole('region', { name: 'Invoices' }).getByRole('row').nth(1)).toContainText('Paid');
  await accessible(page, 'the balance tab');
  await screenshot(page, 'billing-balance-tab');

  // The insurer's contracted rate is $20 lower: a contractual write-off, then reversed as a mistake.
  await page.getByRole('button', { name: /^Adjust 99214 of / }).click();
  const adjust = page.getByRole('dialog', { name: 'Adjust a charge' });
  await expect(adjust.getByRole('combobox', { name: 'Adjustment' })).toHaveValue('Contractual write-off');
  await expect(adjust.getByRole('textbox', { name: 'Amount' })).toHaveValue('100.00');
  await adjust.getByRole('textbox', { name: 'Amount' }).fill('120');
  await adjust.getByLabel('Reason').fill('Contracted rate per the EOB');
  await adjust.getByRole('button', { name: 'Post adjustment' }).click();
  await expect(adjust.getByText('Only $100.00 is owed on this side.')).toBeVisible();
  await adjust.getByRole('textbox', { name: 'Amount' }).fill('20');
  await accessible(page, 'the adjustment dialog');
  await screenshot(page, 'billing-adjust');
  await adjust.getByRole('button', { name: 'Post adjustment' }).click();
  await expect(adjust.getByRole('status')).toContainText('Contractual write-off of $20.00 posted.');
  await expect(page.getByTestId('balance-insurer')).toHaveText('$80.00');
  await adjust.getByLabel('Posted by mistake? Say why, then reverse it').fill('Wrong charge');
  await adjust.getByRole('button', { name: 'Reverse adjustment' }).click();
  await expect(adjust.getByRole('status')).toContainText('The adjustment was reversed');
  await expect(page.getByTestId('balance-insurer')).toHaveText('$100.00');
  await adjust.getByRole('button', { name: 'Close' }).last().click();
});

test('the front desk checks a patient in, takes the $30 copay and prints the receipt', async ({ page }) => {
  await signIn(page, ADMIN);
  const api = page.request;
  const ids = await scenario(
    api,
    { provider: 'Omar Haddad', type: 'Follow-up', given: 'Otto', family: 'Brandt' },
    { start: '06:00', end: '22:00', weekdays: [1, 2, 3, 4, 5, 6, 7] },
  );
  const payerId = await created(await api.post('/api/payers', { data: { name: 'Northwind Mutual' } }));
  await created(
    await api.post(`/api/patients/${ids.patientId}/coverages`, {
      data: { payerId, memberId: 'NWM-77310', validFrom: '2020-01-01', copayCents: 3000 },
    }),
  );
  await book(api, ids, clinicToday(), '09:00');

  await page.context().clearCookies();
  await signIn(page, RECEPTIONIST);
  await openMenu(page, 'Schedule');
  await page.getByRole('button', { name: '09:00 Otto Brandt with Dr. Omar Haddad' }).click();
  const dialog = page.getByRole('dialog', { name: 'Appointment' });
  await dialog.getByRole('button', { name: 'Check in and take copay' }).click();
  const copay = dialog.getByRole('form', { name: 'Take copay' });
  await expect(copay).toContainText('Copay of Northwind Mutual: $30.00.');
  await expect(copay.getByRole('textbox', { name: 'Amount' })).toHaveValue('30.00');
  await copay.getByRole('combobox', { name: 'Method' }).click();
  await page.getByRole('option', { name: 'Cash', exact: true }).click();
  await accessible(page, 'the copay form');
  await screenshot(page, 'billing-copay');
  await copay.getByRole('button', { name: 'Take $30.00' }).click();
  await expect(dialog.getByText('Payment of $30.00 posted')).toBeVisible();
  await expect(dialog).toContainText('$30.00 kept as credit');
  await screenshot(page, 'billing-copay-posted');

  // The receipt opens as a PDF in a new tab, to print.
  const receiptLink = dialog.getByRole('link', { name: 'Print receipt' });
  await expect(receiptLink).toHaveAttribute('target', '_blank');
  const receipt = await page.request.get((await receiptLink.getAttribute('href')) ?? '');
  expect(receipt.headers()['content-type']).toContain('application/pdf');
  const text = pdfText(await receipt.body());
  expect(text).toContain('Otto Brandt');
  expect(text).toContain('$30.00');
  expect(text).toContain('Cash');
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  // The balance shows the copay as credit, waiting for the visit's charges.
  await page.goto(`/patients/${ids.patientId}?tab=balance`);
  await expect(page.getByTestId('balance-credit')).toHaveText('$30.00');
  await expect(page.getByRole('region', { name: 'Payments' }).getByRole('row').nth(1)).toContainText('$30.00');
  // The front desk cannot reverse a payment.
  await expect(page.getByRole('button', { name: /^Reverse/ })).toHaveCount(0);

  // Taken by mistake: the manager (here the administrator) reverses it, saying why.
  await page.context().clearCookies();
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Payments', exact: true }).click();
  const posting = page.getByRole('row').filter({ hasText: 'Otto Brandt' });
  await posting.getByRole('button', { name: 'Reverse the payment of $30.00 from Otto Brandt' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reverse this payment?' });
  await confirm.getByRole('button', { name: 'Reverse payment' }).click();
  await expect(confirm.getByText('Say why')).toBeVisible();
  await confirm.getByLabel('Reason').fill('Copay taken twice: the patient had paid online');
  await confirm.getByRole('button', { name: 'Reverse payment' }).click();
  await expect(confirm).toBeHidden();
  await expect(posting.filter({ hasNotText: 'Reversal' })).toContainText('Reversed');
  await expect(posting.filter({ hasText: 'Reversal' })).toContainText('-$30.00');
  await accessible(page, 'the payments page after a reversal');
  await screenshot(page, 'billing-payments-reversal');
  await page.goto(`/patients/${ids.patientId}?tab=balance`);
  await expect(page.getByTestId('balance-credit')).toHaveText('$0.00');
});
