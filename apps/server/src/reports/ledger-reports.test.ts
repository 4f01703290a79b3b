import { newId, schema } from '@tend/db';
import { RECONCILIATION_BILL_DAYS, RECONCILIATION_INVOICE_DAYS, todayIn } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import {
  at,
  balanceNow,
  FROM,
  type LedgerFixture,
  ledgerFixture,
  localDateOf,
  plusDays,
  type RawCharge,
  TO,
  TZ,
} from './ledger-fixture';

/**
 * The Day sheet and the Reconciliation report against a generated, deterministic ledger
 * (ledger-fixture.ts), their expected figures computed here from the raw rows in plain
 * TypeScript: local dates through Intl, the A/R at every local midnight summed from the rows
 * posted before it. The range holds the end of daylight saving time (Sunday 2026-11-01), charges
 * entered after midnight for 23:30 visits, and a payment at 23:30 on the range's last day.
 */

let t: TestApp;
let f: LedgerFixture;

beforeAll(async () => {
  t = await createTestApp();
  f = await ledgerFixture(t, 23);
});
afterAll(() => t?.close());

const mondayOf = (date: string) => plusDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
const days = (from: string, to: string) => {
  const list: string[] = [];
  for (let d = from; d <= to; d = plusDays(d, 1)) list.push(d);
  return list;
};

// ---- Day sheet: every ledger entry, dated by the local date of its posting instant ----------

type Metric = 'charges' | 'voids' | 'patient_payments' | 'insurer_payments' | 'adjustments' | 'refunds';
interface Entry {
  metric: Metric;
  id: string;
  at: Date;
  cents: number;
  charge: RawCharge;
}

function entries(): Entry[] {
  const list: Entry[] = [];
  const charge = (id: string) => f.charges.find((c) => c.id === id) as RawCharge;
  const afterVoid = (c: RawCharge, when: Date) => c.voidedAt !== null && when.getTime() >= c.voidedAt.getTime();
  for (const c of f.charges) {
    list.push({ metric: 'charges', id: c.id, at: c.createdAt, cents: c.amountCents, charge: c });
    if (c.voidedAt) {
      const before = (when: Date) => when.getTime() < (c.voidedAt as Date).getTime();
      const paid = f.allocations.filter((a) => a.chargeId === c.id && before(a.createdAt));
      const adjusted = f.adjustments.filter((d) => d.chargeId === c.id && before(d.postedAt));
      const owed =
        c.amountCents -
        paid.reduce((sum, a) => sum + a.amountCents, 0) -
        adjusted.reduce((sum, d) => sum + d.amountCents, 0);
      list.push({ metric: 'voids', id: c.id, at: c.voidedAt, cents: owed, charge: c });
    }
  }
  for (const a of f.allocations) {
    const c = charge(a.chargeId);
    if (afterVoid(c, a.createdAt)) continue;
    const payment = f.payments.find((p) => p.id === a.paymentId);
    if (!payment) throw new Error('allocation without payment');
    const metric: Metric = payment.reversesId
      ? 'refunds'
      : payment.source === 'patient'
        ? 'patient_payments'
        : 'insurer_payments';
    list.push({
      metric,
      id: a.id,
      at: a.createdAt,
      cents: payment.reversesId ? -a.amountCents : a.amountCents,
      charge: c,
    });
  }
  for (const d of f.adjustments) {
    const c = charge(d.chargeId);
    if (afterVoid(c, d.postedAt)) continue;
    list.push({ metric: 'adjustments', id: d.id, at: d.postedAt, cents: d.amountCents, charge: c });
  }
  return list;
}

/** A/R at an instant, from the raw rows alone: live charges less what was paid and adjusted before it. */
function arAt(instant: Date, keep: (c: RawCharge) => boolean = () => true): number {
  const T = instant.getTime();
  const credits = creditsByCharge();
  let total = 0;
  for (const c of f.charges) {
    if (!keep(c) || c.createdAt.getTime() >= T) continue;
    if (c.voidedAt && c.voidedAt.getTime() < T) continue;
    total += c.amountCents;
    for (const credit of credits.get(c.id) ?? []) if (credit.at < T) total -= credit.cents;
  }
  return total;
}

