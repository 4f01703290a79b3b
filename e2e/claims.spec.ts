import { mkdirSync, readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { ADMIN, expectAccessible, openMenu, signIn } from './fixtures';
import { created, scenario } from './scheduling';

/**
 * A claim from a signed visit to its payment, as the billing specialist works it: created from
 * the unbilled charges, what is missing named (the clinic's billing NPI and tax ID), fixed by the
 * administrator in Clinic settings, checked again, submitted with its 837P downloaded, and paid
 * from the insurer's EOB — the claim paid, the patient's share on the patient's balance.
 */

test.use({ timezoneId: 'America/New_York', viewport: { width: 1280, height: 800 } });

const PROVIDER = { email: 'noah.price@riverside.test', password: 'provider-pass-2026' };
const BILLING = { email: 'cora.bell@riverside.test', password: 'billing-pass-2026' };
const SCREENS = new URL('../.tend-test/screens', import.meta.url).pathname;
const ADDRESS = { line1: '40 Mill Road', city: 'Albany', region: 'NY', postalCode: '12207', country: 'US' };

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  await page.mouse.move(0, 0);
  await page.evaluate('window.scrollTo(0, 0)');
  // Toasts would cover the header: hidden while the picture is taken (the assertions still see them).
  await page.evaluate(`(() => {
    const style = document.createElement('style');
    style.id = 'hide-toasts';
    style.textContent = '.mantine-Notifications-root { visibility: hidden !important; }';
    document.head.append(style);
  })()`);
  await page.screenshot({ path: `${SCREENS}/${name}.png` });
  await page.screenshot({ path: `${SCREENS}/${name}-full.png`, fullPage: true });
  await page.evaluate(`document.getElementById('hide-toasts')?.remove()`);
}

/** Axe on the page, with the mouse off it (a hovered row is a shade darker than the contrast rules assume). */
async function checkAccessible(page: Page, what: string) {
  await page.mouse.move(0, 0);
  await expectAccessible(page, what);
}

async function switchTo(page: Page, account: { email: string; password: string }) {
  await page.context().clearCookies();
  await signIn(page, account);
}

