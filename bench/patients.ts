import { type Database, queryRows } from '@tend/db';
import { sql } from 'drizzle-orm';
import { makePatient, prng } from './generate';

/**
 * Many patients in one clinic, fast: the generator's patients (`makePatient`: its names, phones
 * and the search columns the server writes, from the domain's own normalizeName/phoneticKey),
 * birth dates spread over 90 years, inserted 5,000 a statement as one JSON parameter (about
 * 1M patients in a few minutes on PostgreSQL; works on the embedded database too). MRNs are
 * 100001 + i; the clinic's MRN counter is moved past them, so patients registered through the
 * API afterwards get fresh numbers. The same seed gives the same names, dates and phones.
 */
export async function insertPatients(
  database: Database,
  clinicId: string,
  userId: string,
  count: number,
  seed: number,
  onProgress?: (inserted: number) => void,
): Promise<void> {
  const random = prng(seed);
  const firstDay = Date.parse('1935-01-01T00:00:00Z');
  const days = 90 * 365;
  const BATCH = 5000;
  for (let start = 0; start < count; start += BATCH) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const patient = makePatient(random, i, clinicId, userId);
      const birthDate = new Date(firstDay + Math.floor(random() * days) * 86_400_000).toISOString().slice(0, 10);
      rows.push({ ...patient, birthDate });
    }
    await database.db.execute(
      sql`INSERT INTO patients (id, clinic_id, mrn, given_name, family_name, birth_date, sex, phones, email,
                                search_name, search_phonetic, search_phones, created_by, updated_by)
          SELECT id, ${clinicId}::uuid, mrn, "givenName", "familyName", "birthDate", sex, phones, email,
                 "searchName", "searchPhonetic", "searchPhones", ${userId}::uuid, ${userId}::uuid
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
            id uuid, mrn text, "givenName" text, "familyName" text, "birthDate" date, sex text, phones jsonb,
            email text, "searchName" text, "searchPhonetic" text, "searchPhones" text)`,
    );
    onProgress?.(Math.min(count, start + BATCH));
  }
  await database.db.execute(
    sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${clinicId}, 'mrn', ${100_001 + count})
        ON CONFLICT (clinic_id, name) DO UPDATE SET next_value = GREATEST(clinic_counters.next_value, EXCLUDED.next_value)`,
  );
}

/** How many patients the clinic has (to reuse a kept database). */
export async function patientCount(database: Database, clinicId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM patients WHERE clinic_id = ${clinicId}`,
  );
  return row.n;
}