let credits: Map<string, Array<{ at: number; cents: number }>> | undefined;
/** Each charge's allocations and adjustments (instant, amount), read once. */
function creditsByCharge() {
  if (credits) return credits;
  const map = new Map<string, Array<{ at: number; cents: number }>>();
  const add = (chargeId: string, at: Date, cents: number) =>
    map.set(chargeId, [...(map.get(chargeId) ?? []), { at: at.getTime(), cents }]);
  for (const a of f.allocations) add(a.chargeId, a.createdAt, a.amountCents);
  for (const d of f.adjustments) add(d.chargeId, d.postedAt, d.amountCents);
  credits = map;
  return map;
}

function dayFigures(list: Entry[]) {
  const sum = (metric: Metric) => list.filter((e) => e.metric === metric).reduce((total, e) => total + e.cents, 0);
  const changes = {
    chargesCount: list.filter((e) => e.metric === 'charges').length,
    chargesCents: sum('charges'),
    voidsCents: sum('voids'),
    patientPaymentsCents: sum('patient_payments'),
    insurerPaymentsCents: sum('insurer_payments'),
    adjustmentsCents: sum('adjustments'),
    refundsCents: sum('refunds'),
  };
  return {
    ...changes,
    netChangeCents:
      changes.chargesCents -
      changes.voidsCents -
      changes.patientPaymentsCents -
      changes.insurerPaymentsCents -
      changes.adjustmentsCents +
      changes.refundsCents,
  };
}

const inLocal = (from: string, to: string) => (e: Entry) => localDateOf(e.at) >= from && localDateOf(e.at) <= to;

