import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceNow, FROM, type LedgerFixture, ledgerFixture, plusDays, TO } from '../reports/ledger-fixture';
import { createTestApp, type TestApp } from '../test/harness';

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
      const response = await f.s.billing.get(`/api/reports/ar-aging?asOf=${asOf}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      const expected = expectedAging(asOf);
      expect(response.body.asOf).toBe(asOf);
      expect(keyed(response.body.byPayer), asOf).toEqual(expected.byPayer);
      expect(keyed(response.body.byPatient), asOf).toEqual(expected.byPatient);
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
});