test('a billing specialist fixes, submits and posts the payment of a claim', async ({ page }) => {
  // Set-up through the API (the visit screen has its own test): a signed visit of an insured patient.
  await signIn(page, ADMIN);
  const api = page.request;
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Noah Price', email: PROVIDER.email, role: 'provider', password: PROVIDER.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Cora Bell', email: BILLING.email, role: 'billing', password: BILLING.password },
    }),
  );
  const ids = await scenario(api, { provider: 'Noah Price', type: 'Claim visit', given: 'Odile', family: 'Marsh' });
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId, npi: '1234567893' } })).ok()).toBe(
    true,
  );
  expect((await api.patch('/api/clinic', { data: { address: ADDRESS } })).ok()).toBe(true);
  for (const location of (await (await api.get('/api/locations')).json()).items) {
    expect((await api.patch(`/api/locations/${location.id}`, { data: { address: ADDRESS } })).ok()).toBe(true);
  }
  expect((await api.patch(`/api/patients/${ids.patientId}`, { data: { address: ADDRESS } })).ok()).toBe(true);
  const payerId = await created(
    await api.post('/api/payers', { data: { name: 'Hudson Valley Health', payerCode: 'HVH01' } }),
  );
  await created(
    await api.post(`/api/patients/${ids.patientId}/coverages`, {
      data: { payerId, memberId: 'HVH778812', validFrom: '2020-01-01', copayCents: 5_000 },
    }),
  );
  const serviceId = await created(
    await api.post('/api/services', {
      data: { code: '99215', codeSystem: 'CPT', description: 'Office visit, high complexity', feeCents: 12_500 },
    }),
  );
  await switchTo(page, PROVIDER);
  const visit = await (
    await page.request.post('/api/encounters', { data: { patientId: ids.patientId, providerId: ids.providerId } })
  ).json();
  const saved = await page.request.patch(`/api/encounters/${visit.id}`, {
    data: {
      version: visit.version,
      diagnoses: [{ code: 'J11.1' }],
      services: [{ serviceId, units: 1, diagnosisPointers: [1] }],
    },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  expect((await page.request.post(`/api/encounters/${visit.id}/sign`)).ok()).toBe(true);

  // The billing specialist finds the visit among the charges not yet billed and creates the claim.
  await switchTo(page, BILLING);
  await openMenu(page, 'Claims');
  await expect(page.getByRole('heading', { name: 'Claims', level: 1 })).toBeVisible();
  const unbilled = page.getByRole('table', { name: 'Charges not yet billed' });
  const row = unbilled.getByRole('row').filter({ hasText: 'Odile Marsh' });
  await expect(row).toContainText('99215');
  await expect(row).toContainText('$75.00');
  await expect(row).toContainText('$50.00');
  await checkAccessible(page, 'the claims to work');
  await screenshot(page, 'claims-to-work');
  await row.getByRole('button', { name: /^Create claim for Odile Marsh/ }).click();
  await expect(page).toHaveURL(/\/claims\/[0-9a-f-]{36}$/);
  const heading = page.getByRole('heading', { level: 1, name: /^Claim \d+$/ });
  await expect(heading).toBeVisible();
  const number = (await heading.textContent())?.replace('Claim ', '') ?? '';
  const claimUrl = page.url();

  // What to fix: the clinic's billing NPI and tax ID, which an administrator changes.
  const problems = page.getByRole('region', { name: 'What to fix' });
  await expect(problems).toContainText('Enter the clinic’s billing NPI in Clinic settings (box 33a).');
  await expect(problems).toContainText('Enter the clinic’s tax ID (EIN) in Clinic settings (box 25).');
  await expect(problems).toContainText('An administrator changes this in Clinic settings.');
  await expect(page.getByTestId('claim-status')).toHaveText('Draft');
  await checkAccessible(page, 'a draft claim');
  await screenshot(page, 'claim-draft');

  await page.getByRole('link', { name: 'Back to claims' }).click();
  await page.getByRole('tab', { name: /Drafts to fix/ }).click();
  await expect(page.getByRole('table', { name: 'Drafts to fix' })).toContainText('2 to fix');
  await screenshot(page, 'claims-drafts');

  // The administrator enters them in Clinic settings; a wrong check digit is refused first.
  await switchTo(page, ADMIN);
  await openMenu(page, 'Locations');
  await page
    .getByRole('button', { name: /^Edit / })
    .first()
    .click();
  await expect(page.getByRole('dialog').getByLabel('Place of service code')).toHaveValue('11');
  await expect(page.getByRole('dialog')).toContainText('11 office, 02 telehealth, 22 outpatient hospital');
  await screenshot(page, 'location-place-of-service');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await openMenu(page, 'Clinic settings');
  await page.getByLabel('Billing NPI').fill('1245319590');
  await page.getByLabel('Tax ID (EIN)').fill('12-3456789');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('An NPI is 10 digits with a valid check digit.')).toBeVisible();
  await page.getByLabel('Billing NPI').fill('1245319599');
  await page.getByLabel('Billing phone').fill('518-555-0142');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Clinic settings saved')).toBeVisible();
  await expect(page.getByLabel('Tax ID (EIN)')).toHaveValue('12-3456789');
  await screenshot(page, 'clinic-billing-settings');

  // Checked again, the claim is ready; a modifier is added to its line.
  await switchTo(page, BILLING);
  await page.goto(claimUrl);
  // The records are complete now: the claim says so, and checking it again makes it ready.
  await expect(page.getByRole('region', { name: 'What to fix' })).toHaveCount(0);
  await expect(page.getByText('Nothing is missing any more. Check again to make the claim ready.')).toBeVisible();
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByText(`Claim ${number} is ready to submit.`)).toBeVisible();
  await expect(page.getByTestId('claim-status')).toHaveText('Ready');
  await page.getByRole('textbox', { name: 'Modifier 1 of line 1' }).fill('25');
  await page.getByRole('button', { name: 'Save lines' }).click();
  await expect(page.getByText(`Lines saved. Claim ${number} is ready.`)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Modifier 1 of line 1' })).toHaveValue('25');
  await screenshot(page, 'claim-ready');

  // Submitted from the list, with the 837P file downloaded.
  await page.getByRole('link', { name: 'Back to claims' }).click();
  await page.getByRole('tab', { name: /Ready to submit/ }).click();
  const ready = page.getByRole('table', { name: 'Ready to submit' });
  await ready.getByRole('checkbox', { name: `Select claim ${number}` }).check();
  await checkAccessible(page, 'the claims ready to submit');
  await screenshot(page, 'claims-ready');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Submit and download 837P' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^claims-837p-\d{9}\.x12$/);
  const edi = readFileSync((await download.path()) ?? '', 'utf8');
  expect(edi.startsWith('ISA*')).toBe(true);
  expect(edi).toContain(`CLM*${number}*125*`);
  expect(edi).toContain('SV1*HC:99215:25*125*');
  await page.getByRole('tab', { name: /Submitted/ }).click();
  const submitted = page.getByRole('table', { name: 'Submitted' }).getByRole('row').filter({ hasText: 'Odile Marsh' });
  await expect(submitted).toContainText('Submitted');
  await screenshot(page, 'claims-submitted');

  // The EOB: $60 paid, $50 the patient's copay; $15 written off.
  await submitted.getByRole('link', { name: `Open claim ${number}` }).click();

  // The clearinghouse rejects it first (a reason is required); submitted again, it goes through.
  await page.getByRole('button', { name: 'Record insurer answer' }).click();
  const answer = page.getByRole('dialog', { name: `Insurer’s answer to claim ${number}` });
  await answer.getByText('Rejected', { exact: true }).click();
  await answer.getByRole('button', { name: 'Save answer' }).click();
  await expect(answer.getByText('Say why the insurer rejected it (from its report).')).toBeVisible();
  await answer.getByLabel('Why it was rejected').fill('Subscriber name mismatch; corrected at the payer portal.');
  await checkAccessible(page, 'the insurer answer');
  await screenshot(page, 'claim-answer');
  await answer.getByRole('button', { name: 'Save answer' }).click();
  await expect(answer).toBeHidden();
  await expect(page.getByTestId('claim-status')).toHaveText('Rejected');
  await page.getByRole('button', { name: 'Submit again' }).click();
  await expect(page.getByTestId('claim-status')).toHaveText('Submitted');
  await expect(page.getByRole('region', { name: 'History' })).toContainText('Subscriber name mismatch');
  await screenshot(page, 'claim-submitted');

  await page.getByRole('button', { name: 'Enter EOB' }).click();
  const eob = page.getByRole('dialog', { name: `Enter the EOB for claim ${number}` });
  await eob.getByLabel('Check or EFT number').fill(`EFT-${number}`);
  await eob.getByRole('textbox', { name: 'Paid, line 1' }).fill('100');
  await eob.getByRole('textbox', { name: 'Patient responsibility, line 1' }).fill('50');
  await eob.getByRole('button', { name: 'Post EOB' }).click();
  await expect(eob.getByText('Paid plus patient responsibility is more than the $125.00 billed.')).toBeVisible();
  await eob.getByRole('textbox', { name: 'Paid, line 1' }).fill('60.00');
  await eob.getByRole('textbox', { name: 'Reason code, line 1' }).fill('CO-45');
  await expect(eob.getByTestId('write-off-1')).toHaveText('$15.00');
  await expect(eob.getByTestId('eob-total-paid')).toHaveText('$60.00');
  await checkAccessible(page, 'the EOB form');
  await screenshot(page, 'claim-eob');
  await eob.getByRole('button', { name: 'Post EOB' }).click();
  await expect(eob).toBeHidden();
  await expect(page.getByText(`EOB posted. Claim ${number} is Paid.`)).toBeVisible();
  await expect(page.getByTestId('claim-status')).toHaveText('Paid');
  await expect(page.getByTestId('patient-balance')).toHaveText('$50.00');
  await expect(page.getByRole('region', { name: 'History' })).toContainText('EFT-');
  await checkAccessible(page, 'a paid claim');
  await screenshot(page, 'claim-paid');
});