describe('the Day sheet', () => {
  it('ties out every day: A/R at start + charges − voids − payments − adjustments + refunds = A/R at end, to the cent', async () => {
    const response = await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=day`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'day-sheet', group: 'day', timezone: TZ });
    const all = entries();
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual(days(FROM, TO));
    for (const row of response.body.rows) {
      const v = row.values;
      const start = arAt(at(row.period, '00:00'));
      const end = arAt(at(plusDays(row.period, 1), '00:00'));
      expect(v.arStartCents, `${row.period} A/R at start`).toBe(start);
      expect(v.arEndCents, `${row.period} A/R at end`).toBe(end);
      expect(v, row.period).toMatchObject(dayFigures(all.filter(inLocal(row.period, row.period))));
      expect(
        v.arStartCents +
          v.chargesCents -
          v.voidsCents -
          v.patientPaymentsCents -
          v.insurerPaymentsCents -
          v.adjustmentsCents +
          v.refundsCents,
        row.period,
      ).toBe(v.arEndCents);
    }
    const totals = response.body.totals;
    expect(totals).toMatchObject(dayFigures(all.filter(inLocal(FROM, TO))));
    expect(totals.arStartCents).toBe(arAt(at(FROM, '00:00')));
    expect(totals.arEndCents).toBe(arAt(at(plusDays(TO, 1), '00:00')));
    // Every kind of entry occurs in the range.
    for (const key of [
      'voidsCents',
      'patientPaymentsCents',
      'insurerPaymentsCents',
      'adjustmentsCents',
      'refundsCents',
    ])
      expect(totals[key], key).toBeGreaterThan(0);
  });

  it('ends on the A/R the A/R aging shows once everything is posted: the two share the receivables, to the cent', async () => {
    // The aging is today's balances; the day sheet's A/R is as of a moment: they meet after the last posting.
    const last = [
      ...f.charges.flatMap((c) => [c.createdAt, ...(c.voidedAt ? [c.voidedAt] : [])]),
      ...f.allocations.map((a) => a.createdAt),
      ...f.adjustments.map((d) => d.postedAt),
    ]
      .map(localDateOf)
      .sort()
      .at(-1) as string;
    const [sheet, aging] = await Promise.all([
      f.manager.get(`/api/reports/day-sheet?from=${plusDays(last, -6)}&to=${last}&group=day`),
      f.manager.get(`/api/reports/ar-aging?asOf=${last}`),
    ]);
    expect(sheet.status).toBe(200);
    expect(aging.status).toBe(200);
    const expected = f.charges.reduce((sum, c) => sum + balanceNow(f, c).insurer + balanceNow(f, c).patient, 0);
    expect(expected).toBeGreaterThan(0);
    expect(aging.body.totals.insurer.total + aging.body.totals.patient.total).toBe(expected);
    expect(sheet.body.totals.arEndCents).toBe(expected);
  });

  it('counts a payment at 23:30 on the last day, not the one at 00:30 the day after; a DST week is 7 local days', async () => {
    const byDay = (await f.manager.get(`/api/reports/day-sheet?from=${TO}&to=${TO}&group=day`)).body;
    const rows = await f.manager.get(`/api/reports/day-sheet/rows?from=${TO}&to=${TO}&metric=patient_payments`);
    expect(rows.status).toBe(200);
    const ids = rows.body.items.map((item: { id: string }) => item.id);
    const allocation = (paymentId: string) => f.allocations.find((a) => a.paymentId === paymentId)?.id;
    expect(ids).toContain(allocation(f.lastDayPaymentId));
    expect(ids).not.toContain(allocation(f.nextDayPaymentId));
    expect(byDay.totals.patientPaymentsCents).toBe(
      entries()
        .filter((e) => e.metric === 'patient_payments' && localDateOf(e.at) === TO)
        .reduce((sum, e) => sum + e.cents, 0),
    );
    const byWeek = (await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=week`)).body;
    expect(byWeek.rows.map((row: { period: string }) => row.period)).toEqual([
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
    ]);
    const dst = byWeek.rows[1];
    expect(dst.to).toBe('2026-11-01');
    expect(dst.values).toMatchObject({
      ...dayFigures(entries().filter(inLocal('2026-10-26', '2026-11-01'))),
      arStartCents: arAt(at('2026-10-26', '00:00')),
      arEndCents: arAt(at('2026-11-02', '00:00')),
    });
    // Consecutive weeks chain: each starts where the previous ended.
    for (let i = 1; i < byWeek.rows.length; i++) {
      expect(byWeek.rows[i].values.arStartCents).toBe(byWeek.rows[i - 1].values.arEndCents);
    }
    const month = (await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=month`)).body;
    expect(month.rows[1].values.arEndCents).toBe(arAt(at(plusDays(TO, 1), '00:00')));
  });

  it('groups by provider and by location with each one’s own A/R, and filters by location', async () => {
    const all = entries().filter(inLocal(FROM, TO));
    const byProvider = (await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=provider`)).body;
    expect(byProvider.rows.map((row: { period: string }) => row.period).sort()).toEqual([...f.providerIds].sort());
    for (const row of byProvider.rows) {
      const mine = (c: RawCharge) => c.providerId === row.period;
      expect(row.filter).toEqual({ providerId: row.period });
      expect(row.values).toMatchObject({
        ...dayFigures(all.filter((e) => mine(e.charge))),
        arStartCents: arAt(at(FROM, '00:00'), mine),
        arEndCents: arAt(at(plusDays(TO, 1), '00:00'), mine),
      });
    }
    const location = f.locationIds[1];
    const here = (c: RawCharge) => c.locationId === location;
    const filtered = (
      await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=week&locationId=${location}`)
    ).body;
    expect(filtered.totals).toMatchObject({
      ...dayFigures(all.filter((e) => here(e.charge))),
      arStartCents: arAt(at(FROM, '00:00'), here),
      arEndCents: arAt(at(plusDays(TO, 1), '00:00'), here),
    });
  });

  it('lists the entries behind every figure, as many as it counts, summing to it', async () => {
    const week = { from: '2026-10-26', to: '2026-11-01' };
    const inWeek = entries().filter(inLocal(week.from, week.to));
    for (const metric of [
      'charges',
      'voids',
      'patient_payments',
      'insurer_payments',
      'adjustments',
      'refunds',
    ] as const) {
      const rows = await f.manager.get(`/api/reports/day-sheet/rows?from=${week.from}&to=${week.to}&metric=${metric}`);
      expect(rows.status, JSON.stringify(rows.body)).toBe(200);
      const expected = inWeek.filter((e) => e.metric === metric);
      expect(rows.body.total, metric).toBe(expected.length);
      expect(rows.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual(
        expected.map((e) => e.id).sort(),
      );
      expect(
        rows.body.items.reduce((sum: number, item: { values: { amount: number } }) => sum + item.values.amount, 0),
        metric,
      ).toBe(expected.reduce((sum, e) => sum + e.cents, 0));
    }
    const csv = await f.manager.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}&group=week`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(String(csv.body).split('\r\n')[0]).toBe(
      'Period,A/R at start,Charges entered (count),Charges entered,Voided charges,Patient payments,Insurer payments,Adjustments,Refunds,Net change in A/R,A/R at end',
    );
  });
});

