import { queryRows } from '@tend/db';
import { todayIn } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceNow, FROM, type LedgerFixture, ledgerFixture, plusDays, TO } from '../reports/ledger-fixture';
import { createTestApp, patientBody, type TestApp } from '../test/harness';
import { visitScenario } from '../visits/scenario';

/**
 * A/R aging computed in the database against a generated ledger (charges, voids, desk and insurer
 * payments, refunds, write-offs, transfers): every payer's and patient's buckets and the totals
 * equal the same aging computed here from the raw rows, in plain TypeScript.
 */

let t: TestApp;
let f: LedgerFixture;

beforeAll(async () => {
  t = await createTestApp();
  f = await ledgerFixture(t, 11);
});
afterAll(() => t?.close());

type Buckets = { d0to30: number; d31to60: number; d61to90: number; d90plus: number; total: number };
const empty = (): Buckets => ({ d0to30: 0, d31to60: 0, d61to90: 0, d90plus: 0, total: 0 });

function expectedAging(asOf: string) {
  const days = (date: string) =>
    Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / 86_400_000);
  const bucket = (date: string): keyof Buckets =>
    days(date) <= 30 ? 'd0to30' : days(date) <= 60 ? 'd31to60' : days(date) <= 90 ? 'd61to90' : 'd90plus';
  const byPayer = new Map<string, Buckets>();
  const byPatient = new Map<string, Buckets>();
  const totals = { insurer: empty(), patient: empty() };
  const add = (map: Map<string, Buckets>, key: string, into: Buckets, date: string, cents: number) => {
    const row = map.get(key) ?? empty();
    row[bucket(date)] += cents;
    row.total += cents;
    into[bucket(date)] += cents;
    into.total += cents;
    map.set(key, row);
  };
  for (const charge of f.charges) {
    if (charge.voidedAt || charge.serviceDate > asOf) continue;
    const balance = balanceNow(f, charge);
    if (charge.payerId) add(byPayer, charge.payerId, totals.insurer, charge.serviceDate, balance.insurer);
    add(byPatient, charge.patientId, totals.patient, charge.serviceDate, balance.patient);
  }
  const rows = (map: Map<string, Buckets>) =>
    Object.fromEntries([...map.entries()].filter(([, row]) => row.total !== 0));
  return { byPayer: rows(byPayer), byPatient: rows(byPatient), totals };
}

const keyed = (rows: Array<Buckets & { id: string; name: string }>) =>
  Object.fromEntries(rows.map(({ id, name: _name, ...buckets }) => [id, buckets]));

describe('A/R aging from SQL aggregates', () => {
  it('equals the aging computed from the raw ledger rows, on several dates', async () => {
    for (const asOf of [plusDays(FROM, 10), TO, plusDays(TO, 10), plusDays(TO, 100)]) {
      const response = await f.s.billing.get(`/api/reports/ar-aging?asOf=${asOf}&patientLimit=500`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const expected = expectedAging(asOf);
      expect(response.body.asOf).toBe(asOf);
      expect(keyed(response.body.byPayer), asOf).toEqual(expected.byPayer);
      expect(keyed(response.body.byPatient), asOf).toEqual(expected.byPatient);
      expect(response.body.patientCount, asOf).toBe(Object.keys(expected.byPatient).length);
      expect(response.body.totals, asOf).toEqual(expected.totals);
      // Sorted by what is owed, largest first; names shown.
      const totals = response.body.byPatient.map((row: { total: number }) => row.total);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
      for (const row of [...response.body.byPayer, ...response.body.byPatient]) expect(row.name).not.toBe('');
    }
    // The data exercise every bucket on both sides.
    const late = expectedAging(plusDays(TO, 10)).totals;
    for (const side of ['insurer', 'patient'] as const) {
      for (const key of ['d0to30', 'd31to60', 'd61to90'] as const)
        expect(late[side][key], `${side} ${key}`).not.toBe(0);
    }
    expect(expectedAging(plusDays(TO, 100)).totals.patient.d90plus).not.toBe(0);
  });

  it('pages the patients who owe: largest balance first, then by name, with how many owe', async () => {
    for (const asOf of [plusDays(FROM, 10), TO]) {
      const url = (query: string) => `/api/reports/ar-aging?asOf=${asOf}&${query}`;
      const all = (await f.s.billing.get(url('patientLimit=500'))).body;
      const count = Object.keys(expectedAging(asOf).byPatient).length;
      expect(count, asOf).toBeGreaterThan(4);
      expect(all.byPatient).toHaveLength(count);
      const order = [...all.byPatient].sort(
        (a: Row, b: Row) =>
          b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : 1),
      );
      expect(all.byPatient.map((row: Row) => row.id)).toEqual(order.map((row: Row) => row.id));
      // Pages of 2 put together are the whole list; each says how many owe; past the end, none.
      const pages: Row[] = [];
      for (let offset = 0; offset < count; offset += 2) {
        const page = (await f.s.billing.get(url(`patientLimit=2&patientOffset=${offset}`))).body;
        expect(page.patientCount).toBe(count);
        expect(page.byPatient.length).toBe(Math.min(2, count - offset));
        expect(page.totals).toEqual(all.totals);
        expect(page.byPayer).toEqual(all.byPayer);
        pages.push(...page.byPatient);
      }
      expect(pages).toEqual(all.byPatient);
      const past = (await f.s.billing.get(url(`patientLimit=4&patientOffset=${count}`))).body;
      expect(past).toMatchObject({ byPatient: [], patientCount: count });
      // 50 by default.
      expect((await f.s.billing.get(url(''))).body.byPatient).toHaveLength(Math.min(50, count));

      // Search by the start of a word of the name: the matching owing patients, counted.
      const family = all.byPatient[0].name.split(' ').at(-1) as string;
      const matching = all.byPatient.filter((row: Row) =>
        row.name
          .toLowerCase()
          .split(' ')
          .some((word: string) => word.startsWith(family.slice(0, 3).toLowerCase())),
      );
      const found = (await f.s.billing.get(url(`patientQuery=${encodeURIComponent(family.slice(0, 3))}`))).body;
      expect(found.byPatient).toEqual(matching.slice(0, 50));
      expect(found.patientCount).toBe(matching.length);
    }
  });

  it('refuses a bad page with a 400 naming the field', async () => {
    for (const query of [
      'patientLimit=0',
      'patientLimit=501',
      'patientLimit=ten',
      'patientOffset=-1',
      'asOf=2026-02-30',
    ]) {
      const response = await f.s.billing.get(`/api/reports/ar-aging?${query}`);
      expect(response.status, query).toBe(400);
      expect(JSON.stringify(response.body), query).toContain(query.split('=')[0]);
    }
  });
});

