import { newId, schema } from '@tend/db';
import { zonedTimeToInstant } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchedulingScenario, schedulingScenario } from '../scheduling/scenario';
import { localDateIn, mondayOf, plusDays, seeded } from '../test/generated';
import { type ApiClient, createTestApp, type TestApp, unique } from '../test/harness';

/**
 * The Revenue report against a generated, deterministic ledger (visits, charges, payments with
 * their allocations, refunds, adjustments, inserted with chosen dates), its expected figures
 * computed here from the raw rows in plain TypeScript. The range holds the end of daylight saving
 * time in New York (Sunday 2030-11-03), payments and adjustments at 23:30 local time (the next
 * day in UTC) on the range's last day, voided charges, refunds, unapplied credit and transfers.
 */

const TZ = 'America/New_York';
const localDateOf = localDateIn(TZ);
const FROM = '2030-10-21';
const TO = '2030-11-17';
/** Before and after every generated row: the whole ledger. */
const ALL_FROM = '2030-10-01';
const ALL_TO = '2031-01-31';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface RawCharge {
  id: string;
  patientId: string;
  providerId: string;
  locationId: string;
  serviceDate: string;
  code: string;
  amount: number;
  payerId: string | null;
  insurer: number;
  patient: number;
  void: boolean;
}
interface RawPayment {
  id: string;
  source: 'patient' | 'insurer';
  patientId: string | null;
  payerId: string | null;
  amount: number;
  receivedOn: string;
  postedAt: Date;
  reversesId: string | null;
  allocations: { id: string; chargeId: string; amount: number }[];
}
interface RawAdjustment {
  id: string;
  chargeId: string;
  responsibility: 'insurer' | 'patient';
  kind: 'contractual' | 'discount' | 'bad_debt' | 'transfer' | 'correction';
  amount: number;
  postedAt: Date;
}

let t: TestApp;
let s: SchedulingScenario;
let manager: ApiClient;
let otherLocationId: string;
let providerIds: string[];
let payerIds: string[];
let codes: string[];
let patientIds: string[];
const charges: RawCharge[] = [];
const payments: RawPayment[] = [];
const adjustments: RawAdjustment[] = [];
/** The payment at 23:30 local time on the range's last day, and the adjustment posted then. */
let latePayment: RawPayment;
let lateAdjustment: RawAdjustment;

const localAt = (date: string, time: string) => new Date(zonedTimeToInstant(date, time, TZ));

interface Query {
  from: string;
  to: string;
  providerId?: string;
  locationId?: string;
  serviceCode?: string;
  payerId?: string;
}

/**
 * The figures, from the raw rows: charges by date of service (voided ones left out), split into
 * the insurer's and the patient's portions when a payer is asked for; adjustments by local date
 * posted; collections by date received — through the allocations to the matching charges when a
 * provider, location or service is asked for (`allocated`).
 */
function expected(q: Query, options: { allocated?: boolean; portions?: boolean; countOnce?: boolean } = {}) {
  const portions = options.portions ?? q.payerId !== undefined;
  const allocated = options.allocated ?? Boolean(q.providerId || q.locationId || q.serviceCode);
  const chargeOk = (c: RawCharge) =>
    (!q.providerId || c.providerId === q.providerId) &&
    (!q.locationId || c.locationId === q.locationId) &&
    (!q.serviceCode || c.code === q.serviceCode);
  const inRange = (date: string) => date >= q.from && date <= q.to;
  const payerOk = (payer: string) => !q.payerId || payer === q.payerId;
  const chargeById = new Map(charges.map((c) => [c.id, c]));

  let chargeCents = 0;
  let chargeCount = 0;
  for (const c of charges) {
    if (c.void || !inRange(c.serviceDate) || !chargeOk(c)) continue;
    if (!portions) {
      chargeCents += c.amount;
      chargeCount++;
      continue;
    }
    const parts: Array<[string, number]> = [];
    if (c.payerId && (c.insurer > 0 || c.patient === 0)) parts.push([c.payerId, c.insurer]);
    if (c.patient > 0 || !c.payerId) parts.push(['self', c.patient]);
    const mine = parts.filter(([payer]) => payerOk(payer));
    for (const [, cents] of mine) chargeCents += cents;
    chargeCount += options.countOnce ? (mine.length ? 1 : 0) : mine.length;
  }

  let adjusted = 0;
  for (const a of adjustments) {
    const c = chargeById.get(a.chargeId) as RawCharge;
    const payer = a.responsibility === 'patient' ? 'self' : (c.payerId ?? 'self');
    if (inRange(localDateOf(a.postedAt)) && chargeOk(c) && payerOk(payer)) adjusted += a.amount;
  }

  let patient = 0;
  let insurer = 0;
  let refunds = 0;
  for (const p of payments) {
    const payer = p.source === 'patient' ? 'self' : (p.payerId as string);
    if (!inRange(p.receivedOn) || !payerOk(payer)) continue;
    const amounts = allocated
      ? p.allocations.filter((a) => chargeOk(chargeById.get(a.chargeId) as RawCharge)).map((a) => a.amount)
      : [p.amount];
    for (const amount of amounts) {
      if (p.source === 'patient') patient += amount;
      else insurer += amount;
      if (amount < 0) refunds -= amount;
    }
  }
  return {
    charges: chargeCents,
    chargeCount,
    adjustments: adjusted,
    net: chargeCents - adjusted,
    collectionsPatient: patient,
    collectionsInsurer: insurer,
    collections: patient + insurer,
    refunds,
  };
}