// ---- Reconciliation: the ledger now, for what is dated in the range ---------------------------

function expectedReconciliation(from: string, to: string) {
  const today = todayIn(TZ);
  const inRange = (date: string) => date >= from && date <= to;
  const openCharges = (encounterId: string | null) =>
    f.charges.filter((c) => c.encounterId === encounterId && !c.voidedAt);
  const visits = f.visits.filter((v) =>
    v.appointmentStatus === 'completed'
      ? inRange(localDateOf(v.start)) && openCharges(v.encounterId).length === 0
      : v.appointmentId === null && v.signed && inRange(v.serviceDate) && openCharges(v.encounterId).length === 0,
  );
  const paid = (c: RawCharge, side: 'insurer' | 'patient') =>
    f.allocations
      .filter((a) => a.chargeId === c.id && a.responsibility === side)
      .reduce((s, a) => s + a.amountCents, 0) > 0;
  const unbilled = f.charges.flatMap((c) => {
    if (c.voidedAt || !inRange(c.serviceDate) || c.serviceDate > plusDays(today, -RECONCILIATION_BILL_DAYS)) return [];
    const owed = balanceNow(f, c);
    const claimed = f.claims.some((k) => k.submittedAt && k.chargeIds.includes(c.id));
    const invoiced = f.invoices.some((v) => v.chargeIds.includes(c.id));
    const insurer = owed.insurer > 0 && !paid(c, 'insurer') && !claimed;
    const patient = owed.patient > 0 && !paid(c, 'patient') && !invoiced;
    if (!insurer && !patient) return [];
    return [
      {
        id: c.id,
        date: c.serviceDate,
        providerId: c.providerId,
        cents: (insurer ? owed.insurer : 0) + (patient ? owed.patient : 0),
      },
    ];
  });
  const claims = f.claims.filter((k) => {
    if (!k.submittedAt || !['submitted', 'accepted', 'paid'].includes(k.status) || !inRange(k.serviceDate))
      return false;
    const own = f.payments.some(
      (p) => p.claimId === k.id && !p.reversesId && !f.payments.some((r) => r.reversesId === p.id),
    );
    const byPayer = f.allocations
      .filter((a) => k.chargeIds.includes(a.chargeId) && a.responsibility === 'insurer')
      .filter((a) => f.payments.find((p) => p.id === a.paymentId)?.payerId === k.payerId)
      .reduce((sum, a) => sum + a.amountCents, 0);
    return !own && byPayer <= 0;
  });
  const invoices = f.invoices.flatMap((v) => {
    if (!inRange(v.issuedOn) || v.issuedOn > plusDays(today, -RECONCILIATION_INVOICE_DAYS)) return [];
    const owed = v.chargeIds.reduce(
      (sum, id) => sum + balanceNow(f, f.charges.find((c) => c.id === id) as RawCharge).patient,
      0,
    );
    const first = f.charges.find((c) => c.id === v.chargeIds[0]) as RawCharge;
    return owed > 0 ? [{ id: v.id, date: v.issuedOn, providerId: first.providerId, cents: owed }] : [];
  });
  return {
    visits: visits.map((v) => ({
      id: v.appointmentStatus === 'completed' ? (v.appointmentId as string) : (v.encounterId as string),
      date: v.appointmentStatus === 'completed' ? localDateOf(v.start) : v.serviceDate,
      providerId: v.providerId,
    })),
    unbilled,
    claims: claims.map((k) => ({ id: k.id, date: k.serviceDate, providerId: k.providerId, cents: k.totalCents })),
    invoices,
  };
}

