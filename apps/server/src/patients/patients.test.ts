import { schema } from '@tend/db';
import { zPatientCreate } from '@tend/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, createTestApp, patientBody, type TestApp, type TestClinic } from '../test/harness';
import { registerPatient, searchPatients } from './service';

let t: TestApp;
let clinic: TestClinic;
let reception: ApiClient;

beforeAll(async () => {
  t = await createTestApp();
  clinic = await t.createClinic();
  reception = await t.signIn(await clinic.addUser('receptionist'));
});
afterAll(() => t.close());

describe('patient registration', () => {
  it('registers a patient with an MRN and normalised phone', async () => {
    const res = await reception.post('/api/patients', patientBody({ phone: '(617) 555-0134' }));
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.mrn).toMatch(/^\d{6}$/);
    expect(res.body.phone).toBe('+16175550134');
  });

  it('assigns increasing MRNs per clinic', async () => {
    const a = await reception.post('/api/patients', patientBody());
    const b = await reception.post('/api/patients', patientBody());
    expect(Number(b.body.mrn)).toBe(Number(a.body.mrn) + 1);
  });

  it('stops a likely duplicate (close name, same birth date) and shows the candidate', async () => {
    const first = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Jonathan', familyName: 'Whitfield', birthDate: '1971-03-09' }),
    );
    expect(first.status).toBe(201);
    const dup = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Jonathon', familyName: 'Whitfeld', birthDate: '1971-03-09' }),
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('possible_duplicate');
    expect(dup.body.error.details.candidates.map((c: { id: string }) => c.id)).toContain(first.body.id);
    // Showing the candidate is a look at that patient's record, audited against that patient.
    const warnings = await t.database.db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          eq(schema.auditEvents.action, 'patient.duplicate_warning'),
          eq(schema.auditEvents.patientId, first.body.id),
        ),
      );
    expect(warnings).toHaveLength(1);
    const confirmed = await reception.post('/api/patients', {
      ...patientBody({ givenName: 'Jonathon', familyName: 'Whitfeld', birthDate: '1971-03-09' }),
      allowDuplicate: true,
    });
    expect(confirmed.status).toBe(201);
  });

  it('finds the duplicate of a common name among more than 50 namesakes born on other days', async () => {
    // Namesakes born far from the date and from each other (each in its own year, and never on the
    // same month and day): none is close to another, so none is warned about.
    for (let i = 0; i < 55; i++) {
      const month = String(1 + (i % 12)).padStart(2, '0');
      const namesake = await reception.post(
        '/api/patients',
        patientBody({ givenName: 'Maria', familyName: 'Garcia', birthDate: `${1900 + i}-${month}-${13 + (i % 15)}` }),
      );
      expect(namesake.status, JSON.stringify(namesake.body)).toBe(201);
    }
    const same = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Maria', familyName: 'Garcia', birthDate: '1994-11-07' }),
    );
    expect(same.status, JSON.stringify(same.body)).toBe(201);
    const again = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'María', familyName: 'García', birthDate: '1994-11-07' }),
    );
    expect(again.status).toBe(409);
    expect(again.body.error.details.candidates.map((c: { id: string }) => c.id)).toEqual([same.body.id]);
    // One typo in the date (the day and month swapped) is close enough for the same name.
    const swapped = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Maria', familyName: 'Garcia', birthDate: '1994-07-11' }),
    );
    expect(swapped.status).toBe(409);
    expect(swapped.body.error.details.candidates.map((c: { id: string }) => c.id)).toEqual([same.body.id]);
  });

  it('finds a patient by a misspelt name', async () => {
    const created = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Catherine', familyName: 'Oyelaran' }),
    );
    for (const q of ['Katherine Oyelaran', 'oyelarn', 'Cathrine', 'Oyel']) {
      const res = await reception.get(`/api/patients?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(
        res.body.items.map((p: { id: string }) => p.id),
        q,
      ).toContain(created.body.id);
    }
  });

  it('refuses impossible input with a message per field and saves nothing', async () => {
    const before = await reception.get('/api/patients?limit=100');
    const res = await reception.post(
      '/api/patients',
      patientBody({ birthDate: '2023-02-30', email: 'not-an-email', phone: '12' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['birthDate', 'email']));
    const after = await reception.get('/api/patients?limit=100');
    expect(after.body.items.length).toBe(before.body.items.length);
  });
});

const found = async (client: ApiClient, q: string) =>
  (await client.get(`/api/patients?limit=100&q=${encodeURIComponent(q)}`)).body.items.map((p: { id: string }) => p.id);

describe('patient search', () => {
  it('finds a patient by MRN, first', async () => {
    const created = await reception.post('/api/patients', patientBody());
    const ids = await found(reception, created.body.mrn);
    expect(ids[0]).toBe(created.body.id);
  });

  it('finds a patient by any fragment of any of their phone numbers, however it is typed', async () => {
    const created = await reception.post(
      '/api/patients',
      patientBody({ phone: '(212) 867-5301', phones: [{ use: 'work', number: '212-439-8812' }] }),
    );
    expect(created.status).toBe(201);
    for (const q of ['8675301', '867-5301', '(212) 867', '+1 212 867 5301', '4398812']) {
      expect(await found(reception, q), q).toContain(created.body.id);
    }
    expect(await found(reception, '8675302')).not.toContain(created.body.id);
  });

  it('lists the MRN, then numbers ending with the digits, then numbers containing them, each by name', async () => {
    const own = await t.createClinic();
    const desk = await t.signIn(await own.addUser('receptionist'));
    const add = async (givenName: string, familyName: string, phone: string, phones: unknown[] = []) => {
      const created = await desk.post('/api/patients', patientBody({ givenName, familyName, phone, phones }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; mrn: string };
    };
    const containsZed = await add('Zed', 'Abbott', '(212) 555-7731');
    const endsYara = await add('Yara', 'Crane', '(212) 555-0577');
    const endsAda = await add('Ada', 'Crane', '(646) 321-0577');
    // Both numbers end with 0577: listed once.
    const endsTwice = await add('Bo', 'Birch', '(718) 222-0577', [{ use: 'work', number: '(917) 333-0577' }]);
    const containsAmy = await add('Amy', 'Abbott', '(212) 057-7123');
    const page = async (q: string, offset: number) =>
      (await desk.get(`/api/patients?q=${encodeURIComponent(q)}&limit=2&offset=${offset}`)).body.items.map(
        (p: { id: string }) => p.id,
      );
    const pages = async (q: string) => [...(await page(q, 0)), ...(await page(q, 2)), ...(await page(q, 4))];
    expect(await pages('0577')).toEqual([endsTwice.id, endsAda.id, endsYara.id, containsAmy.id]);
    expect(await pages('-0577')).toEqual(await pages('0577'));
    expect(await pages('555-0577')).toEqual([endsYara.id]);
    // The last digits of an MRN that is also in a phone number: the MRN first.
    expect((await page(containsZed.mrn, 0))[0]).toBe(containsZed.id);
    // A new number: the old one no longer ends the search, the new one does.
    expect((await desk.patch(`/api/patients/${endsAda.id}`, { phone: '(646) 321-9999' })).status).toBe(200);
    expect(await pages('0577')).toEqual([endsTwice.id, endsYara.id, containsAmy.id]);
    expect(await pages('9999')).toEqual([endsAda.id]);
    // Renamed: the name order follows.
    expect((await desk.patch(`/api/patients/${endsYara.id}`, { familyName: 'Aaron' })).status).toBe(200);
    expect(await pages('0577')).toEqual([endsYara.id, endsTwice.id, containsAmy.id]);
  });

  it('lists whole-word matches, then longer words, then misspellings, page after page without repeats', async () => {
    const own = await t.createClinic();
    const desk = await t.signIn(await own.addUser('receptionist'));
    const add = async (givenName: string, familyName: string) => {
      const created = await desk.post('/api/patients', patientBody({ givenName, familyName, allowDuplicate: true }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };
    const misspelt = await add('Dee', 'Quilfether');
    const longer = await add('Ben', 'Quillfeathers');
    const hyphenated = await add('Cy', 'Quillfeather-Smith');
    const exact = await add('Ada', 'Quillfeather');
    const twice = await add('Quillon', 'Quillfeathers');
    const page = async (q: string, offset: number) =>
      (await desk.get(`/api/patients?q=${encodeURIComponent(q)}&limit=2&offset=${offset}`)).body.items.map(
        (p: { id: string }) => p.id,
      );
    // The exact word first (by family, then given name), then the longer word, then the typo.
    expect([
      ...(await page('Quillfeather', 0)),
      ...(await page('Quillfeather', 2)),
      ...(await page('Quillfeather', 4)),
      ...(await page('Quillfeather', 6)),
    ]).toEqual([exact, hyphenated, longer, twice, misspelt]);
    // Every word of the query must begin a word of the name.
    expect((await page('ben quill', 0))[0]).toBe(longer);
    // Two words beginning "quill" still list the patient once.
    const all = [...(await page('quill', 0)), ...(await page('quill', 2)), ...(await page('quill', 4))];
    expect(all).toHaveLength(5);
    expect(new Set(all)).toEqual(new Set([exact, hyphenated, longer, twice, misspelt]));
    // Renamed: the index of name words follows.
    expect((await desk.patch(`/api/patients/${twice}`, { givenName: 'Rowan' })).status).toBe(200);
    const words = await t.database.db
      .select({ word: schema.patientNameWords.word, given: schema.patientNameWords.givenName })
      .from(schema.patientNameWords)
      .where(eq(schema.patientNameWords.patientId, twice));
    expect(words.sort((a, b) => (a.word < b.word ? -1 : 1))).toEqual([
      { word: 'quillfeathers', given: 'Rowan' },
      { word: 'rowan', given: 'Rowan' },
    ]);
    expect((await page('rowan quill', 0))[0]).toBe(twice);
  });

  it('lists two-word matches by both words, each patient once, and follows renames', async () => {
    const own = await t.createClinic();
    const desk = await t.signIn(await own.addUser('receptionist'));
    const add = async (givenName: string, familyName: string, preferredName?: string) => {
      const created = await desk.post(
        '/api/patients',
        patientBody({ givenName, familyName, preferredName, allowDuplicate: true }),
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body.id as string;
    };
    const longerGiven = await add('Marabelle', 'Brackenwood');
    const exact = await add('Mara', 'Brackenwood');
    const longerFamily = await add('Mara', 'Brackenwoods');
    // Given and preferred name both begin "mar": one patient, listed once.
    const twice = await add('Marguerite', 'Brackenwood', 'Mari');
    const otherClinic = await t.signIn(await (await t.createClinic()).addUser('receptionist'));
    expect(
      (await otherClinic.post('/api/patients', patientBody({ givenName: 'Mara', familyName: 'Brackenwood' }))).status,
    ).toBe(201);
    const page = async (q: string, offset: number) =>
      (await desk.get(`/api/patients?q=${encodeURIComponent(q)}&limit=2&offset=${offset}`)).body.items.map(
        (p: { id: string }) => p.id,
      );
    // By the longer query word's match ("brackenwood" before "brackenwoods"), then the other's
    // ("mara" before "marabelle"), page after page, in either word order; misspellings after them.
    for (const q of ['mara brackenwood', 'Brackenwood, Mara']) {
      expect([...(await page(q, 0)), ...(await page(q, 2))].slice(0, 3), q).toEqual([exact, longerGiven, longerFamily]);
    }
    const mar = [
      ...(await page('mar brackenwood', 0)),
      ...(await page('mar brackenwood', 2)),
      ...(await page('mar brackenwood', 4)),
    ];
    expect(mar).toEqual([exact, longerGiven, twice, longerFamily]); // twice: once, at its first pair
    // A third word is checked on the whole name.
    expect((await page('mari marg brackenwood', 0))[0]).toBe(twice);
    // A word beginning another ("mar mara") may match one name word: read as before.
    const nested = [...(await page('mar mara', 0)), ...(await page('mar mara', 2))];
    expect(new Set(nested.slice(0, 3))).toEqual(new Set([exact, longerGiven, longerFamily]));
    // Renamed: the pairs follow, the old name no longer matches as a prefix.
    expect((await desk.patch(`/api/patients/${exact}`, { givenName: 'Odalys' })).status).toBe(200);
    expect((await page('odalys brackenwood', 0))[0]).toBe(exact);
    expect(await page('mara brackenwood', 0)).toEqual([longerGiven, longerFamily]);
    const pairs = await t.database.db
      .select({ word: schema.patientNameWordPairs.word, other: schema.patientNameWordPairs.otherWord })
      .from(schema.patientNameWordPairs)
      .where(eq(schema.patientNameWordPairs.patientId, exact));
    expect(pairs.sort((a, b) => (a.word < b.word ? -1 : 1))).toEqual([
      { word: 'brackenwood', other: 'odalys' },
      { word: 'odalys', other: 'brackenwood' },
    ]);
    // One row per patient and word is a guarantee, not a habit of the triggers.
    const [row] = await t.database.db
      .select()
      .from(schema.patientNameWords)
      .where(eq(schema.patientNameWords.patientId, exact))
      .limit(1);
    await expect(t.database.db.insert(schema.patientNameWords).values(row)).rejects.toThrow();
  });

  it('finds a patient by birth date typed as ISO or as the clinic’s local format', async () => {
    const created = await reception.post('/api/patients', patientBody({ birthDate: '1932-11-27' }));
    expect(await found(reception, '1932-11-27')).toEqual([created.body.id]);
    expect(await found(reception, '11/27/1932')).toEqual([created.body.id]);
    expect(await found(reception, '27/11/1932')).toEqual([]);
  });

  it('reads day-first dates in a clinic outside the US', async () => {
    const uk = await t.createClinic({ country: 'GB', timezone: 'Europe/London' });
    const ctx = await uk.adminCtx();
    const patient = await registerPatient(
      t.database.db,
      ctx,
      zPatientCreate.parse(patientBody({ birthDate: '1932-11-07', phone: '020 7946 0958' })),
    );
    expect(patient.phone).toBe('+442079460958');
    const search = (q: string) => searchPatients(t.database.db, ctx, { q, limit: 25, offset: 0 });
    expect((await search('07/11/1932')).items.map((p) => p.id)).toEqual([patient.id]);
    expect((await search('11/07/1932')).items).toEqual([]);
  });

  it('answers a date that does not exist with no results, not an error', async () => {
    for (const q of ['1932-02-30', '13/45/1990']) {
      const res = await reception.get(`/api/patients?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.items).toEqual([]);
    }
  });
});

