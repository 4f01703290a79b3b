import { schema } from '@tend/db';
import { AUDIT_SORT_FIELDS, type AuditSortField } from '@tend/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, patientBody, type TestApp } from '../test/harness';

/** Audit reports: filter and sort by every column, and the whole result as CSV. */

let t: TestApp;
let manager: ApiClient;
let reception: ApiClient;
let otherManager: ApiClient;

interface Fixture {
  id: string;
  occurredAt: string;
  actorName: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  outcome: 'success' | 'failure';
  patientId: string | null;
  patientName: string | null;
  entityType: string | null;
  entityId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}
const fixture: Fixture[] = [];
const WINDOW = `from=${encodeURIComponent('2031-03-01T00:00:00Z')}&to=${encodeURIComponent('2031-03-31T23:59:59Z')}`;

beforeAll(async () => {
  t = await createTestApp();
  const clinic = await t.createClinic();
  const other = await t.createClinic();
  const db = t.database.db;
  const staff = await Promise.all(
    (['provider', 'billing', 'receptionist'] as const).map((role) => clinic.addUser(role)),
  );
  const names = ['alice Zed', 'Bob Young', 'carol Xu'];
  for (const [i, user] of staff.entries()) {
    await db.update(schema.users).set({ name: names[i] }).where(eq(schema.users.id, user.userId));
  }
  const managerCredentials = await clinic.addUser('manager');
  [manager, reception, otherManager] = await Promise.all([
    t.signIn(managerCredentials),
    t.signIn(staff[2]),
    t.signIn(await other.addUser('manager')),
  ]);
  const patients = [];
  for (const [givenName, familyName] of [
    ['Ann', 'Able'],
    ['zoe', 'Young'],
  ]) {
    const res = await reception.post('/api/patients', patientBody({ givenName, familyName }));
    expect(res.status).toBe(201);
    patients.push({ id: res.body.id as string, name: `${givenName} ${familyName}` });
  }

  // Rows written out of time order, with ties in time, empty values and text a spreadsheet would run.
  const spec = [
    { day: 5, actor: 0, action: 'patient.read', outcome: 'success', patient: 0, ip: '10.0.0.2', ua: 'Mozilla/5.0' },
    { day: 2, actor: 1, action: 'claim.export', outcome: 'success', patient: 1, ip: '192.168.1.9', ua: '=cmd|calc' },
    {
      day: 9,
      actor: null,
      action: 'auth.sign_in_failed',
      outcome: 'failure',
      patient: null,
      ip: '203.0.113.7',
      ua: null,
    },
    { day: 5, actor: 2, action: 'patient.update', outcome: 'success', patient: 1, ip: null, ua: 'ZebraBrowser 2' },
    { day: 1, actor: 2, action: 'access.denied', outcome: 'failure', patient: null, ip: '10.0.0.2', ua: 'curl/8' },
    { day: 7, actor: 0, action: 'encounter.sign', outcome: 'success', patient: 0, ip: '10.0.0.10', ua: 'Mozilla/5.0' },
    { day: 3, actor: 1, action: 'payment.post', outcome: 'success', patient: null, ip: '10.0.0.2', ua: '@SUM(A1)' },
    { day: 8, actor: 2, action: 'patient.search', outcome: 'success', patient: 0, ip: '172.16.0.1', ua: 'Safari' },
  ] as const;
  for (const [i, row] of spec.entries()) {
    const actor = row.actor === null ? null : staff[row.actor];
    const patient = row.patient === null ? null : patients[row.patient];
    const values = {
      clinicId: clinic.clinicId,
      occurredAt: new Date(Date.UTC(2031, 2, row.day, 12, 0, 0)),
      actorUserId: actor?.userId ?? null,
      actorRole: actor ? (['provider', 'billing', 'receptionist'] as const)[row.actor as number] : null,
      action: row.action,
      outcome: row.outcome,
      patientId: patient?.id ?? null,
      entityType: patient ? 'patient' : i === 2 ? null : 'claim',
      entityId: patient ? patient.id : i === 2 ? null : `C-${100 - i}`,
      ip: row.ip,
      userAgent: row.ua,
      details: i === 2 ? { reason: 'bad_password', note: 'a, "quoted" zebra' } : { n: i },
    };
    const [inserted] = await db.insert(schema.auditEvents).values(values).returning({ id: schema.auditEvents.id });
    fixture.push({
      id: String(inserted.id),
      occurredAt: values.occurredAt.toISOString(),
      actorName: actor ? names[row.actor as number] : null,
      actorEmail: actor?.email ?? null,
      actorRole: values.actorRole,
      action: values.action,
      outcome: values.outcome,
      patientId: values.patientId,
      patientName: patient?.name ?? null,
      entityType: values.entityType,
      entityId: values.entityId,
      ip: values.ip,
      userAgent: values.userAgent,
      details: values.details,
    });
    // The same row in another clinic: never in this clinic's reports.
    await db.insert(schema.auditEvents).values({ ...values, clinicId: other.clinicId, userAgent: 'other-clinic' });
  }
});
afterAll(() => t.close());

