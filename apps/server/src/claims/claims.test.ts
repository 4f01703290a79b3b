import { type X12Interchange, X12Parser } from 'node-x12';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { pdfText } from '../test/pdf';
import { type VisitScenario, visitScenario } from '../visits/scenario';

/**
 * Claims end to end: built from a signed visit, checked (each missing item a clear message),
 * corrected, submitted (frozen as submitted), exported as an 837P and a CMS-1500 form, answered
 * by the insurer, and paid from its EOB line by line — contractual write-offs at the contracted
 * rate, the patient's share moved to the patient, the rest on to a secondary insurer.
 */

let t: TestApp;
let s: VisitScenario;
let billing: ApiClient;

const address = { line1: '12 Harbor Street', city: 'Portland', region: 'ME', postalCode: '04101', country: 'US' };

beforeAll(async () => {
  t = await createTestApp();
  s = await visitScenario(t, {
    payer: 'Blue Harbor Health',
    service: { code: '99213', description: 'Office visit', feeCents: 12_500 },
  });
  ({ billing } = s);
});
afterAll(async () => t?.close());

/** What a clinic sets up once for claims: its NPI, tax ID and address, the doctor's NPI, the payer ID. */
async function setUpBilling(): Promise<void> {
  expect((await s.admin.patch('/api/clinic', { billingNpi: '1245319599', taxId: '12-3456789', address })).status).toBe(
    200,
  );
  expect((await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1234567893' })).status).toBe(200);
  expect((await s.admin.patch(`/api/payers/${s.payerId}`, { payerCode: 'BHH01' })).status).toBe(200);
}

async function visitWithAddress(coverage: { copayCents?: number; coinsuranceBps?: number } = { copayCents: 5_000 }) {
  const visit = await s.signedVisit(coverage);
  expect((await s.reception.patch(`/api/patients/${visit.patientId}`, { address })).status).toBe(200);
  return visit;
}

async function balance(patientId: string) {
  return (await billing.get(`/api/patients/${patientId}/balance`)).body;
}

const parse = (edi: string) => new X12Parser(true).parse(edi) as X12Interchange;

describe('building and checking a claim', () => {
  it('lists every missing item as a clear message, refuses to submit, and is ready once the records are fixed', async () => {
    const { encounterId, patientId } = await s.signedVisit({ copayCents: 5_000 });
    const created = await billing.post('/api/claims', { encounterId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const claim = created.body;
    expect(claim).toMatchObject({ status: 'draft', rank: 'primary', patientId, totalCents: 12_500 });
    expect(claim.lines).toEqual([
      expect.objectContaining({ lineNumber: 1, code: '99213', chargeCents: 12_500, diagnosisPointers: [1] }),
    ]);
    expect(claim.data.diagnosisCodes).toEqual(['J111']);
    const messages = claim.problems.map((p: { message: string }) => p.message).join('\n');
    expect(messages).toMatch(/clinic’s billing NPI/);
    expect(messages).toMatch(/tax ID \(EIN\)/);
    expect(messages).toMatch(/NPI under Providers/);
    expect(messages).toMatch(/Blue Harbor Health’s payer ID/);
    expect(messages).toMatch(/patient’s address/);

    const refused = await billing.post(`/api/claims/${claim.id}/submit`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { message: string }) => f.message)).toEqual(
      claim.problems.map((p: { message: string }) => p.message),
    );
    expect((await billing.get(`/api/claims/${claim.id}`)).body.status).toBe('draft');

    await setUpBilling();
    expect((await s.reception.patch(`/api/patients/${patientId}`, { address })).status).toBe(200);
    const checked = await billing.post(`/api/claims/${claim.id}/check`);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ status: 'ready', problems: [] });
    expect(checked.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['draft', 'ready']);

    const again = await billing.post('/api/claims', { encounterId });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/claimed already/);
  });

  it('refuses a visit that is not signed, a patient without coverage, and the front desk', async () => {
    const patientId = await s.addPatient();
    const visit = (await s.doctor.post('/api/encounters', { patientId, providerId: s.providerId })).body;
    const unsigned = await billing.post('/api/claims', { encounterId: visit.id });
    expect(unsigned.status).toBe(409);
    expect(unsigned.body.error.message).toMatch(/Sign the visit first/);

    const selfPay = await s.signedVisit();
    const none = await billing.post('/api/claims', { encounterId: selfPay.encounterId });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toMatch(/no primary coverage/);
    expect((await s.reception.post('/api/claims', { encounterId: selfPay.encounterId })).status).toBe(403);
  });

  it('takes modifiers, and refuses a pointer to a diagnosis the claim does not have', async () => {
    await setUpBilling();
    const { encounterId } = await visitWithAddress();
    const claim = (await billing.post('/api/claims', { encounterId })).body;
    const lineId = claim.lines[0].id;
    const modified = await billing.patch(`/api/claims/${claim.id}`, { lines: [{ id: lineId, modifiers: ['25'] }] });
    expect(modified.status).toBe(200);
    expect(modified.body.lines[0].modifiers).toEqual(['25']);
    const wrong = await billing.patch(`/api/claims/${claim.id}`, { lines: [{ id: lineId, diagnosisPointers: [3] }] });
    expect(wrong.body.status).toBe('draft');
    expect(wrong.body.problems).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/points at diagnosis 3, which the claim does not have/),
      }),
    ]);
    const bad = await billing.patch(`/api/claims/${claim.id}`, { lines: [{ id: lineId, modifiers: ['2'] }] });
    expect(bad.status).toBe(400);
  });
});