describe('duplicate check', () => {
  const reasonsFor = (
    res: { body: { error: { details: { candidates: { id: string; reasons: string[] }[] } } } },
    id: string,
  ) => res.body.error.details.candidates.find((c) => c.id === id)?.reasons;

  it('flags another person registered with the same phone number', async () => {
    const first = await reception.post('/api/patients', patientBody({ phone: '(305) 555-0143' }));
    const second = await reception.post('/api/patients', patientBody({ phone: '305.555.0143' }));
    expect(second.status).toBe(409);
    expect(reasonsFor(second, first.body.id)).toEqual(['phone']);
  });

  it('flags another person registered with the same email address, in any letter case', async () => {
    const first = await reception.post('/api/patients', patientBody({ email: 'shared.inbox@example.com' }));
    const second = await reception.post('/api/patients', patientBody({ email: 'Shared.Inbox@Example.com' }));
    expect(second.status).toBe(409);
    expect(reasonsFor(second, first.body.id)).toEqual(['email']);
  });

  it('flags the same name with day and month of the birth date swapped', async () => {
    const first = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Marguerite', familyName: 'Okonkwo', birthDate: '1984-03-07' }),
    );
    const second = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Marguerite', familyName: 'Okonkwo', birthDate: '1984-07-03' }),
    );
    expect(second.status).toBe(409);
    expect(reasonsFor(second, first.body.id)).toEqual(['name_and_birth_date']);
  });

  it('does not flag the same name with an unrelated birth date', async () => {
    await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Theodora', familyName: 'Blackwood', birthDate: '1950-01-15' }),
    );
    const other = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Theodora', familyName: 'Blackwood', birthDate: '1988-09-23' }),
    );
    expect(other.status).toBe(201);
  });
});