async function list(query: string, window = WINDOW): Promise<Fixture[]> {
  const res = await manager.get(`/api/audit-events?${window}&limit=500&${query}`);
  expect(res.status).toBe(200);
  expect(res.body.total).toBe(res.body.items.length);
  return res.body.items;
}

/** What the server promises: lower-case names, code-point order, empty values last, then write order. */
function jsSorted(field: AuditSortField, dir: 'asc' | 'desc'): string[] {
  const key = (row: Fixture): string | null => {
    const value = row[field];
    if (value === null) return null;
    return field === 'actorName' || field === 'actorEmail' || field === 'patientName' ? value.toLowerCase() : value;
  };
  const factor = dir === 'asc' ? 1 : -1;
  return [...fixture]
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return factor * (x < y ? -1 : 1);
      }
      return factor * (Number(a.id) - Number(b.id));
    })
    .map((row) => row.id);
}

describe('sorting the audit report', () => {
  for (const field of AUDIT_SORT_FIELDS) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`by ${field}, ${dir}`, async () => {
        const rows = await list(`sort=${field}&dir=${dir}`);
        expect(rows.map((row) => row.id)).toEqual(jsSorted(field, dir));
      });
    }
  }

  it('is newest first unless asked otherwise', async () => {
    expect((await list('')).map((row) => row.id)).toEqual(jsSorted('occurredAt', 'desc'));
  });

  it('refuses a column it does not know, saying which', async () => {
    const res = await manager.get('/api/audit-events?sort=details;drop%20table%20users');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('sort');
    const dir = await manager.get('/api/audit-events?dir=sideways');
    expect(dir.status).toBe(400);
  });
});

describe('filtering the audit report', () => {
  const expectIds = async (query: string, keep: (row: Fixture) => boolean, window = WINDOW) => {
    const expected = jsSorted('occurredAt', 'desc').filter((id) => keep(fixture.find((row) => row.id === id)!));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(fixture.length);
    expect((await list(query, window)).map((row) => row.id)).toEqual(expected);
  };

  it('by outcome', () => expectIds('outcome=failure', (row) => row.outcome === 'failure'));
  it('by role', () => expectIds('actorRole=billing', (row) => row.actorRole === 'billing'));
  it('by action', () => expectIds('action=patient.update', (row) => row.action === 'patient.update'));
  it('by record type', () => expectIds('entityType=claim', (row) => row.entityType === 'claim'));
  it('by record id', () => {
    const id = fixture.find((row) => row.entityType === 'claim')!.entityId!;
    return expectIds(`entityId=${id}`, (row) => row.entityId === id);
  });
  it('by address', () => expectIds('ip=10.0.0.2', (row) => row.ip === '10.0.0.2'));
  it('by patient', () => {
    const id = fixture.find((row) => row.patientName === 'Ann Able')!.patientId!;
    return expectIds(`patientId=${id}`, (row) => row.patientId === id);
  });
  it('by text in the browser or the details, ignoring case', () =>
    expectIds('q=ZEBRA', (row) => /zebra/i.test(`${row.userAgent} ${JSON.stringify(row.details)}`)));
  it('by text with LIKE wildcards taken literally', async () => {
    expect(await list('q=%25')).toEqual([]);
    expect(await list('q=ba_')).toEqual([]);
    expect((await list('q=d_p')).map((row) => row.details)).toEqual([
      expect.objectContaining({ reason: 'bad_password' }),
    ]);
  });
  it('by time', () =>
    expectIds(
      '',
      (row) => row.occurredAt >= '2031-03-05' && row.occurredAt < '2031-03-08',
      `from=${encodeURIComponent('2031-03-05T00:00:00Z')}&to=${encodeURIComponent('2031-03-07T23:59:59Z')}`,
    ));
  it('by several at once', () =>
    expectIds('ip=10.0.0.2&outcome=success', (row) => row.ip === '10.0.0.2' && row.outcome === 'success'));

  it('never shows another clinic’s events', async () => {
    const mine = await list('');
    expect(mine.map((row) => row.userAgent)).not.toContain('other-clinic');
    const theirs = await otherManager.get(`/api/audit-events?${WINDOW}&limit=500`);
    expect(theirs.body.items.map((row: Fixture) => row.userAgent)).toEqual(fixture.map(() => 'other-clinic'));
  });
});