type Item = { date: string; providerId: string; cents?: number };
function reconciliationFigures(e: ReturnType<typeof expectedReconciliation>, keep: (item: Item) => boolean) {
  const sum = (items: Item[]) => items.filter(keep).reduce((total, item) => total + (item.cents ?? 0), 0);
  return {
    visitsUncharged: e.visits.filter(keep).length,
    chargesUnbilled: e.unbilled.filter(keep).length,
    chargesUnbilledCents: sum(e.unbilled),
    claimsUnpaid: e.claims.filter(keep).length,
    claimsUnpaidCents: sum(e.claims),
    invoicesOverdue: e.invoices.filter(keep).length,
    invoicesOverdueCents: sum(e.invoices),
  };
}

describe('the Reconciliation report', () => {
  it('finds visits without a charge, charges not billed, claims without payment and old unpaid invoices, per week', async () => {
    const response = await f.manager.get(`/api/reports/reconciliation?from=${FROM}&to=${TO}&group=week`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const expected = expectedReconciliation(FROM, TO);
    expect(response.body.totals).toEqual(reconciliationFigures(expected, () => true));
    for (const row of response.body.rows) {
      expect(row.values, row.period).toEqual(
        reconciliationFigures(expected, (item) => mondayOf(item.date) === row.period),
      );
    }
    for (const key of ['visitsUncharged', 'chargesUnbilled', 'claimsUnpaid', 'invoicesOverdue'])
      expect(response.body.totals[key], key).toBeGreaterThan(0);
  });

  it('groups by provider and by day, and each figure drills down to exactly its rows', async () => {
    const expected = expectedReconciliation(FROM, TO);
    const byProvider = (await f.manager.get(`/api/reports/reconciliation?from=${FROM}&to=${TO}&group=provider`)).body;
    for (const row of byProvider.rows) {
      expect(row.values).toEqual(reconciliationFigures(expected, (item) => item.providerId === row.period));
    }
    const byDay = (await f.manager.get(`/api/reports/reconciliation?from=${FROM}&to=${TO}&group=day`)).body;
    expect(byDay.rows).toHaveLength(28);
    const lists = {
      visits_uncharged: expected.visits,
      charges_unbilled: expected.unbilled,
      claims_unpaid: expected.claims,
      invoices_overdue: expected.invoices,
    };
    for (const [metric, items] of Object.entries(lists)) {
      const rows = await f.manager.get(`/api/reports/reconciliation/rows?from=${FROM}&to=${TO}&metric=${metric}`);
      expect(rows.status, JSON.stringify(rows.body)).toBe(200);
      expect(rows.body.total, metric).toBe(items.length);
      expect(rows.body.items.map((item: { id: string }) => item.id).sort(), metric).toEqual(
        items.map((item) => item.id).sort(),
      );
      for (const item of rows.body.items) expect(item.values.detail, metric).not.toBe('');
    }
  });

  it('follows a charge out of "charges not billed" and back: paid, the payment reversed, invoiced', async () => {
    // Each step through the app, then the fixture's rows brought up to date from the database and
    // the whole report compared with the plain computation again.
    const exact = async (step: string) => {
      const expected = expectedReconciliation(FROM, TO);
      const response = await f.manager.get(`/api/reports/reconciliation?from=${FROM}&to=${TO}&group=week`);
      expect(response.body.totals, step).toEqual(reconciliationFigures(expected, () => true));
      const rows = await f.manager.get(
        `/api/reports/reconciliation/rows?from=${FROM}&to=${TO}&metric=charges_unbilled`,
      );
      expect(rows.body.items.map((item: { id: string }) => item.id).sort(), step).toEqual(
        expected.unbilled.map((item) => item.id).sort(),
      );
      return expected.unbilled.map((item) => item.id);
    };
    const allocationsOf = async (paymentId: string) =>
      (await t.database.db.select().from(schema.allocations).where(eq(schema.allocations.paymentId, paymentId))).map(
        (a) => ({ ...a, responsibility: a.responsibility as 'insurer' | 'patient' }),
      );
    const before = await exact('before');
    // A patient side never paid and not invoiced, on a visit without an invoice yet.
    const charge = f.charges.find(
      (c) =>
        before.includes(c.id) &&
        balanceNow(f, c).patient > 0 &&
        !f.invoices.some((v) => v.encounterId === c.encounterId) &&
        !f.allocations.some((a) => a.chargeId === c.id && a.responsibility === 'patient'),
    );
    if (!charge) throw new Error('the fixture has no unbilled patient side to follow');

    const paid = await f.s.billing.post('/api/payments', {
      source: 'patient',
      patientId: charge.patientId,
      method: 'cash',
      amountCents: 100,
      receivedOn: todayIn(TZ),
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 100 }],
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    f.payments.push({ ...paid.body, postedAt: new Date(paid.body.postedAt), claimId: null });
    f.allocations.push(...(await allocationsOf(paid.body.id)));
    expect(await exact('paid')).not.toContain(charge.id);

    const reversed = await f.s.billing.post(`/api/payments/${paid.body.id}/reverse`, { reason: 'Card declined' });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    f.payments.push({ ...reversed.body, postedAt: new Date(reversed.body.postedAt), claimId: null });
    f.allocations.push(...(await allocationsOf(reversed.body.id)));
    expect(await exact('reversed')).toContain(charge.id);

    const invoice = await f.s.billing.post('/api/invoices', { encounterId: charge.encounterId });
    expect(invoice.status, JSON.stringify(invoice.body)).toBe(201);
    const lines = await t.database.db
      .select({ chargeId: schema.invoiceLines.chargeId })
      .from(schema.invoiceLines)
      .where(eq(schema.invoiceLines.invoiceId, invoice.body.id));
    expect(lines.map((line) => line.chargeId)).toContain(charge.id);
    f.invoices.push({
      id: invoice.body.id,
      number: invoice.body.number,
      patientId: charge.patientId,
      encounterId: charge.encounterId,
      issuedOn: invoice.body.issuedOn,
      chargeIds: lines.map((line) => line.chargeId),
    });
    await exact('invoiced');
  });

  it('says what to fix in a bad query, and is for managers', async () => {
    const bad = await f.manager.get(`/api/reports/reconciliation?from=${FROM}&to=${TO}&group=payer`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].message).toBe(
      'The reconciliation report can be grouped by week, day, month, provider, location.',
    );
    const metric = await f.manager.get(`/api/reports/day-sheet/rows?from=${FROM}&to=${TO}&metric=cash`);
    expect(metric.status).toBe(400);
    expect((await f.s.reception.get(`/api/reports/day-sheet?from=${FROM}&to=${TO}`)).status).toBe(403);
  });
  it('stays exact when postings follow a read: a payment today, an adjustment posted before the range', async () => {
    const today = todayIn(TZ);
    const from = plusDays(today, -6);
    const sheet = async () => {
      const response = await f.manager.get(`/api/reports/day-sheet?from=${from}&to=${today}&group=day`);
      expect(response.status).toBe(200);
      return response.body;
    };
    const before = await sheet();
    const charge = f.charges.find((c) => !c.voidedAt && balanceNow(f, c).patient >= 500);
    if (!charge) throw new Error('the fixture has no charge with a patient balance');
    const paid = await f.s.reception.post('/api/payments', {
      source: 'patient',
      patientId: charge.patientId,
      method: 'cash',
      amountCents: 300,
      receivedOn: today,
      allocations: [{ chargeId: charge.id, responsibility: 'patient', amountCents: 300 }],
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    // Written straight to the database, dated the evening before the range: only the A/R at its start moves.
    await t.database.db.insert(schema.adjustments).values({
      id: newId(),
      clinicId: f.clinicId,
      chargeId: charge.id,
      responsibility: 'patient',
      kind: 'discount',
      amountCents: 200,
      reason: 'Courtesy',
      postedAt: at(plusDays(from, -1), '22:00'),
    });

    const after = await sheet();
    expect(after.totals.patientPaymentsCents).toBe(before.totals.patientPaymentsCents + 300);
    expect(after.totals.adjustmentsCents).toBe(before.totals.adjustmentsCents);
    expect(after.totals.arStartCents).toBe(before.totals.arStartCents - 200);
    expect(after.totals.arEndCents).toBe(before.totals.arEndCents - 500);
    const todayRow = after.rows.find((row: { period: string }) => row.period === today);
    expect(todayRow.values.patientPaymentsCents).toBe(
      before.rows.find((row: { period: string }) => row.period === today).values.patientPaymentsCents + 300,
    );
  });
});
