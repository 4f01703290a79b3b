import { type Db, newId, queryRows, schema } from '@tend/db';
import {
  AppError,
  checkPatientInClinic,
  classifyPatientQuery,
  closeBirthDates,
  compareBirthDates,
  type DuplicateCandidate,
  digitsOnly,
  duplicateReasons,
  normalizeName,
  type Patient,
  type PatientCreate,
  type PatientPatch,
  type PatientSummary,
  type Phone,
  phoneticKey,
  todayIn,
} from '@tend/domain';
import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import { recordAudit, recordPatientsAccess } from '../audit/service';
import { getClinic } from '../auth/service';
import type { RequestContext } from '../context';
import { withdrawPatientMessages } from '../messaging/outbox';

type PatientRow = typeof schema.patients.$inferSelect;

export function toPatient(row: PatientRow): Patient {
  return {
    id: row.id,
    mrn: row.mrn,
    givenName: row.givenName,
    familyName: row.familyName,
    preferredName: row.preferredName,
    birthDate: row.birthDate,
    sex: row.sex,
    phone: row.phones[0]?.number ?? null,
    phones: row.phones,
    email: row.email,
    address: row.address ?? null,
    preferredContactMethod: row.preferredContactMethod,
    preferredLanguage: row.preferredLanguage,
    emergencyContact: row.emergencyContact ?? null,
    frontDeskNotes: row.frontDeskNotes,
    smsOptOut: row.smsOptOutAt !== null,
    smsOptOutAt: row.smsOptOutAt?.toISOString() ?? null,
    emailOptOut: row.emailOptOutAt !== null,
    emailOptOutAt: row.emailOptOutAt?.toISOString() ?? null,
    restricted: row.restricted,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toSummary(row: PatientRow): PatientSummary {
  const { id, mrn, givenName, familyName, preferredName, birthDate, sex, phone, email } = toPatient(row);
  return { id, mrn, givenName, familyName, preferredName, birthDate, sex, phone, email };
}

function searchName(p: { givenName: string; familyName: string; preferredName: string | null }): string {
  return normalizeName([p.givenName, p.familyName, p.preferredName ?? ''].join(' '));
}

function searchPhones(phones: Phone[]): string {
  return phones.map((p) => digitsOnly(p.number)).join(' ');
}

/** The patient, if it belongs to the caller's clinic; otherwise 404 (never "forbidden", which would confirm it exists). */
export async function requirePatient(db: Db, ctx: RequestContext, patientId: string): Promise<PatientRow> {
  const [row] = await db
    .select()
    .from(schema.patients)
    .where(and(eq(schema.patients.id, patientId), eq(schema.patients.clinicId, ctx.clinicId)));
  if (!row) throw AppError.notFound('The patient');
  return row;
}

async function clinicRules(db: Db, ctx: RequestContext) {
  const clinic = await getClinic(db, ctx.clinicId);
  return { country: clinic.country, today: todayIn(clinic.timezone) };
}

export async function registerPatient(db: Db, ctx: RequestContext, input: PatientCreate): Promise<Patient> {
  const checked = checkPatientInClinic(input, await clinicRules(db, ctx));
  if (checked.errors.length) throw AppError.validation(checked.errors);
  const phones = checked.phones ?? [];
  const emergencyContact = input.emergencyContact
    ? { ...input.emergencyContact, phone: checked.emergencyPhone ?? input.emergencyContact.phone }
    : null;
  const candidates = await findDuplicateCandidates(db, ctx, { ...input, phones });
  if (candidates.length && !input.allowDuplicate) {
    // The candidates' details are shown to the user: each of them was looked at.
    await recordPatientsAccess(
      db,
      ctx,
      'patient.duplicate_warning',
      candidates.map((c) => c.id),
      { candidateCount: candidates.length },
    );
    throw new AppError(
      'possible_duplicate',
      'This patient may already be registered. Open the existing chart, or confirm that this is a different person.',
      { details: { candidates } },
    );
  }
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [counter] = await queryRows<{ value: string | number }>(
      tx,
      sql`INSERT INTO clinic_counters (clinic_id, name, next_value) VALUES (${ctx.clinicId}, 'mrn', 100002)
          ON CONFLICT (clinic_id, name) DO UPDATE SET next_value = clinic_counters.next_value + 1
          RETURNING next_value - 1 AS value`,
    );
    const [inserted] = await tx
      .insert(schema.patients)
      .values({
        id,
        clinicId: ctx.clinicId,
        mrn: String(counter.value),
        givenName: input.givenName,
        familyName: input.familyName,
        preferredName: input.preferredName,
        birthDate: input.birthDate,
        sex: input.sex,
        phones,
        email: input.email,
        address: input.address,
        preferredContactMethod: input.preferredContactMethod,
        preferredLanguage: input.preferredLanguage,
        emergencyContact,
        frontDeskNotes: input.frontDeskNotes,
        searchName: searchName(input),
        searchPhonetic: phoneticKey(searchName(input)),
        searchPhones: searchPhones(phones),
        createdBy: ctx.userId,
        updatedBy: ctx.userId,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'patient.create',
      patientId: id,
      entityType: 'patient',
      entityId: id,
      details: candidates.length ? { confirmedDifferentFrom: candidates.map((c) => c.id) } : null,
    });
    return inserted;
  });
  return toPatient(row);
}