type Row = Buckets & { id: string; name: string };

describe('A/R aging: patients with equal balances across a page edge', () => {
  it('pages them with none lost or repeated, in one stable order, as of a past date and as of today', async () => {
    // A clinic of its own: self-pay visits of one 100.00 service, so balances are multiples of it.
    const s = await visitScenario(t, {
      payer: 'Tie Health',
      service: { code: '99212', description: 'Short visit', feeCents: 10_000 },
    });
    const register = async (givenName: string) => {
      const body = patientBody({ givenName, familyName: 'Tie', allowDuplicate: true });
      const created = await s.reception.post('/api/patients', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return { id: created.body.id as string, name: `${givenName} Tie` };
    };
    /** A signed visit of the patient, its charge dated `serviceDate`. */
    const visit = async (patientId: string, serviceDate: string) => {
      const encounter = (await s.doctor.post('/api/encounters', { patientId, providerId: s.providerId })).body;
      const saved = await s.doctor.patch(`/api/encounters/${encounter.id}`, {
        version: encounter.version,
        diagnoses: [{ code: 'J11.1' }],
        services: [{ serviceId: s.serviceId, diagnosisPointers: [1] }],
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect((await s.doctor.post(`/api/encounters/${encounter.id}/sign`)).status).toBe(200);
      // Visits documented late: the charge's date of service is the visit's, before today (the
      // charges' triggers move the rollups with it).
      await queryRows(
        t.database.db,
        sql`UPDATE charges SET service_date = ${serviceDate}::date WHERE encounter_id = ${encounter.id}`,
      );
    };
    const before = '2026-01-05';
    const asOf = '2026-01-10';
    const after = '2026-01-20';
    // Three patients of one name (only their ids order them), four of others, all owing 100.00 as
    // of `asOf`; one owing 200.00 first; and one whose second 100.00 is dated after `asOf` (as of
    // then one of the ties; today, level with the first).
    const top = await register('Zed');
    const ties = [
      ...(await Promise.all(['Ann', 'Ann', 'Ann'].map(register))),
      ...(await Promise.all(['Bea', 'Cal', 'Dee', 'Eve'].map(register))),
    ];
    const later = await register('Fay');
    for (const patient of [top, top, ...ties, later]) await visit(patient.id, before);
    await visit(later.id, after);

    const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1;
    const expected = {
      [asOf]: [top, ...[...ties, later].sort(byName)].map((p) => p.id),
      [todayIn('America/New_York')]: [...[top, later].sort(byName), ...[...ties].sort(byName)].map((p) => p.id),
    };
    for (const [date, order] of Object.entries(expected)) {
      const url = (query: string) => `/api/reports/ar-aging?asOf=${date}&${query}`;
      const all = (await s.billing.get(url('patientLimit=500'))).body;
      expect(all.patientCount, date).toBe(9);
      expect(
        all.byPatient.map((row: Row) => row.id),
        date,
      ).toEqual(order);
      // Every page size and offset cuts somewhere among the ties: the pages put together are the list.
      for (const limit of [1, 2, 3, 4, 5]) {
        for (const start of [0, 1, 2]) {
          const ids: string[] = [];
          for (let offset = start; offset < 9; offset += limit) {
            const page = (await s.billing.get(url(`patientLimit=${limit}&patientOffset=${offset}`))).body;
            expect(page.patientCount).toBe(9);
            ids.push(...page.byPatient.map((row: Row) => row.id));
          }
          expect(ids, `${date} limit ${limit} from ${start}`).toEqual(order.slice(start));
        }
      }
    }
  });
});
