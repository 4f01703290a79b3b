import { queryRows } from '@tend/db';
import { AppError, type Icd10Code } from '@tend/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, type TestApp } from '../test/harness';
import { requireBillableIcd10 } from './service';

/** The curated ICD-10-CM set shipped by migration 0004: search, look-up and the billable check. */

let t: TestApp;
let provider: ApiClient;
let receptionist: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  const clinic = await t.createClinic();
  provider = await t.signIn(await clinic.addUser('provider'));
  receptionist = await t.signIn(await clinic.addUser('receptionist'));
});
afterAll(() => t.close());

const search = async (q: string, limit?: number): Promise<Icd10Code[]> => {
  const res = await provider.get(
    `/api/codes/icd10?q=${encodeURIComponent(q)}${limit === undefined ? '' : `&limit=${limit}`}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
};
const codes = (items: Icd10Code[]) => items.map((item) => item.code);

describe('the curated set', () => {
  it('ships a few hundred codes with headers that cannot be billed', async () => {
    const [row] = await queryRows<{ total: number; headers: number; curated: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT billable)::int AS headers,
                 count(*) FILTER (WHERE source = 'curated' AND common)::int AS curated
          FROM icd10_codes`,
    );
    expect(row?.total).toBeGreaterThanOrEqual(150);
    expect(row?.total).toBeLessThanOrEqual(320);
    expect(row?.curated).toBe(row?.total);
    expect(row?.headers).toBeGreaterThanOrEqual(5);
  });
});

describe('GET /api/codes/icd10 by code', () => {
  it('finds codes by their beginning, with or without the dot, in any case', async () => {
    const j11 = await search('J11');
    expect(j11.every((item) => item.code.startsWith('J11'))).toBe(true);
    expect(codes(j11)).toContain('J11.1');
    for (const q of ['j11.1', 'J111', ' J11.1 '])
      expect((await search(q))[0]).toEqual({
        code: 'J11.1',
        description: 'Influenza due to unidentified influenza virus with other respiratory manifestations',
        billable: true,
      });
  });

  it('lists billable codes before the headers, and the exact code first among equals', async () => {
    const j11 = await search('J11');
    const firstHeader = j11.findIndex((item) => !item.billable);
    expect(firstHeader).toBeGreaterThan(0);
    expect(j11.slice(firstHeader).every((item) => !item.billable)).toBe(true);
    expect(codes(j11.slice(firstHeader))).toEqual(['J11', 'J11.0']);
    expect((await search('I10'))[0]?.code).toBe('I10');
  });

  it('honours the limit: 20 by default, at most 50', async () => {
    expect(await search('M2', 3)).toHaveLength(3);
    expect((await search('K0')).length).toBe(20);
    expect((await search('K0', 40)).length).toBe(40);
    expect((await search('K0', 50)).length).toBe(46); // all the curated K0… codes
    expect((await provider.get('/api/codes/icd10?q=K0&limit=51')).status).toBe(400);
    expect((await provider.get('/api/codes/icd10?q=')).status).toBe(400);
  });
});