/**
 * Existing patients a new registration may duplicate: a close name with the same or a
 * one-typo birth date, or the same phone number or email address.
 */
export async function findDuplicateCandidates(
  db: Db,
  ctx: RequestContext,
  input: { givenName: string; familyName: string; birthDate: string; phones: Phone[]; email: string | null },
  excludeId?: string,
): Promise<DuplicateCandidate[]> {
  const name = normalizeName(`${input.givenName} ${input.familyName}`);
  const phones = input.phones.map((p) => digitsOnly(p.number)).filter(Boolean);
  const email = input.email?.toLowerCase() ?? '';
  // Each branch is one the indexes answer (a bitmap of each, or'ed), never a scan of every patient:
  // a close name among the patients born on the same or a close date (`closeBirthDates`, ≈170
  // dates, through the birth date index), each phone by the phones' trigram index (LIKE, then the
  // exact number), the email by its index. As `similarity(…) >= 0.4` alone the name read all 1M
  // patients of the bench network (1.3 s a registration), and for a common name the 50 most
  // similar could all be namesakes born on other days, leaving out the real duplicate.
  const phoneMatch = phones.length
    ? sql`((${sql.join(
        phones.map((digits) => sql`search_phones LIKE ${`%${digits}%`}`),
        sql` OR `,
      )}) AND string_to_array(search_phones, ' ') && string_to_array(${phones.join(' ')}, ' '))`
    : sql`false`;
  const emailMatch = email ? sql`lower(email) = ${email}` : sql`false`;
  const rows = await queryRows<{ id: string; name_similarity: number; phone_match: boolean; email_match: boolean }>(
    db,
    sql`SELECT id,
          similarity(search_name, ${name})::float8 AS name_similarity,
          ${phoneMatch} AS phone_match,
          ${emailMatch} AS email_match
        FROM patients
        WHERE clinic_id = ${ctx.clinicId}
          AND (${excludeId ?? null}::uuid IS NULL OR id <> ${excludeId ?? null}::uuid)
          AND ((birth_date = ANY (string_to_array(${closeBirthDates(input.birthDate).join(',')}, ',')::date[])
                AND similarity(search_name, ${name}) >= 0.4)
               OR ${phoneMatch} OR ${emailMatch})
        ORDER BY name_similarity DESC
        LIMIT 50`,
  );
  if (!rows.length) return [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const patients = await db
    .select()
    .from(schema.patients)
    .where(
      and(
        eq(schema.patients.clinicId, ctx.clinicId),
        sql`${schema.patients.id} IN (${sql.join(
          rows.map((r) => sql`${r.id}::uuid`),
          sql`, `,
        )})`,
      ),
    );
  const candidates: DuplicateCandidate[] = [];
  for (const patient of patients) {
    const evidence = byId.get(patient.id)!;
    const reasons = duplicateReasons({
      nameSimilarity: Number(evidence.name_similarity),
      birthDates: compareBirthDates(patient.birthDate, input.birthDate),
      phoneMatch: Boolean(evidence.phone_match),
      emailMatch: Boolean(evidence.email_match),
    });
    if (reasons.length) candidates.push({ ...toSummary(patient), reasons });
  }
  return candidates.slice(0, 10);
}

export async function getPatient(db: Db, ctx: RequestContext, patientId: string): Promise<Patient> {
  const row = await requirePatient(db, ctx, patientId);
  await recordAudit(db, ctx, { action: 'patient.read', patientId, entityType: 'patient', entityId: patientId });
  return toPatient(row);
}

export async function searchPatients(
  db: Db,
  ctx: RequestContext,
  options: { q?: string | undefined; limit: number; offset: number },
): Promise<{ items: PatientSummary[] }> {
  const clinic = await getClinic(db, ctx.clinicId);
  const query = options.q ? classifyPatientQuery(options.q, clinic.country) : null;
  let rows: PatientRow[];
  const p = schema.patients;
  if (options.q && !query) {
    rows = [];
  } else if (!query) {
    rows = await db
      .select()
      .from(p)
      .where(eq(p.clinicId, ctx.clinicId))
      .orderBy(desc(p.updatedAt))
      .limit(options.limit)
      .offset(options.offset);
  } else if (query.kind === 'birthDate') {
    rows = await db
      .select()
      .from(p)
      .where(and(eq(p.clinicId, ctx.clinicId), eq(p.birthDate, query.birthDate)))
      .orderBy(p.familyName, p.givenName)
      .limit(options.limit)
      .offset(options.offset);
  } else if (query.kind === 'digits') {
    rows = await searchByDigits(db, ctx, query.digits, options);
  } else {
    rows = await searchByName(db, ctx, query.name, options);
  }
  // Every patient shown in a result list was looked at: one audit row each, so the patient's
  // "who looked at this record" includes searches that displayed them.
  await recordPatientsAccess(
    db,
    ctx,
    'patient.search',
    rows.map((r) => r.id),
    { kind: query?.kind ?? 'recent', resultCount: rows.length },
  );
  return { items: rows.map(toSummary) };
}

/** The clinic's patients of `ids`, in that order. */
async function patientsInOrder(db: Db, ctx: RequestContext, ids: string[]): Promise<PatientRow[]> {
  if (!ids.length) return [];
  const p = schema.patients;
  const found = await db
    .select()
    .from(p)
    .where(and(eq(p.clinicId, ctx.clinicId), inArray(p.id, ids)));
  const byId = new Map(found.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is PatientRow => row !== undefined);
}

/**
 * Digits: the patient with that MRN first, then the patients with a phone number ending with the
 * digits (the last 4 or 7, the usual way to ask: read in name order from patient_phone_numbers,
 * whose digits are reversed, from the index alone), then those with a number only containing them
 * ("(212) 867", from the trigram index), each by family and given name. Paging runs through them
 * in that order; a patient is listed once, at the first.
 */
async function searchByDigits(
  db: Db,
  ctx: RequestContext,
  digits: string,
  options: { limit: number; offset: number },
): Promise<PatientRow[]> {
  const wanted = options.offset + options.limit;
  const ending = `${[...digits].reverse().join('')}%`;
  // The trigram index is asked for the last 7 digits at most: the first ones (country and area
  // code) are in most numbers, and intersecting their long lists cost ~400 pages for a full
  // number; the whole digits are then checked on the row.
  const probe = `%${digits.slice(-7)}%`;
  // One statement: the containing numbers (which must all be read to be sorted) are asked for
  // only when the MRN and the endings do not fill the page (a one-time filter on their count).
  const rows = await queryRows<{ patient_id: string }>(
    db,
    sql`WITH first AS (
          SELECT patient_id, min(rank) AS rank, family_name, given_name FROM (
            SELECT id AS patient_id, 0 AS rank, family_name, given_name FROM patients
            WHERE clinic_id = ${ctx.clinicId} AND mrn = ${digits}
            UNION ALL
            SELECT patient_id, 1, family_name, given_name FROM patient_phone_numbers
            WHERE clinic_id = ${ctx.clinicId} AND reversed_digits LIKE ${ending}
          ) m
          GROUP BY patient_id, family_name, given_name
          ORDER BY min(rank), family_name, given_name, patient_id
          LIMIT ${wanted}
        )
        SELECT patient_id FROM (
          SELECT patient_id, rank, family_name, given_name FROM first
          UNION ALL
          (SELECT id, 2, family_name, given_name FROM patients
           WHERE (SELECT count(*) FROM first) < ${wanted}
             AND clinic_id = ${ctx.clinicId} AND search_phones LIKE ${probe}
             AND strpos(search_phones, ${digits}) > 0 AND mrn <> ${digits}
             AND NOT EXISTS (SELECT 1 FROM patient_phone_numbers n
                             WHERE n.patient_id = patients.id AND n.reversed_digits LIKE ${ending})
           ORDER BY family_name, given_name, id
           LIMIT ${wanted})
        ) r
        ORDER BY rank, family_name, given_name, patient_id
        LIMIT ${options.limit} OFFSET ${options.offset}`,
  );
  const ids = rows.map((r) => r.patient_id);
  return patientsInOrder(db, ctx, ids);
}

/** `word` begins a word of `column` (normalizeName leaves no LIKE wildcard in a word). */
function beginsWord(column: SQL, word: string): SQL {
  return sql`(${column} LIKE ${`${word}%`} OR ${column} LIKE ${`% ${word}%`})`;
}

/**
 * Name search, best matches first, in two tiers:
 * 1. Every word of the query begins a word of the name ("smi", "maya smi"): read in order from
 *    the btree of name words (patient_name_words), ordered by the matched word (so the exact
 *    word "smith" comes before "smithers"), then family and given name. The index is walked in
 *    that order and stops at the page's end, however many patients match.
 * 2. Only when those do not fill the page: typo-tolerant matches that are not prefix matches —
 *    trigram word similarity ("Jonathn"), Soundex of any word ("Jonh Smiht" finds the Smiths) —
 *    patients matching more of the words, and more closely, first.
 * Paging runs through tier 1, then tier 2.
 */
async function searchByName(
  db: Db,
  ctx: RequestContext,
  name: string,
  options: { limit: number; offset: number },
): Promise<PatientRow[]> {
  const words = [...new Set(name.split(' ').filter(Boolean))];
  const wanted = options.offset + options.limit;
  // Two different name words must begin with two query words unless one query word begins
  // another ("jo john" may match the one word "john"): then the single words are read.
  const nested = words.some((a) => words.some((b) => a !== b && b.startsWith(a)));
  const prefixRows =
    words.length > 1 && !nested
      ? await prefixMatchesOfPairs(db, ctx, words, wanted)
      : await prefixMatchesOfWords(db, ctx, words, wanted);
  const ids = prefixRows.slice(options.offset).map((r) => r.patient_id);
  if (prefixRows.length < wanted) {
    ids.push(
      ...(await fuzzyNameMatches(db, ctx, name, words, options.limit - ids.length, options.offset - prefixRows.length)),
    );
  }
  return patientsInOrder(db, ctx, ids);
}

/**
 * Tier 1 for one word, or words one of which begins another: the longest word (the most
 * selective, usually) is a range of patient_name_words read in order; the other words are checked
 * on each index entry's copy of the name.
 */
async function prefixMatchesOfWords(db: Db, ctx: RequestContext, words: string[], wanted: number) {
  const driving = words.reduce((a, b) => (b.length > a.length ? b : a));
  const others = words.filter((w) => w !== driving);
  return queryRows<{ patient_id: string }>(
    db,
    sql`SELECT w.patient_id FROM patient_name_words w
        WHERE w.clinic_id = ${ctx.clinicId} AND w.word LIKE ${`${driving}%`}
          ${sql.join(
            others.map((o) => sql`AND ${beginsWord(sql`w.search_name`, o)}`),
            sql` `,
          )}
          -- A patient with two words beginning so ("Smith Smithers") is listed once, at the first.
          AND NOT EXISTS (SELECT 1 FROM patient_name_words e
                          WHERE e.patient_id = w.patient_id AND e.word LIKE ${`${driving}%`} AND e.word < w.word)
        ORDER BY w.word, w.family_name, w.given_name, w.patient_id
        LIMIT ${wanted}`,
  );
}

/**
 * Tier 1 for several words none of which begins another ("maya smith"): the two longest are a
 * range of patient_name_word_pairs (word, other_word) — the Smiths named Maya*, not every Smith
 * until enough Mayas were seen (17,780 index entries for 25 at a million patients). Listed by the
 * first word matched, then the second (so "smith maya" before "smith mayabelle" and "smithers"),
 * then family and given name. The btree cannot range over other_word across several first words
 * ("smith", "smithers", …), so those are visited one by one in order (each an index probe) until
 * the page is full; any further words are checked on the entry's copy of the name.
 */
async function prefixMatchesOfPairs(db: Db, ctx: RequestContext, words: string[], wanted: number) {
  const [first, second, ...rest] = [...words].sort((a, b) => b.length - a.length);
  const pairs = sql`patient_name_word_pairs`;
  const matchesOf = (word: SQL) =>
    sql`SELECT m.patient_id, m.word, m.other_word, m.family_name, m.given_name FROM ${pairs} m
        WHERE m.clinic_id = ${ctx.clinicId} AND m.word = ${word} AND m.other_word LIKE ${`${second}%`}
          ${sql.join(
            rest.map((o) => sql`AND ${beginsWord(sql`m.search_name`, o)}`),
            sql` `,
          )}
          -- A patient matching by two pairs ("Jo Jones Smith" for "smith jo") is listed once, at the first.
          AND NOT EXISTS (SELECT 1 FROM ${pairs} e
                          WHERE e.patient_id = m.patient_id AND e.word LIKE ${`${first}%`}
                            AND e.other_word LIKE ${`${second}%`} AND (e.word, e.other_word) < (m.word, m.other_word))
        ORDER BY m.other_word, m.family_name, m.given_name, m.patient_id
        LIMIT ${wanted}`;
  const nextWord = (after: SQL | null) =>
    sql`SELECT word FROM ${pairs} WHERE clinic_id = ${ctx.clinicId} AND word LIKE ${`${first}%`}
          ${after ? sql`AND word > ${after}` : sql``}
        ORDER BY word LIMIT 1`;
  return queryRows<{ patient_id: string }>(
    db,
    sql`WITH RECURSIVE visited(word, found) AS (
          SELECT d.word, (SELECT count(*) FROM (${matchesOf(sql`d.word`)}) c) FROM (${nextWord(null)}) d
          UNION ALL
          SELECT d.word, v.found + (SELECT count(*) FROM (${matchesOf(sql`d.word`)}) c)
          FROM visited v, LATERAL (${nextWord(sql`v.word`)}) d
          WHERE v.found < ${wanted}
        )
        SELECT m.patient_id FROM visited v, LATERAL (${matchesOf(sql`v.word`)}) m
        ORDER BY m.word, m.other_word, m.family_name, m.given_name, m.patient_id
        LIMIT ${wanted}`,
  );
}

/** Candidates of each kind of misspelling at most (see fuzzyNameMatches). */
const FUZZY_CANDIDATES = 200;

/**
 * Tier 2 of the name search: misspellings that are not prefix matches — trigram word similarity
 * ("Jonathn") or the Soundex of any word ("Jonh Smiht" finds the Smiths) — ranked by the number
 * of words that sound alike, then similarity, then name. Ranking every patient whose surname sounds
 * like "Smiht" (tens of thousands at a million patients) took seconds, so the candidates are
 * bounded: up to 200 that sound like every word, 200 similar by trigrams, 200 sounding like any
 * word (ranked as read, without reading the patients again; those sounding like every word alone
 * when they fill the page). Each 200 is the first found in table order, not the closest: no index
 * gives these conditions in a useful order, and sorting every match (75,000 patients sounding like
 * "mya" or "smtih" at a million) costs half a second. So when more than 200 match, a closer match
 * beyond them is not listed (typing more narrows it). The choice is stable from page to page:
 * the scans run in table order (no parallel workers, no synchronised scans that start mid-table),
 * and the patients sounding like every word come only from their own 200, as on a page they fill.
 */
async function fuzzyNameMatches(
  db: Db,
  ctx: RequestContext,
  name: string,
  words: string[],
  limit: number,
  offset: number,
): Promise<string[]> {
  const codes = phoneticKey(name).split(' ').filter(Boolean);
  const phonetic = sql`string_to_array(search_phonetic, ' ')`;
  const queryCodes = sql`string_to_array(${codes.join(' ')}, ' ')`;
  const notPrefix = sql`NOT (${sql.join(
    words.map((w) => beginsWord(sql`search_name`, w)),
    sql` AND `,
  )})`;
  const branch = (condition: SQL) =>
    sql`(SELECT id, search_name, search_phonetic, family_name, given_name FROM patients
         WHERE clinic_id = ${ctx.clinicId} AND ${condition} AND ${notPrefix} LIMIT ${FUZZY_CANDIDATES})`;
  const soundsLikeAll = branch(sql`${phonetic} @> ${queryCodes}`);
  // With several words, the patients sounding like all of them are soundsLikeAll's alone.
  const notAll = codes.length > 1 ? sql` AND NOT (${phonetic} @> ${queryCodes})` : sql``;
  const others = [
    branch(sql`${name} <% search_name${notAll}`),
    ...(codes.length ? [branch(sql`${phonetic} && ${queryCodes}${notAll}`)] : []),
  ];
  const ranked = (candidates: SQL[]) =>
    sql`SELECT id FROM (${sql.join(candidates, sql` UNION `)}) candidates
        ORDER BY cardinality(ARRAY(SELECT unnest(${phonetic}) INTERSECT SELECT unnest(${queryCodes}))) DESC,
                 word_similarity(${name}, search_name) DESC, family_name, given_name, id
        LIMIT ${limit} OFFSET ${Math.max(0, offset)}`;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT set_config('pg_trgm.word_similarity_threshold', '0.4', true),
                                set_config('synchronize_seqscans', 'off', true),
                                set_config('max_parallel_workers_per_gather', '0', true)`);
    if (codes.length > 1) {
      // Patients sounding like every word rank above all others: when they fill the page, the
      // other candidates (the trigram ones are rechecked row by row) need not be read.
      const first = await queryRows<{ id: string }>(tx, ranked([soundsLikeAll]));
      if (first.length === limit) return first.map((r) => r.id);
    }
    const rows = await queryRows<{ id: string }>(tx, ranked(codes.length > 1 ? [soundsLikeAll, ...others] : others));
    return rows.map((r) => r.id);
  });
}

export async function updatePatient(
  db: Db,
  ctx: RequestContext,
  patientId: string,
  patch: PatientPatch,
): Promise<Patient> {
  const current = await requirePatient(db, ctx, patientId);
  const checked = checkPatientInClinic(
    {
      birthDate: patch.birthDate,
      phone: patch.phone,
      phoneUse: current.phones[0]?.use,
      phones: patch.phone !== undefined && patch.phones === undefined ? current.phones.slice(1) : patch.phones,
      emergencyContact: patch.emergencyContact,
    },
    await clinicRules(db, ctx),
  );
  if (checked.errors.length) throw AppError.validation(checked.errors);
  const { phone: _phone, phones: _phones, smsOptOut, emailOptOut, ...rest } = patch;
  // Opting out keeps the first instant (a STOP text's, say); opting in clears it.
  const optOut = (wanted: boolean | undefined, since: Date | null) =>
    wanted === undefined ? since : wanted ? (since ?? new Date()) : null;
  const merged = { ...current, ...rest };
  const phones = checked.phones ?? current.phones;
  const emergencyContact =
    patch.emergencyContact === undefined
      ? current.emergencyContact
      : patch.emergencyContact && {
          ...patch.emergencyContact,
          phone: checked.emergencyPhone ?? patch.emergencyContact.phone,
        };
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(schema.patients)
      .set({
        ...rest,
        phones,
        emergencyContact,
        searchName: searchName(merged),
        searchPhonetic: phoneticKey(searchName(merged)),
        searchPhones: searchPhones(phones),
        smsOptOutAt: optOut(smsOptOut, current.smsOptOutAt),
        emailOptOutAt: optOut(emailOptOut, current.emailOptOutAt),
        updatedAt: new Date(),
        updatedBy: ctx.userId,
      })
      .where(and(eq(schema.patients.id, patientId), eq(schema.patients.clinicId, ctx.clinicId)))
      .returning();
    // Texts and emails still waiting for a patient who no longer wants them are not sent.
    if (smsOptOut && !current.smsOptOutAt) await withdrawPatientMessages(tx, ctx.clinicId, [patientId], 'sms');
    if (emailOptOut && !current.emailOptOutAt) await withdrawPatientMessages(tx, ctx.clinicId, [patientId], 'email');
    await recordAudit(tx, ctx, {
      action: 'patient.update',
      patientId,
      entityType: 'patient',
      entityId: patientId,
      details: { fields: Object.keys(patch) },
    });
    return updated;
  });
  return toPatient(row);
}