describe('submitting and exporting', () => {
  it('freezes the submitted data, exports two claims in one 837P and prints the CMS-1500 form', async () => {
    await setUpBilling();
    const claims = [];
    for (let i = 0; i < 2; i++) {
      const { encounterId } = await visitWithAddress();
      const claim = (await billing.post('/api/claims', { encounterId })).body;
      expect(claim.status).toBe('ready');
      const submitted = await billing.post(`/api/claims/${claim.id}/submit`);
      expect(submitted.status).toBe(200);
      expect(submitted.body.submittedAt).not.toBeNull();
      claims.push(submitted.body);
    }
    // A later change to the records does not change what was submitted.
    expect((await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1326047580' })).status).toBe(200);
    const frozen = (await billing.get(`/api/claims/${claims[0].id}`)).body;
    expect(frozen.data.renderingProvider.npi).toBe('1234567893');
    expect(frozen.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['draft', 'ready', 'submitted']);
    await s.admin.patch(`/api/providers/${s.providerId}`, { npi: '1234567893' });

    const exported = await t.app.inject({
      method: 'GET',
      url: `/api/claims/export/837p?ids=${claims.map((c) => c.id).join(',')}`,
      headers: { cookie: billing.cookie },
    });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="claims-837p-\d{9}\.x12"/);
    const interchange = parse(exported.body);
    const transaction = interchange.functionalGroups[0].transactions[0];
    const tags = transaction.segments.map((segment) => segment.tag);
    expect(tags.filter((tag) => tag === 'CLM')).toHaveLength(2);
    const clm = transaction.segments.filter((segment) => segment.tag === 'CLM');
    expect(clm.map((segment) => segment.elements[0].value)).toEqual(claims.map((c) => String(c.number)));
    expect(clm.map((segment) => segment.elements[1].value)).toEqual(['125', '125']);
    const billingProvider = transaction.segments.find(
      (segment) => segment.tag === 'NM1' && segment.elements[0].value === '85',
    );
    expect(billingProvider?.elements.at(-1)?.value).toBe('1245319599');
    const members = transaction.segments
      .filter((segment) => segment.tag === 'NM1' && segment.elements[0].value === 'IL')
      .map((segment) => segment.elements.at(-1)?.value);
    expect(members).toEqual(claims.map((c) => c.data.subscriber.memberId));
    expect(exported.body).toMatch(/REF\*EI\*123456789~/);

    const form = await t.app.inject({
      method: 'GET',
      url: `/api/claims/${claims[0].id}/pdf`,
      headers: { cookie: billing.cookie },
    });
    expect(form.headers['content-type']).toBe('application/pdf');
    const text = pdfText(form.rawPayload);
    expect(text).toContain(claims[0].data.subscriber.memberId);
    expect(text).toContain('99213');
    expect(text).toContain('J111');
  });

  it('refuses a draft in an export, and claims of another clinic', async () => {
    const { encounterId } = await s.signedVisit({ copayCents: 1_000 });
    const draft = (await billing.post('/api/claims', { encounterId })).body;
    expect(draft.status).toBe('draft');
    const refused = await billing.get(`/api/claims/export/837p?ids=${draft.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields[0].message).toMatch(/Only ready or submitted claims/);

    const other = await t.createClinic();
    const outsider = await t.signIn(await other.addUser('billing'));
    expect((await outsider.get(`/api/claims/${draft.id}`)).status).toBe(404);
    expect((await outsider.get(`/api/claims/export/837p?ids=${draft.id}`)).status).toBe(400);
  });
});

describe('the insurer’s answer and payment', () => {
  async function submittedClaim(coverage?: { copayCents?: number; coinsuranceBps?: number }) {
    await setUpBilling();
    const visit = await visitWithAddress(coverage);
    const claim = (await billing.post('/api/claims', { encounterId: visit.encounterId })).body;
    const submitted = await billing.post(`/api/claims/${claim.id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    return { ...visit, claim: submitted.body };
  }

  it('posts an EOB per line: payment, contractual write-off at the contracted rate, the copay left to the patient', async () => {
    // Blue Harbor's contract allows $100.00 for 99213 (billed $125.00).
    const fee = await billing.post(`/api/services/${s.serviceId}/fees`, {
      payerId: s.payerId,
      feeCents: 10_000,
      validFrom: '2020-01-01',
    });
    expect(fee.status, JSON.stringify(fee.body)).toBe(201);
    const { claim, patientId } = await submittedClaim({ copayCents: 5_000 });
    expect(claim.lines[0].allowedCents).toBe(10_000);
    expect((await billing.post(`/api/claims/${claim.id}/status`, { status: 'accepted' })).body.status).toBe('accepted');

    const eob = {
      reference: `EFT-${claim.number}`,
      method: 'eft',
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: claim.lines[0].id, paidCents: 5_000, patientCents: 5_000, reasonCode: 'CO-45' }],
    };
    const posted = await billing.post(`/api/claims/${claim.id}/remittance`, eob);
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(posted.body).toMatchObject({ status: 'paid', paidCents: 5_000, balanceCents: 0 });
    expect(posted.body.lines[0]).toMatchObject({ paidCents: 5_000, balanceCents: 0, adjudication: 'paid' });
    expect(posted.body.history.at(-1)).toMatchObject({ fromStatus: 'accepted', toStatus: 'paid' });
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 5_000, insurerBalanceCents: 0 });

    // The same EOB twice is refused, and changes nothing.
    const twice = await billing.post(`/api/claims/${claim.id}/remittance`, eob);
    expect(twice.status).toBe(409);
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 5_000, insurerBalanceCents: 0 });
  });

  it('leaves an underpayment against the contract owed by the insurer, and a denied line unworked', async () => {
    const under = await submittedClaim({ copayCents: 5_000 });
    const posted = await billing.post(`/api/claims/${under.claim.id}/remittance`, {
      reference: `CHK-${under.claim.number}`,
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: under.claim.lines[0].id, paidCents: 4_000, patientCents: 5_000 }],
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(200);
    expect(posted.body).toMatchObject({ status: 'partially_paid', paidCents: 4_000, balanceCents: 1_000 });
    expect(posted.body.history.at(-1).note).toMatch(/underpaid: line 1 \$10\.00 under the contract/);

    const denied = await submittedClaim({ copayCents: 5_000 });
    const answer = await billing.post(`/api/claims/${denied.claim.id}/remittance`, {
      receivedOn: '2026-11-20',
      lines: [
        { claimLineId: denied.claim.lines[0].id, paidCents: 0, patientCents: 0, denied: true, reasonCode: 'CO-97' },
      ],
    });
    expect(answer.body).toMatchObject({ status: 'denied', paidCents: 0, balanceCents: 7_500 });
    const work = (await billing.get('/api/worklists/denied-claims')).body.items.map((c: { id: string }) => c.id);
    expect(work).toEqual(expect.arrayContaining([under.claim.id, denied.claim.id]));
  });

  it('moves what the primary insurer left to a secondary claim, paid by the second insurer', async () => {
    // No copay, no contract with the second insurer: the primary pays $60, the patient's $40 deductible goes on.
    const secondPayer = (await s.admin.post('/api/payers', { name: `Second Mutual ${Date.now()}`, payerCode: 'SM02' }))
      .body.id;
    const { claim, patientId, encounterId } = await submittedClaim({ coinsuranceBps: 0 });
    const added = await s.reception.post(`/api/patients/${patientId}/coverages`, {
      payerId: secondPayer,
      rank: 'secondary',
      memberId: 'SEC123',
      validFrom: '2020-01-01',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const primary = await billing.post(`/api/claims/${claim.id}/remittance`, {
      reference: `P-${claim.number}`,
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: claim.lines[0].id, paidCents: 6_000, patientCents: 4_000 }],
    });
    expect(primary.status, JSON.stringify(primary.body)).toBe(200);
    expect(primary.body).toMatchObject({ status: 'paid', balanceCents: 0 });
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 0, insurerBalanceCents: 4_000 });

    const [secondary] = (await billing.get(`/api/claims?encounterId=${encounterId}&status=ready,draft`)).body.items;
    expect(secondary).toMatchObject({ rank: 'secondary', payerId: secondPayer, balanceCents: 4_000 });
    expect(secondary.data.priorPaidCents).toBe(6_000);
    expect(secondary.data.priorPayer).toMatchObject({ name: 'Blue Harbor Health', payerId: 'BHH01' });
    expect((await billing.post(`/api/claims/${secondary.id}/submit`)).status).toBe(200);
    // The 837P names the primary insurer and what it paid (2320/2330B).
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/claims/export/837p?ids=${secondary.id}`,
      headers: { cookie: billing.cookie },
    });
    expect(file.body).toMatch(/SBR\*S\*18/);
    expect(file.body).toMatch(/AMT\*D\*60~/);
    expect(file.body).toMatch(/NM1\*PR\*2\*BLUE HARBOR HEALTH\*{5}PI\*BHH01~/);
    const paid = await billing.post(`/api/claims/${secondary.id}/remittance`, {
      reference: `S-${secondary.number}`,
      receivedOn: '2026-11-25',
      lines: [{ claimLineId: secondary.lines[0].id, paidCents: 3_000, patientCents: 1_000 }],
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paidCents: 3_000, balanceCents: 0 });
    expect(await balance(patientId)).toMatchObject({ patientBalanceCents: 1_000, insurerBalanceCents: 0 });
  });

  it('refuses an EOB for a claim not yet submitted, and amounts beyond the charge', async () => {
    await setUpBilling();
    const { encounterId } = await visitWithAddress();
    const claim = (await billing.post('/api/claims', { encounterId })).body;
    const early = await billing.post(`/api/claims/${claim.id}/remittance`, {
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: claim.lines[0].id, paidCents: 100, patientCents: 0 }],
    });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/is ready: it cannot become paid/);
    await billing.post(`/api/claims/${claim.id}/submit`);
    const over = await billing.post(`/api/claims/${claim.id}/remittance`, {
      receivedOn: '2026-11-20',
      lines: [{ claimLineId: claim.lines[0].id, paidCents: 10_000, patientCents: 5_000 }],
    });
    expect(over.status).toBe(400);
    expect(over.body.error.fields[0].message).toMatch(/more than its charge of \$125\.00/);
    expect((await billing.get(`/api/claims/${claim.id}`)).body).toMatchObject({ status: 'submitted', paidCents: 0 });
  });
});

describe('work lists', () => {
  it('lists charges not yet billed, and claims submitted and unpaid after N days', async () => {
    await setUpBilling();
    const { encounterId, charge } = await visitWithAddress();
    const unbilled = async () =>
      (await billing.get('/api/worklists/unbilled-charges')).body.items.find(
        (row: { chargeId: string }) => row.chargeId === charge.id,
      );
    expect((await unbilled()).missing).toEqual(['claim', 'invoice']);
    const claim = (await billing.post('/api/claims', { encounterId })).body;
    expect((await unbilled()).missing).toEqual(['invoice']);
    expect((await billing.post('/api/invoices', { encounterId })).status).toBe(201);
    expect(await unbilled()).toBeUndefined();

    await billing.post(`/api/claims/${claim.id}/submit`);
    const unpaid = async (days: number) =>
      (await billing.get(`/api/worklists/unpaid-claims?olderThanDays=${days}`)).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await unpaid(0)).toContain(claim.id);
    expect(await unpaid(30)).not.toContain(claim.id);
  });
});