describe('changing a patient', () => {
  it('replaces the primary phone, keeps the other numbers and fields, and search follows', async () => {
    const created = await reception.post(
      '/api/patients',
      patientBody({
        phone: '(415) 555-0161',
        phones: [{ use: 'home', number: '415-555-0162' }],
        preferredName: 'Bea',
        frontDeskNotes: 'Prefers mornings',
      }),
    );
    const res = await reception.patch(`/api/patients/${created.body.id}`, { phone: '415 555 0177' });
    expect(res.status).toBe(200);
    expect(res.body.phone).toBe('+14155550177');
    expect(res.body.phones).toEqual([
      { use: 'mobile', number: '+14155550177' },
      { use: 'home', number: '+14155550162' },
    ]);
    expect(res.body).toMatchObject({
      email: created.body.email,
      preferredName: 'Bea',
      frontDeskNotes: 'Prefers mornings',
      birthDate: created.body.birthDate,
    });
    expect(await found(reception, '5550177')).toContain(created.body.id);
    expect(await found(reception, '5550161')).not.toContain(created.body.id);
  });

  it('finds the patient by a corrected name, no longer by the old one', async () => {
    const created = await reception.post('/api/patients', patientBody({ familyName: 'Fitzwilliamz' }));
    await reception.patch(`/api/patients/${created.body.id}`, { familyName: 'Pemberton-Fitzgerald' });
    expect(await found(reception, 'Pemberton')).toContain(created.body.id);
    expect(await found(reception, 'Fitzwilliamz')).not.toContain(created.body.id);
  });

  it('refuses a future birth date on the birthDate field, and changes nothing', async () => {
    const created = await reception.post('/api/patients', patientBody());
    const res = await reception.patch(`/api/patients/${created.body.id}`, {
      birthDate: '2999-01-01',
      givenName: 'Changed',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['birthDate']);
    const after = await reception.get(`/api/patients/${created.body.id}`);
    expect(after.body).toMatchObject({
      birthDate: created.body.birthDate,
      givenName: created.body.givenName,
      updatedAt: created.body.updatedAt,
    });
  });

  it('checks the postal code against the address’s country', async () => {
    const address = { line1: '1 Main St', city: 'Cambridge', postalCode: 'ABCDE', country: 'US' };
    const res = await reception.post('/api/patients', patientBody({ address }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['address.postalCode']);
    expect(res.body.error.fields[0].message).toContain('02139');

    const created = await reception.post(
      '/api/patients',
      patientBody({ address: { ...address, postalCode: '02139' } }),
    );
    expect(created.status).toBe(201);
    const patch = await reception.patch(`/api/patients/${created.body.id}`, {
      address: { ...address, postalCode: '2139' },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['address.postalCode']);
  });

  it('checks and normalises the emergency contact’s phone', async () => {
    const bad = await reception.post(
      '/api/patients',
      patientBody({ emergencyContact: { name: 'Tom Jones', phone: '12' } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['emergencyContact.phone']);
    const good = await reception.post(
      '/api/patients',
      patientBody({ emergencyContact: { name: 'Tom Jones', relationship: 'Brother', phone: '(617) 555-0100' } }),
    );
    expect(good.body.emergencyContact).toEqual({ name: 'Tom Jones', relationship: 'Brother', phone: '+16175550100' });
    const patch = await reception.patch(`/api/patients/${good.body.id}`, {
      emergencyContact: { name: 'Tom Jones', phone: 'nope' },
    });
    expect(patch.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['emergencyContact.phone']);
  });

  it('answers 404 for an id that does not exist and 400 for one that is not an id', async () => {
    const missing = '0190a0b4-8b5a-7c4e-9f3d-0123456789ab';
    expect((await reception.get(`/api/patients/${missing}`)).status).toBe(404);
    expect((await reception.patch(`/api/patients/${missing}`, { givenName: 'Nobody' })).status).toBe(404);
    const bad = await reception.get('/api/patients/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['params.id']);
  });

  it('finds a patient when every word of the name is misspelt', async () => {
    const created = await reception.post(
      '/api/patients',
      patientBody({ givenName: 'Jonathan', familyName: 'Smithers' }),
    );
    const res = await reception.get(`/api/patients?q=${encodeURIComponent('Jonh Smithrs')}`);
    expect(res.body.items.map((p: { id: string }) => p.id)).toContain(created.body.id);
  });

  it('keeps the kind of the primary number when the phone is edited at check-in', async () => {
    const created = await reception.post('/api/patients', {
      ...patientBody({ phone: null }),
      phones: [{ use: 'home', number: '617-555-0111' }],
    });
    const res = await reception.patch(`/api/patients/${created.body.id}`, { phone: '617-555-0122' });
    expect(res.status).toBe(200);
    expect(res.body.phones).toEqual([{ use: 'home', number: '+16175550122' }]);
  });

  it('refuses invisible control characters with a message on the field, not a server error', async () => {
    const res = await reception.post('/api/patients', patientBody({ frontDeskNotes: 'needs\u0000 ramp' }));
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['frontDeskNotes']);
    expect((await reception.get('/api/patients?q=ab%00c')).status).toBe(400);
  });
});