test('an EOB at the contracted rate: a reference posted twice is refused, the rest goes to the secondary insurer', async ({
  page,
}) => {
  // Set-up through the API: billing details complete, a contract allowing $100.00 for a $125.00
  // service, and an insured patient with a secondary coverage and two signed visits, each claimed
  // and submitted; the first visit's EOB (check CHK-5000) is posted already.
  const doctor = { email: 'ines.ortega@riverside.test', password: 'provider-pass-2026' };
  const billing = { email: 'hugo.stein@riverside.test', password: 'billing-pass-2026' };
  await signIn(page, ADMIN);
  const api = page.request;
  const userId = await created(
    await api.post('/api/users', {
      data: { name: 'Ines Ortega', email: doctor.email, role: 'provider', password: doctor.password },
    }),
  );
  await created(
    await api.post('/api/users', {
      data: { name: 'Hugo Stein', email: billing.email, role: 'billing', password: billing.password },
    }),
  );
  const ids = await scenario(api, { provider: 'Ines Ortega', type: 'Contract visit', given: 'Pavel', family: 'Novak' });
  expect((await api.patch(`/api/providers/${ids.providerId}`, { data: { userId, npi: '1326047580' } })).ok()).toBe(
    true,
  );
  expect(
    (await api.patch('/api/clinic', { data: { address: ADDRESS, billingNpi: '1245319599', taxId: '123456789' } })).ok(),
  ).toBe(true);
  for (const location of (await (await api.get('/api/locations')).json()).items) {
    expect((await api.patch(`/api/locations/${location.id}`, { data: { address: ADDRESS } })).ok()).toBe(true);
  }
  expect((await api.patch(`/api/patients/${ids.patientId}`, { data: { address: ADDRESS } })).ok()).toBe(true);
  const primary = await created(
    await api.post('/api/payers', { data: { name: 'Lakeside Mutual', payerCode: 'LKM01' } }),
  );
  const secondary = await created(
    await api.post('/api/payers', { data: { name: 'Second Shield', payerCode: 'SS02' } }),
  );
  await created(
    await api.post(`/api/patients/${ids.patientId}/coverages`, {
      data: { payerId: primary, memberId: 'LKM4410', validFrom: '2020-01-01', coinsuranceBps: 0 },
    }),
  );
  await created(
    await api.post(`/api/patients/${ids.patientId}/coverages`, {
      data: { payerId: secondary, rank: 'secondary', memberId: 'SS99120', validFrom: '2020-01-01' },
    }),
  );
  const serviceId = await created(
    await api.post('/api/services', {
      data: { code: '99204', codeSystem: 'CPT', description: 'New patient visit', feeCents: 12_500 },
    }),
  );
  await created(
    await api.post(`/api/services/${serviceId}/fees`, {
      data: { payerId: primary, feeCents: 10_000, validFrom: '2020-01-01' },
    }),
  );
  await switchTo(page, doctor);
  const encounters: string[] = [];
  for (let i = 0; i < 2; i++) {
    const visit = await (
      await page.request.post('/api/encounters', { data: { patientId: ids.patientId, providerId: ids.providerId } })
    ).json();
    const saved = await page.request.patch(`/api/encounters/${visit.id}`, {
      data: {
        version: visit.version,
        diagnoses: [{ code: 'J11.1' }],
        services: [{ serviceId, units: 1, diagnosisPointers: [1] }],
      },
    });
    expect(saved.ok(), await saved.text()).toBe(true);
    expect((await page.request.post(`/api/encounters/${visit.id}/sign`)).ok()).toBe(true);
    encounters.push(visit.id);
  }
  await switchTo(page, billing);
  const claims = [];
  for (const encounterId of encounters) {
    const claim = await (await page.request.post('/api/claims', { data: { encounterId } })).json();
    expect(claim.status, JSON.stringify(claim.problems)).toBe('ready');
    expect((await page.request.post(`/api/claims/${claim.id}/submit`)).ok()).toBe(true);
    claims.push(claim);
  }
  const first = await page.request.post(`/api/claims/${claims[0].id}/remittance`, {
    data: {
      reference: 'CHK-5000',
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: claims[0].lines[0].id, paidCents: 8_000, patientCents: 2_000 }],
    },
  });
  expect(first.ok(), await first.text()).toBe(true);

  // The insurer accepted the second claim.
  await page.goto(`/claims/${claims[1].id}`);
  await page.getByRole('button', { name: 'Record insurer answer' }).click();
  const answer = page.getByRole('dialog', { name: `Insurer’s answer to claim ${claims[1].number}` });
  await answer.getByText('Accepted for processing').click();
  await answer.getByRole('button', { name: 'Save answer' }).click();
  await expect(answer).toBeHidden();
  await expect(page.getByTestId('claim-status')).toHaveText('Accepted');

  // Its EOB: the contracted $100.00 is filled in; $25.00 is written off.
  await page.getByRole('button', { name: 'Enter EOB' }).click();
  const eob = page.getByRole('dialog', { name: `Enter the EOB for claim ${claims[1].number}` });
  await expect(eob.getByRole('textbox', { name: 'Allowed, line 1' })).toHaveValue('100.00');
  await expect(eob).toContainText('Contracted rate');
  await eob.getByLabel('Check or EFT number').fill('CHK-5000');
  await eob.getByRole('textbox', { name: 'Paid, line 1' }).fill('80');
  await eob.getByRole('textbox', { name: 'Patient responsibility, line 1' }).fill('20');
  await expect(eob.getByTestId('write-off-1')).toHaveText('$25.00');
  await eob.getByRole('button', { name: 'Post EOB' }).click();
  // The same check twice is refused, clearly, and nothing is posted.
  await expect(eob.getByText('This payment is posted already')).toBeVisible();
  await expect(eob.getByText(/A payment with the reference "CHK-5000" is posted already/)).toBeVisible();
  await expect(eob.getByLabel('Check or EFT number')).toHaveAccessibleDescription(/This reference is posted already/);
  await checkAccessible(page, 'the EOB form with a duplicate reference');
  await screenshot(page, 'claim-eob-duplicate');
  await eob.getByLabel('Check or EFT number').fill('CHK-5001');
  await eob.getByRole('button', { name: 'Post EOB' }).click();
  await expect(eob).toBeHidden();
  await expect(page.getByTestId('claim-status')).toHaveText('Paid');

  // The patient's $20.00 goes to the secondary insurer, on a claim of its own.
  const link = page.getByRole('link', { name: /^Secondary claim \d+ to Second Shield$/ });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByText('Secondary claim', { exact: true })).toBeVisible();
  await expect(page.getByTestId('claim-status')).toHaveText('Ready');
  await expect(page.getByRole('region', { name: 'Claim data (CMS-1500)' })).toContainText('Lakeside Mutual');
  await checkAccessible(page, 'a secondary claim');
  await screenshot(page, 'claim-secondary');
});