beforeAll(async () => {
  t = await createTestApp();
  s = await schedulingScenario(t);
  manager = s.manager;
  const db = t.database.db;
  const clinicId = s.clinic.clinicId;
  const other = await s.admin.post('/api/locations', { name: unique('North'), timezone: TZ });
  expect(other.status).toBe(201);
  otherLocationId = other.body.id;
  providerIds = [];
  for (let i = 0; i < 3; i++) {
    const created = await s.admin.post('/api/providers', { name: `Dr ${unique('Revenue')}` });
    expect(created.status).toBe(201);
    providerIds.push(created.body.id);
  }
  patientIds = await Promise.all(Array.from({ length: 6 }, () => s.addPatient()));
  payerIds = [newId(), newId()];
  await db.insert(schema.payers).values(payerIds.map((id, i) => ({ id, clinicId, name: unique(`Insurer ${i + 1}`) })));
  const services = [
    { code: 'R99213', description: 'Office visit', feeCents: 12_345 },
    { code: 'R99214', description: 'Long office visit', feeCents: 18_050 },
    { code: 'R36415', description: 'Blood draw', feeCents: 1_999 },
    { code: 'R99024', description: 'Post-op visit', feeCents: 0 },
  ].map((service) => ({ id: newId(), clinicId, codeSystem: 'CPT' as const, ...service }));
  codes = services.map((service) => service.code);
  await db.insert(schema.services).values(services);

  const random = seeded(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const times = ['08:10', '10:45', '13:20', '17:05', '23:30', '00:30'];
  const encounterRows: (typeof schema.encounters.$inferInsert)[] = [];
  const lineRows: (typeof schema.encounterServices.$inferInsert)[] = [];
  const chargeRows: (typeof schema.charges.$inferInsert)[] = [];
  for (let date = plusDays(FROM, -6); date <= plusDays(TO, 6); date = plusDays(date, 1)) {
    for (let visit = 0; visit < 3; visit++) {
      if (random() < 0.3) continue;
      const encounterId = newId();
      const patientId = pick(patientIds);
      const providerId = pick(providerIds);
      const locationId = random() < 0.35 ? otherLocationId : s.locationId;
      const signedAt = localAt(date, '18:00');
      encounterRows.push({
        id: encounterId,
        clinicId,
        patientId,
        providerId,
        locationId,
        serviceDate: date,
        status: 'signed',
        signedAt,
      });
      const roll = random();
      const payerId = roll < 0.4 ? payerIds[0] : roll < 0.7 ? payerIds[1] : null;
      const visitCharges: RawCharge[] = [];
      const lines = 1 + Math.floor(random() * 3);
      for (let i = 0; i < lines; i++) {
        const service = i === 0 ? services[0 + Math.floor(random() * 2)] : pick(services);
        const units = service.code === 'R36415' ? 1 + Math.floor(random() * 3) : 1;
        const amount = units * service.feeCents;
        // Insured: the insurer owes 80 % (all of it for some, none — a copay — for others).
        const share = payerId ? pick([0.8, 0.8, 1, 0]) : 0;
        const insurer = Math.round(amount * share);
        const lineId = newId();
        const charge: RawCharge = {
          id: newId(),
          patientId,
          providerId,
          locationId,
          serviceDate: date,
          code: service.code,
          amount,
          payerId,
          insurer,
          patient: amount - insurer,
          void: random() < 0.08,
        };
        visitCharges.push(charge);
        charges.push(charge);
        lineRows.push({
          id: lineId,
          clinicId,
          encounterId,
          serviceId: service.id,
          code: service.code,
          codeSystem: 'CPT',
          description: service.description,
          units,
          feeCents: service.feeCents,
          diagnosisPointers: [1],
        });
        chargeRows.push({
          id: charge.id,
          clinicId,
          encounterId,
          serviceLineId: lineId,
          patientId,
          providerId,
          locationId,
          serviceDate: date,
          code: service.code,
          codeSystem: 'CPT',
          description: service.description,
          units,
          unitFeeCents: service.feeCents,
          amountCents: amount,
          diagnosisCodes: ['J069'],
          status: charge.void ? 'void' : 'open',
          voidedAt: charge.void ? localAt(plusDays(date, 2), '09:00') : null,
          voidReason: charge.void ? 'Addendum: billed twice' : null,
          payerId,
          insurerCents: insurer,
          patientCents: amount - insurer,
        });
      }
      const open = visitCharges.filter((c) => !c.void);
      // The insurer pays its portions 10–20 days later (most of the time).
      const insured = open.filter((c) => c.insurer > 0);
      if (payerId && insured.length && random() < 0.8) {
        const receivedOn = plusDays(date, 10 + Math.floor(random() * 11));
        const allocationsOf = insured.map((c) => ({ id: newId(), chargeId: c.id, amount: c.insurer }));
        payments.push({
          id: newId(),
          source: 'insurer',
          patientId: null,
          payerId,
          amount: allocationsOf.reduce((sum, a) => sum + a.amount, 0),
          receivedOn,
          postedAt: localAt(receivedOn, '10:00'),
          reversesId: null,
          allocations: allocationsOf,
        });
      }
      // The patient pays their portions at the desk (any time, 23:30 and 00:30 too), sometimes
      // with extra credit left unapplied; a few are refunded (reversed) 4 days later.
      const owed = open.filter((c) => c.patient > 0);
      if (owed.length && random() < 0.7) {
        const postedAt = localAt(date, pick(times));
        const allocationsOf = owed.map((c) => ({ id: newId(), chargeId: c.id, amount: c.patient }));
        const extra = random() < 0.2 ? 2_500 : 0;
        const payment: RawPayment = {
          id: newId(),
          source: 'patient',
          patientId,
          payerId: null,
          amount: allocationsOf.reduce((sum, a) => sum + a.amount, 0) + extra,
          receivedOn: localDateOf(postedAt),
          postedAt,
          reversesId: null,
          allocations: allocationsOf,
        };
        payments.push(payment);
        if (random() < 0.15) {
          const refundOn = plusDays(payment.receivedOn, 4);
          payments.push({
            id: newId(),
            source: 'patient',
            patientId,
            payerId: null,
            amount: -payment.amount,
            receivedOn: refundOn,
            postedAt: localAt(refundOn, '12:00'),
            reversesId: payment.id,
            allocations: payment.allocations.map((a) => ({ id: newId(), chargeId: a.chargeId, amount: -a.amount })),
          });
        }
      }
      // Adjustments: contractual write-offs of insurer portions, discounts, transfers, one reversed.
      for (const c of visitCharges) {
        const roll = random();
        const postedAt = localAt(plusDays(date, Math.floor(random() * 6)), pick(times));
        if (c.insurer > 100 && roll < 0.15) {
          adjustments.push({
            id: newId(),
            chargeId: c.id,
            responsibility: 'insurer',
            kind: 'contractual',
            amount: Math.round(c.insurer / 10),
            postedAt,
          });
        } else if (c.patient > 100 && roll < 0.25) {
          adjustments.push({
            id: newId(),
            chargeId: c.id,
            responsibility: 'patient',
            kind: 'discount',
            amount: 100,
            postedAt,
          });
          if (random() < 0.3) {
            adjustments.push({
              id: newId(),
              chargeId: c.id,
              responsibility: 'patient',
              kind: 'discount',
              amount: -100,
              postedAt: new Date(postedAt.getTime() + 2 * DAY),
            });
          }
        } else if (c.insurer > 0 && roll < 0.32) {
          // The insurer denied part: the patient owes it.
          for (const [responsibility, amount] of [
            ['insurer', 500],
            ['patient', -500],
          ] as const) {
            adjustments.push({ id: newId(), chargeId: c.id, responsibility, kind: 'transfer', amount, postedAt });
          }
        }
      }
    }
  }

  // The midnight edge: a patient's payment at 23:30 on the range's last day (04:30 UTC the next
  // day) counts on that day; one at 00:30 the next day does not; an adjustment likewise.
  const edgeCharge = charges.find((c) => !c.void && c.serviceDate === plusDays(TO, -1)) as RawCharge;
  expect(edgeCharge).toBeDefined();
  latePayment = {
    id: newId(),
    source: 'patient',
    patientId: edgeCharge.patientId,
    payerId: null,
    amount: 4_321,
    receivedOn: TO,
    postedAt: localAt(TO, '23:30'),
    reversesId: null,
    allocations: [],
  };
  payments.push(latePayment, {
    ...latePayment,
    id: newId(),
    amount: 1_234,
    receivedOn: plusDays(TO, 1),
    postedAt: localAt(plusDays(TO, 1), '00:30'),
  });
  lateAdjustment = {
    id: newId(),
    chargeId: edgeCharge.id,
    responsibility: 'patient',
    kind: 'correction',
    amount: 77,
    postedAt: localAt(TO, '23:30'),
  };
  adjustments.push(lateAdjustment, {
    ...lateAdjustment,
    id: newId(),
    amount: 88,
    postedAt: localAt(plusDays(TO, 1), '00:30'),
  });

  await db.insert(schema.encounters).values(encounterRows);
  await db.insert(schema.encounterServices).values(lineRows);
  await db.insert(schema.charges).values(chargeRows);
  await db.insert(schema.payments).values(
    payments.map((p) => ({
      id: p.id,
      clinicId,
      source: p.source,
      patientId: p.patientId,
      payerId: p.payerId,
      method: 'card' as const,
      amountCents: p.amount,
      receivedOn: p.receivedOn,
      postedAt: p.postedAt,
      reversesId: p.reversesId,
    })),
  );
  await db.insert(schema.allocations).values(
    payments.flatMap((p) =>
      p.allocations.map((a) => ({
        id: a.id,
        clinicId,
        paymentId: p.id,
        chargeId: a.chargeId,
        responsibility: p.source,
        amountCents: a.amount,
        createdAt: p.postedAt,
      })),
    ),
  );
  await db.insert(schema.adjustments).values(
    adjustments.map((a) => ({
      id: a.id,
      clinicId,
      chargeId: a.chargeId,
      responsibility: a.responsibility,
      kind: a.kind,
      amountCents: a.amount,
      reason: 'Test',
      postedAt: a.postedAt,
    })),
  );
}, 60_000);
afterAll(() => t?.close());

const report = (query: string, headers?: Record<string, string>) =>
  manager.get(`/api/reports/revenue?${query}`, headers);
const drill = (query: string) => manager.get(`/api/reports/revenue/rows?${query}`);
const params = (q: object) =>
  Object.entries(q as Record<string, string | undefined>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

describe('the Revenue report', () => {
  it('has the expected figures per week and in total, computed from the raw ledger rows', async () => {
    const response = await report(`from=${FROM}&to=${TO}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ report: 'revenue', from: FROM, to: TO, group: 'week', timezone: TZ });
    expect(response.body.totals).toEqual(expected({ from: FROM, to: TO }));
    expect(response.body.rows.map((row: { period: string }) => row.period)).toEqual([
      '2030-10-21',
      '2030-10-28',
      '2030-11-04',
      '2030-11-11',
    ]);
    for (const row of response.body.rows) {
      expect(row.to, 'every week is 7 local days, DST or not').toBe(plusDays(row.period, 6));
      expect(mondayOf(row.from)).toBe(row.period);
      expect(row.values, row.period).toEqual(expected({ from: row.from, to: row.to }));
    }
    // The data set means something: every figure is non-zero, refunds and voided charges exist.
    for (const [key, value] of Object.entries(response.body.totals)) expect(value, key).not.toBe(0);
    expect(charges.some((c) => c.void && c.serviceDate >= FROM && c.serviceDate <= TO)).toBe(true);
  });

  it('totals of a range equal the sum of its weeks (the weekly revenue report), days and months', async () => {
    const totals = (await report(`from=${FROM}&to=${TO}`)).body.totals;
    for (const group of ['week', 'day', 'month']) {
      const body = (await report(`from=${FROM}&to=${TO}&group=${group}`)).body;
      expect(body.totals, group).toEqual(totals);
      for (const key of Object.keys(totals)) {
        const sum = body.rows.reduce(
          (acc: number, row: { values: Record<string, number> }) => acc + row.values[key],
          0,
        );
        expect(sum, `${group} ${key}`).toBe(totals[key]);
      }
    }
    // A range that is not whole weeks: the first and last weeks are clipped to it.
    const clipped = (await report(`from=2030-10-30&to=2030-11-12`)).body;
    expect(clipped.rows.map((row: { from: string; to: string }) => [row.from, row.to])).toEqual([
      ['2030-10-30', '2030-11-03'],
      ['2030-11-04', '2030-11-10'],
      ['2030-11-11', '2030-11-12'],
    ]);
    for (const row of clipped.rows) expect(row.values).toEqual(expected({ from: row.from, to: row.to }));
  });

  it('counts the DST week’s seven local days, and 23:30 on the last day in the range', async () => {
    // Monday 28 October to Sunday 3 November 2030: the clocks go back on the Sunday.
    const dst = (await report('from=2030-10-28&to=2030-11-03&group=day')).body;
    expect(dst.rows).toHaveLength(7);
    for (const row of dst.rows) expect(row.values, row.period).toEqual(expected({ from: row.period, to: row.period }));
    const lastDay = (await report(`from=${TO}&to=${TO}&group=day`)).body;
    const mine = expected({ from: TO, to: TO });
    expect(lastDay.totals).toEqual(mine);
    // Both 23:30 rows count on the last day; the 00:30 ones of the next day do not.
    expect(latePayment.postedAt.toISOString().slice(0, 10)).toBe(plusDays(TO, 1));
    const collected = await drill(`from=${TO}&to=${TO}&metric=collections_patient`);
    expect(collected.body.items.map((item: { id: string }) => item.id)).toContain(latePayment.id);
    const adjusted = await drill(`from=${TO}&to=${TO}&metric=adjustments`);
    expect(adjusted.body.items.map((item: { id: string }) => item.id)).toContain(lateAdjustment.id);
    const next = (await report(`from=${plusDays(TO, 1)}&to=${plusDays(TO, 1)}&group=day`)).body;
    expect(next.totals).toEqual(expected({ from: plusDays(TO, 1), to: plusDays(TO, 1) }));
  });

  it('takes refunds off the collections of the period they happen in, and leaves voided charges out', async () => {
    const refund = payments.find((p) => p.reversesId && p.receivedOn >= FROM && p.receivedOn <= TO) as RawPayment;
    expect(refund).toBeDefined();
    const day = (await report(`from=${refund.receivedOn}&to=${refund.receivedOn}&group=day`)).body.totals;
    const sameDay = payments.filter((p) => p.receivedOn === refund.receivedOn);
    expect(day.refunds).toBe(-sameDay.filter((p) => p.amount < 0).reduce((sum, p) => sum + p.amount, 0));
    expect(day.collections).toBe(sameDay.reduce((sum, p) => sum + p.amount, 0));
    const rows = (await drill(`from=${refund.receivedOn}&to=${refund.receivedOn}&metric=refunds`)).body;
    expect(rows.items.find((item: { id: string }) => item.id === refund.id)?.values).toMatchObject({
      entry: 'Refund / reversal',
      amount: -refund.amount,
      date: refund.receivedOn,
    });
    const voided = charges.find((c) => c.void && c.serviceDate >= FROM && c.serviceDate <= TO) as RawCharge;
    const listed = (await drill(`from=${voided.serviceDate}&to=${voided.serviceDate}&metric=charges`)).body;
    expect(listed.items.map((item: { id: string }) => item.id)).not.toContain(voided.id);
    expect(listed.total).toBe(charges.filter((c) => !c.void && c.serviceDate === voided.serviceDate).length);
  });

  it('groups by payer: charges by the side that owes them, collections by who paid', async () => {
    const body = (await report(`from=${FROM}&to=${TO}&group=payer`)).body;
    expect(body.rows.map((row: { period: string }) => row.period).sort()).toEqual([...payerIds, 'self'].sort());
    for (const row of body.rows) {
      expect(row.filter).toEqual({ payerId: row.period });
      expect(row.values, row.label).toEqual(expected({ from: FROM, to: TO, payerId: row.period }));
    }
    expect(body.rows.find((row: { period: string }) => row.period === 'self').label).toBe('Patients (self-pay)');
    // The portions add up to the charges; a charge split in two counts once in the total.
    expect(body.totals).toEqual(expected({ from: FROM, to: TO }, { portions: true, countOnce: true }));
    expect(body.totals).toEqual(expected({ from: FROM, to: TO }));
    const sum = (key: string) =>
      body.rows.reduce((acc: number, row: { values: Record<string, number> }) => acc + row.values[key], 0);
    for (const key of ['charges', 'adjustments', 'net', 'collections', 'collectionsPatient', 'refunds']) {
      expect(sum(key), key).toBe(body.totals[key]);
    }
    // Only patients pay as `self`, only insurers as themselves.
    const self = body.rows.find((row: { period: string }) => row.period === 'self');
    expect(self.values.collectionsInsurer).toBe(0);
    expect(body.rows.find((row: { period: string }) => row.period === payerIds[0]).values.collectionsPatient).toBe(0);
  });

  it('groups by provider, service and location: collections through allocations to their charges', async () => {
    for (const [group, filter, keys] of [
      ['provider', 'providerId', () => providerIds],
      ['service', 'serviceCode', () => codes],
      ['location', 'locationId', () => [s.locationId, otherLocationId]],
    ] as const) {
      const body = (await report(`from=${FROM}&to=${TO}&group=${group}`)).body;
      expect(body.rows.map((row: { period: string }) => row.period).sort(), group).toEqual(
        [...keys()].filter((key) => body.rows.some((row: { period: string }) => row.period === key)).sort(),
      );
      expect(body.rows.length).toBeGreaterThan(1);
      for (const row of body.rows) {
        expect(row.filter).toEqual({ [filter]: row.period });
        expect(row.values, `${group} ${row.label}`).toEqual(expected({ from: FROM, to: TO, [filter]: row.period }));
      }
      // Every cent applied to a charge belongs to exactly one provider (service, location).
      expect(body.totals, group).toEqual(expected({ from: FROM, to: TO }, { allocated: true }));
    }
    const byService = (await report(`from=${FROM}&to=${TO}&group=service`)).body;
    expect(byService.rows.map((row: { label: string }) => row.label)).toContain('R99213 Office visit');
    // Unapplied credit belongs to no provider: the period view's collections hold it.
    const plain = (await report(`from=${FROM}&to=${TO}`)).body.totals;
    const unapplied = payments
      .filter((p) => p.receivedOn >= FROM && p.receivedOn <= TO)
      .reduce((sum, p) => sum + p.amount - p.allocations.reduce((acc, a) => acc + a.amount, 0), 0);
    expect(unapplied).toBeGreaterThan(0);
    expect(plain.collections - byService.totals.collections).toBe(unapplied);
  });

  it('narrows every figure consistently with each filter and their combinations', async () => {
    const filters: Query[] = [
      { from: FROM, to: TO, providerId: providerIds[0] },
      { from: FROM, to: TO, locationId: otherLocationId },
      { from: FROM, to: TO, serviceCode: 'R99214' },
      { from: FROM, to: TO, payerId: payerIds[1] },
      { from: FROM, to: TO, payerId: 'self' },
      { from: FROM, to: TO, providerId: providerIds[1], payerId: 'self' },
      { from: FROM, to: TO, locationId: s.locationId, payerId: payerIds[0], serviceCode: 'R99213' },
    ];
    for (const q of filters) {
      const body = (await report(params({ ...q, group: 'week' }))).body;
      expect(body.totals, JSON.stringify(q)).toEqual(expected(q));
      expect(body.totals.charges, JSON.stringify(q)).toBeGreaterThan(0);
      for (const row of body.rows) expect(row.values).toEqual(expected({ ...q, from: row.from, to: row.to }));
    }
    expect((await report(`from=${FROM}&to=${TO}&payerId=${newId()}`)).status).toBe(404);
    expect((await report(`from=${FROM}&to=${TO}&providerId=${newId()}`)).status).toBe(404);
  });

  it('lists the ledger rows behind every figure, adding up to it', async () => {
    const queries: Query[] = [
      { from: '2030-10-28', to: '2030-11-03' },
      { from: '2030-10-28', to: '2030-11-03', providerId: providerIds[2] },
      { from: '2030-10-28', to: '2030-11-03', payerId: payerIds[0] },
      { from: '2030-10-28', to: '2030-11-03', payerId: 'self', serviceCode: 'R99213' },
    ];
    for (const q of queries) {
      const body = (await report(params(q))).body;
      for (const column of body.columns.filter((c: { drill: string | null }) => c.drill)) {
        const rows = await drill(params({ ...q, metric: column.drill }));
        expect(rows.status, JSON.stringify(rows.body)).toBe(200);
        const sum = rows.body.items.reduce(
          (acc: number, item: { values: { amount: number } }) => acc + item.values.amount,
          0,
        );
        const want = column.kind === 'count' ? rows.body.total : sum;
        expect(want, `${JSON.stringify(q)} ${column.key}`).toBe(body.totals[column.key]);
        expect(rows.body.items.length).toBe(rows.body.total);
      }
    }
    const one = (await drill('from=2030-10-28&to=2030-11-03&metric=charges')).body;
    expect(one.columns.map((c: { key: string }) => c.key)).toEqual([
      'date',
      'entry',
      'patient',
      'payer',
      'service',
      'provider',
      'location',
      'amount',
    ]);
    expect(one.items[0].values).toMatchObject({
      entry: 'Charge',
      patient: expect.any(String),
      service: expect.stringMatching(/^R\d+ /),
      provider: expect.any(String),
      location: expect.any(String),
    });
    const insurer = (await drill('from=2030-10-28&to=2030-11-03&metric=collections_insurer')).body;
    expect(insurer.items.length).toBeGreaterThan(0);
    for (const item of insurer.items) {
      expect(item.patientId).toBeNull();
      expect(item.values.payer).not.toBe('Patients (self-pay)');
    }
  });

  it('ties to the ledger: over the whole history, net charges − collections + unapplied credit = what is owed', async () => {
    const totals = (await report(`from=${ALL_FROM}&to=${ALL_TO}&group=month`)).body.totals;
    let owed = 0;
    let unapplied = 0;
    for (const patientId of patientIds) {
      const balance = await s.admin.get(`/api/patients/${patientId}/balance`);
      expect(balance.status).toBe(200);
      owed += balance.body.patientBalanceCents + balance.body.insurerBalanceCents;
      unapplied += balance.body.unappliedCents;
    }
    expect(unapplied).toBeGreaterThan(0);
    expect(totals.net - totals.collections + unapplied).toBe(owed);
    expect(totals.charges).toBe(charges.filter((c) => !c.void).reduce((sum, c) => sum + c.amount, 0));
  });

  it('answers CSV with the same figures as the JSON', async () => {
    for (const group of ['week', 'payer']) {
      const json = (await report(`from=${FROM}&to=${TO}&group=${group}`)).body;
      const csv = await report(`from=${FROM}&to=${TO}&group=${group}`, { accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = String(csv.body)
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(','));
      expect(lines[0]).toEqual([
        group === 'week' ? 'Period' : 'Payer',
        ...json.columns.map((c: { label: string }) => c.label),
      ]);
      const asText = (kind: string, value: number) => (kind === 'cents' ? (value / 100).toFixed(2) : String(value));
      const expectLine = (line: string[], first: string, values: Record<string, number>) => {
        expect(line[0]).toBe(first);
        json.columns.forEach((c: { key: string; kind: string }, i: number) => {
          expect(line[i + 1], c.key).toBe(asText(c.kind, values[c.key]));
        });
      };
      json.rows.forEach((row: { period: string; label: string | null; values: Record<string, number> }, i: number) => {
        expectLine(lines[i + 1], row.label ?? row.period, row.values);
      });
      expectLine(lines[json.rows.length + 1], 'Total', json.totals);
      expect(lines).toHaveLength(json.rows.length + 2);
    }
  });

  // Last: it changes the ledger the tests above read.
  it('stays exact when the ledger changes after a read: the days stored are computed again', async () => {
    const queries: Array<Query & { group: string }> = [
      { from: FROM, to: TO, group: 'week' },
      { from: FROM, to: TO, group: 'payer' },
      { from: FROM, to: TO, group: 'provider' },
      { from: FROM, to: TO, group: 'service', payerId: 'self' },
      { from: FROM, to: TO, group: 'day', locationId: s.locationId, payerId: payerIds[0] },
    ];
    const DIMENSIONS: Record<string, keyof Query> = {
      provider: 'providerId',
      location: 'locationId',
      service: 'serviceCode',
      payer: 'payerId',
    };
    const read = async (query: Query & { group: string }) => {
      const response = await report(params(query));
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const { group, ...q } = query;
      const dimension = DIMENSIONS[group];
      for (const row of response.body.rows) {
        expect(row.values, `${group} ${row.period}`).toEqual(
          expected(dimension ? { ...q, [dimension]: row.period } : { ...q, from: row.from, to: row.to }),
        );
      }
      const totals = expected(q, { allocated: dimension && group !== 'payer' ? true : undefined });
      expect(response.body.totals, group).toEqual(totals);
      return response.body.totals;
    };
    // Every day of the range is stored by these reads, for each set of dimensions they need
    const before = [];
    for (const query of queries) before.push(await read(query));
    const c = schema.reportDayRollups;
    const stored = await t.database.db
      .select({ report: c.report, date: c.localDate })
      .from(c)
      .where(eq(c.clinicId, s.clinic.clinicId));
    // (three sets: none, payer, payer and service), 28 days each.
    expect(stored.length).toBeGreaterThanOrEqual(3 * 28);

    // Straight in the database, as every path that posts to the ledger would, each on a day no
    // other change touches: a payment of unapplied credit, credit applied later to a charge (an
    // allocation of an earlier payment), a refund, an adjustment posted late on the DST day, a
    // charge voided and one billed (a visit signed).
    const db = t.database.db;
    const clinicId = s.clinic.clinicId;
    const touched = new Set<string>();
    const inRange = (date: string) => date >= FROM && date <= TO && !touched.has(date);
    const credit: RawPayment = {
      id: newId(),
      source: 'patient',
      patientId: patientIds[0],
      payerId: null,
      amount: 6_000,
      receivedOn: '2030-10-24',
      postedAt: localAt('2030-10-24', '09:00'),
      reversesId: null,
      allocations: [],
    };
    const adjustedOn = '2030-11-03';
    for (const date of [credit.receivedOn, latePayment.receivedOn, adjustedOn]) touched.add(date);
    const paid = payments.find(
      (p) =>
        p.source === 'patient' &&
        !p.reversesId &&
        p.allocations.length > 0 &&
        !payments.some((r) => r.reversesId === p.id) &&
        inRange(p.receivedOn) &&
        inRange(plusDays(p.receivedOn, 3)),
    ) as RawPayment;
    expect(paid).toBeDefined();
    const refund: RawPayment = {
      ...paid,
      id: newId(),
      amount: -paid.amount,
      receivedOn: plusDays(paid.receivedOn, 3),
      postedAt: localAt(plusDays(paid.receivedOn, 3), '11:00'),
      reversesId: paid.id,
      allocations: paid.allocations.map((a) => ({ id: newId(), chargeId: a.chargeId, amount: -a.amount })),
    };
    touched.add(refund.receivedOn);
    const adjustment: RawAdjustment = {
      id: newId(),
      chargeId: (charges.find((x) => x.insurer > 0 && !x.void) as RawCharge).id,
      responsibility: 'insurer',
      kind: 'contractual',
      amount: 1_111,
      postedAt: localAt(adjustedOn, '23:30'),
    };
    const voided = charges.find((x) => !x.void && x.amount > 0 && inRange(x.serviceDate)) as RawCharge;
    expect(voided).toBeDefined();
    touched.add(voided.serviceDate);
    let billedOn = FROM;
    while (!inRange(billedOn)) billedOn = plusDays(billedOn, 1);
    const [service] = await db.select().from(schema.services).where(eq(schema.services.code, codes[1]));
    const billed: RawCharge = {
      id: newId(),
      patientId: patientIds[1],
      providerId: providerIds[2],
      locationId: otherLocationId,
      serviceDate: billedOn,
      code: service.code,
      amount: service.feeCents,
      payerId: payerIds[1],
      insurer: service.feeCents - 2_000,
      patient: 2_000,
      void: false,
    };
    const encounterId = newId();
    const lineId = newId();
    await db.insert(schema.encounters).values({
      id: encounterId,
      clinicId,
      patientId: billed.patientId,
      providerId: billed.providerId,
      locationId: billed.locationId,
      serviceDate: billedOn,
      status: 'signed',
      signedAt: localAt(billedOn, '18:00'),
    });
    const line = { code: service.code, codeSystem: 'CPT', description: service.description, units: 1 };
    await db.insert(schema.encounterServices).values({
      ...line,
      id: lineId,
      clinicId,
      encounterId,
      serviceId: service.id,
      feeCents: service.feeCents,
      diagnosisPointers: [1],
    });
    await db.insert(schema.charges).values({
      ...line,
      id: billed.id,
      clinicId,
      encounterId,
      serviceLineId: lineId,
      patientId: billed.patientId,
      providerId: billed.providerId,
      locationId: billed.locationId,
      serviceDate: billedOn,
      unitFeeCents: service.feeCents,
      amountCents: billed.amount,
      diagnosisCodes: ['J069'],
      payerId: billed.payerId,
      insurerCents: billed.insurer,
      patientCents: billed.patient,
    });
    charges.push(billed);

    await db.insert(schema.payments).values(
      [credit, refund].map((p) => ({
        id: p.id,
        clinicId,
        source: p.source,
        patientId: p.patientId,
        payerId: p.payerId,
        method: 'card' as const,
        amountCents: p.amount,
        receivedOn: p.receivedOn,
        postedAt: p.postedAt,
        reversesId: p.reversesId,
      })),
    );
    const applied = { id: newId(), chargeId: lateAdjustment.chargeId, amount: 1_000 };
    await db.insert(schema.allocations).values([
      ...refund.allocations.map((a) => ({
        id: a.id,
        clinicId,
        paymentId: refund.id,
        chargeId: a.chargeId,
        responsibility: 'patient' as const,
        amountCents: a.amount,
      })),
      { ...applied, clinicId, paymentId: latePayment.id, responsibility: 'patient' as const, amountCents: 1_000 },
    ]);
    await db.insert(schema.adjustments).values({
      ...adjustment,
      clinicId,
      amountCents: adjustment.amount,
      reason: 'Test',
    });
    await db
      .update(schema.charges)
      .set({ status: 'void', voidedAt: new Date(), voidReason: 'Billed twice' })
      .where(eq(schema.charges.id, voided.id));
    payments.push(credit, refund);
    latePayment.allocations.push(applied);
    adjustments.push(adjustment);
    voided.void = true;

    for (const [i, query] of queries.entries()) {
      const after = await read(query);
      if (i < 3) expect(after, query.group).not.toEqual(before[i]);
    }
  });

  it('is for managers and administrators only, and says what to fix in a bad query', async () => {
    expect((await s.reception.get(`/api/reports/revenue?from=${FROM}&to=${TO}`)).status).toBe(403);
    const bad = await report(`from=${FROM}&to=${TO}&group=year`);
    expect(bad.status).toBe(400);
    const wrongMetric = await drill(`from=${FROM}&to=${TO}&metric=everything`);
    expect(wrongMetric.status).toBe(400);
    expect(wrongMetric.body.error.fields[0].path).toMatch(/metric/);
    const appointmentsByPayer = await manager.get(`/api/reports/appointments?from=${FROM}&to=${TO}&group=payer`);
    expect(appointmentsByPayer.status).toBe(400);
  });
});