describe('GET /api/codes/icd10 by words', () => {
  it('finds influenza when you type flu, billable codes first', async () => {
    const flu = await search('flu');
    expect(flu.length).toBeGreaterThanOrEqual(6);
    expect(flu.every((item) => item.description.startsWith('Influenza'))).toBe(true);
    expect(codes(flu)).toContain('J11.1');
    const firstHeader = flu.findIndex((item) => !item.billable);
    expect(flu.slice(firstHeader).every((item) => !item.billable)).toBe(true);
    expect(firstHeader).toBeGreaterThan(4);
  });

  it('narrows with every word typed, each word matching the start of a word', async () => {
    const items = await search('flu gastro');
    expect(codes(items).sort()).toEqual(['J10.2', 'J11.2']);
    expect(codes(await search('influenza unidentified respiratory'))).toEqual(['J11.1']);
    // "pain" begins words; "spain" would not match it.
    expect(await search('ain')).toEqual([]);
  });

  it('knows a few everyday words', async () => {
    expect(codes(await search('high blood pressure'))).toContain('I10');
    expect((await search('high blood pressure'))[0]?.code).toBe('I10');
    expect(codes(await search('sugar'))).toEqual(expect.arrayContaining(['E11.9', 'R73.9', 'E16.2']));
    expect(codes(await search('diabetes'))).toContain('E11.9');
    const decay = await search('tooth decay');
    expect(decay.length).toBeGreaterThanOrEqual(5);
    expect(decay.every((item) => /caries/i.test(item.description))).toBe(true);
    const back = codes(await search('back pain'));
    expect(back).toEqual(expect.arrayContaining(['M54.50', 'M54.9', 'M54.6']));
    expect(back).not.toContain('M25.511');
  });

  it('ranks the general code before its specific variants (the shortest description first)', async () => {
    expect((await search('pneumonia'))[0]).toEqual({
      code: 'J18.9',
      description: 'Pneumonia, unspecified organism',
      billable: true,
    });
  });

  it('finds nothing for words no description holds', async () => {
    expect(await search('xylophone')).toEqual([]);
    expect(await search("'; DROP TABLE icd10_codes; --")).toEqual([]);
    expect(await search('(.*')).toEqual([]);
  });
});

describe('GET /api/codes/icd10/{code}', () => {
  it('answers one code, with or without its dot', async () => {
    for (const code of ['E11.9', 'e119']) {
      const res = await provider.get(`/api/codes/icd10/${code}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        code: 'E11.9',
        description: 'Type 2 diabetes mellitus without complications',
        billable: true,
      });
    }
    expect((await provider.get('/api/codes/icd10/E11')).body).toEqual({
      code: 'E11',
      description: 'Type 2 diabetes mellitus',
      billable: false,
    });
  });

  it('answers 404 for an unknown or malformed code', async () => {
    for (const code of ['E11.7', 'hello', 'E1.19']) {
      const res = await provider.get(`/api/codes/icd10/${encodeURIComponent(code)}`);
      expect(res.status, code).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('serves every signed-in role (codes are not patient data), and nobody signed out', async () => {
    expect((await receptionist.get('/api/codes/icd10?q=flu')).status).toBe(200);
    expect((await receptionist.get('/api/codes/icd10/J11.1')).status).toBe(200);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/codes/icd10?q=flu' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('requireBillableIcd10', () => {
  const refusal = async (code: string): Promise<AppError> => {
    const error = await requireBillableIcd10(t.database.db, code, 'diagnoses.0.code').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation_failed');
    expect((error as AppError).fields[0]?.path).toBe('diagnoses.0.code');
    return error as AppError;
  };

  it('returns a billable code however it was typed', async () => {
    expect(await requireBillableIcd10(t.database.db, ' e11.9 ')).toEqual({
      code: 'E11.9',
      description: 'Type 2 diabetes mellitus without complications',
      billable: true,
    });
  });

  it('refuses a header and names a more specific code', async () => {
    expect((await refusal('E11')).message).toBe(
      'E11 is a category, not a billable code: choose a more specific code such as E11.9.',
    );
    expect((await refusal('j11')).message).toMatch(/^J11 is a category.*such as J11\.1\.$/);
    expect((await refusal('M54.5')).message).toMatch(/^M54\.5 is a category.*such as M54\.50\.$/);
  });

  it('refuses malformed and unknown codes', async () => {
    expect((await refusal('E1.19')).message).toMatch(/is not an ICD-10-CM code/);
    expect((await refusal('Q99.9')).message).toBe('Q99.9 is not a known ICD-10-CM code.');
  });

  it('refuses a code retired by a newer code set', async () => {
    await t.database.db.execute(sql`UPDATE icd10_codes SET billable = false WHERE code = 'R509'`);
    expect((await refusal('R50.9')).message).toMatch(/^R50\.9 is no longer a billable ICD-10-CM code/);
    await t.database.db.execute(sql`UPDATE icd10_codes SET billable = true WHERE code = 'R509'`);
  });
});
