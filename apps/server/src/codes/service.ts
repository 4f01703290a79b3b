import type { Db } from '@tend/db';
import {
  AppError,
  formatIcd10Code,
  type Icd10Code,
  type Icd10Search,
  icd10CodePrefix,
  icd10SearchTerms,
  isValidIcd10Shape,
  normalizeIcd10Code,
  parseIcd10CodesFile,
} from '@tend/domain';
import {
  allIcd10Rows,
  findIcd10Row,
  firstBillableUnder,
  type Icd10Hit,
  retireIcd10,
  searchIcd10ByPrefix,
  searchIcd10ByWords,
  upsertBillableIcd10,
} from './repository';

/**
 * ICD-10-CM diagnosis codes: search while typing, look one up, refuse what cannot be billed, and
 * import the CMS code-descriptions file. The code set is shared by every clinic of the installation.
 */

const toResult = (row: Icd10Hit): Icd10Code => ({
  code: formatIcd10Code(row.code),
  description: row.description,
  billable: row.billable,
});

/**
 * A query that reads as a code (`J11`, `j11.1`) finds the codes beginning with it, then — if room
 * is left — descriptions with those words; any other query is searched as words, lay words
 * translated (`flu` → influenza). Billable codes first.
 */
export async function searchIcd10(db: Db, query: Icd10Search): Promise<{ items: Icd10Code[] }> {
  const prefix = icd10CodePrefix(query.q);
  const byCode = prefix ? await searchIcd10ByPrefix(db, prefix, query.limit) : [];
  const groups = icd10SearchTerms(query.q);
  const room = query.limit - byCode.length;
  const byWords = room > 0 && groups.length ? await searchIcd10ByWords(db, groups, room, prefix ?? undefined) : [];
  return { items: [...byCode, ...byWords].map(toResult) };
}

export async function getIcd10(db: Db, input: string): Promise<Icd10Code> {
  const code = normalizeIcd10Code(input);
  const row = isValidIcd10Shape(code) ? await findIcd10Row(db, code) : undefined;
  if (!row) throw AppError.notFound(`The ICD-10-CM code ${formatIcd10Code(code)}`);
  return toResult(row);
}

/**
 * The code as it may be billed, or a validation error that says what to choose instead: for the
 * encounter service (diagnoses of a visit) and billing. `field` names the offending input.
 */
export async function requireBillableIcd10(db: Db, input: string, field = 'code'): Promise<Icd10Code> {
  const code = normalizeIcd10Code(input);
  const shown = formatIcd10Code(code);
  const refuse = (message: string) => AppError.validation([{ path: field, message }], message);
  if (!isValidIcd10Shape(code)) {
    throw refuse(
      `"${input.trim().slice(0, 20)}" is not an ICD-10-CM code: a code is a letter, a digit, a letter or digit, then up to four more (e.g. E11.9).`,
    );
  }
  const row = await findIcd10Row(db, code);
  if (row?.billable) return toResult(row);
  const specific = await firstBillableUnder(db, code);
  if (specific) {
    throw refuse(
      `${shown} is a category, not a billable code: choose a more specific code such as ${formatIcd10Code(specific)}.`,
    );
  }
  if (row)
    throw refuse(
      `${shown} is no longer a billable ICD-10-CM code (it is not in the current code set): choose a current code.`,
    );
  throw refuse(`${shown} is not a known ICD-10-CM code.`);
}

export interface Icd10ImportResult {
  source: string;
  total: number;
  added: number;
  updated: number;
  unchanged: number;
  retired: number;
}

const MAX_ERRORS_SHOWN = 20;

/**
 * Imports the CMS code-descriptions file: every line is checked first, and a file with any bad
 * line imports nothing. Then, in one transaction, codes are added, descriptions updated, and the
 * codes the file no longer lists marked not billable (never deleted: old visits keep their text).
 * `updated` counts codes whose description changed or that are billable again.
 */
export async function importIcd10Codes(
  db: Db,
  text: string,
  source: string,
  fileName: string,
): Promise<Icd10ImportResult> {
  if (!/^cms-\d{4}$/.test(source))
    throw AppError.validation([{ path: 'year', message: 'Give the year as four digits, e.g. 2025.' }]);
  const { codes, errors } = parseIcd10CodesFile(text);
  if (errors.length) {
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((e) => `  line ${e.line}: ${e.message}`);
    const more = errors.length > MAX_ERRORS_SHOWN ? [`  … and ${errors.length - MAX_ERRORS_SHOWN} more`] : [];
    throw new AppError(
      'validation_failed',
      [
        `${fileName} was not imported: ${errors.length === 1 ? 'one line is' : `${errors.length} lines are`} not in the CMS code-descriptions format (nothing was changed).`,
        ...shown,
        ...more,
      ].join('\n'),
      { details: { errors: errors.slice(0, MAX_ERRORS_SHOWN), errorCount: errors.length } },
    );
  }
  return db.transaction(async (tx) => {
    const existing = await allIcd10Rows(tx);
    const inFile = new Set<string>();
    const changed: Array<{ code: string; description: string }> = [];
    let added = 0;
    let updated = 0;
    for (const { code, description } of codes) {
      inFile.add(code);
      const before = existing.get(code);
      if (!before) added++;
      else if (before.description !== description || !before.billable) updated++;
      else if (before.source === source) continue;
      changed.push({ code, description });
    }
    const retired = [...existing].filter(([code, row]) => row.billable && !inFile.has(code)).map(([code]) => code);
    await upsertBillableIcd10(tx, changed, source);
    await retireIcd10(tx, retired);
    return {
      source,
      total: codes.length,
      added,
      updated,
      unchanged: codes.length - added - updated,
      retired: retired.length,
    };
  });
}