/** A small RFC 4180 reader, enough to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('the audit report as CSV', () => {
  it('has every matching event in the chosen order, every column, escaped, formulas defused', async () => {
    const res = await manager.get(`/api/audit-events?${WINDOW}&sort=ip&dir=asc`, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const [header, ...lines] = parseCsv(res.body as string);
    expect(header).toEqual([
      'Time (UTC)',
      'Who',
      'Email',
      'Role',
      'Action',
      'Action (described)',
      'Outcome',
      'Patient id',
      'Patient',
      'Record type',
      'Record id',
      'IP address',
      'Browser',
      'Details (JSON)',
    ]);
    const byId = new Map(fixture.map((row) => [row.id, row]));
    expect(lines.map((line) => JSON.parse(line[13]))).toEqual(jsSorted('ip', 'asc').map((id) => byId.get(id)!.details));
    const ann = lines.find((line) => line[4] === 'encounter.sign')!;
    const source = fixture.find((row) => row.action === 'encounter.sign')!;
    expect(ann).toEqual([
      source.occurredAt,
      'alice Zed',
      source.actorEmail,
      'provider',
      'encounter.sign',
      'Signed a visit',
      'success',
      source.patientId,
      'Ann Able',
      'patient',
      source.patientId,
      '10.0.0.10',
      'Mozilla/5.0',
      '{"n":5}',
    ]);
    const agents = lines.map((line) => line[12]);
    expect(agents).toContain("'=cmd|calc");
    expect(agents).toContain("'@SUM(A1)");
    expect(agents).not.toContain('=cmd|calc');
    expect(res.body as string).not.toContain('other-clinic');
  });

  it('answers format=csv too, with the filters applied', async () => {
    const res = await manager.get(`/api/audit-events?${WINDOW}&outcome=failure&format=csv`);
    expect(res.status).toBe(200);
    expect(parseCsv(res.body as string)).toHaveLength(1 + fixture.filter((row) => row.outcome === 'failure').length);
  });

  it('is audited as an export, with the filter and the number of rows but not the searched text', async () => {
    const res = await manager.get(`/api/audit-events?${WINDOW}&q=zebra&format=csv`);
    expect(parseCsv(res.body as string)).toHaveLength(3);
    const audit = await manager.get('/api/audit-events?action=audit.export&limit=1');
    expect(audit.body.items[0]).toMatchObject({
      action: 'audit.export',
      actorRole: 'manager',
      details: { format: 'csv', rowCount: 2, filter: { q: true, sort: 'occurredAt', dir: 'desc' } },
    });
    expect(JSON.stringify(audit.body.items[0].details)).not.toContain('zebra');
  });

  it('is not for the front desk', async () => {
    const res = await reception.get(`/api/audit-events?${WINDOW}&format=csv`);
    expect(res.status).toBe(403);
  });
});
