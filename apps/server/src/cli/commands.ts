import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Database, migrate, schema } from '@tend/db';
import {
  AppError,
  can,
  fieldErrorsFromZod,
  PERMISSIONS,
  type Permission,
  zTokenCreate,
  zUserCreate,
} from '@tend/domain';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { createUser } from '../admin/service';
import { checkAnchor, formatChainReports, parseAnchor, verifyAllAuditChains } from '../audit/verify';
import { contextForUser, createApiToken } from '../auth/service';
import { createBackup, formatBytes } from '../backup/service';
import { isSetUp, setupClinic } from '../clinic/service';
import { importIcd10Codes } from '../codes/service';
import { type Config, loadConfig } from '../config';
import type { RequestContext } from '../context';
import { adoptSecretKey } from '../email/secret-box';
import { resetAllTrainingClinics } from '../training/service';

export const USAGE = `Usage: tend <command> [options]

Commands:
  start                     Start the server (embedded database in TEND_DATA_DIR, or DATABASE_URL)
  migrate                   Apply database migrations
  setup --clinic NAME --timezone IANA_ZONE --admin-email E --admin-password P
        [--admin-name N] [--currency USD] [--country US]
                            First run: create the clinic and its administrator
  user add --email E --name N --role ROLE --password P [--as ADMIN_EMAIL]
                            Create a staff account (roles: admin, manager, receptionist, provider, nurse, billing)
  token create --email E --scopes PERMISSION,… --expires-days N [--name NAME]
                            Print a new personal API token for that user (use as "Authorization: Bearer <token>"):
                            it may use only the listed permissions of the user's role ("all" = every one)
                            and expires after N days (1–365)
  audit verify [--expect CLINIC:POSITION:HASH …]
                            Check the audit log's hash chains (each clinic's, and the events without a
                            clinic): exits with 1 and names the events that do not match when one was
                            changed, removed or added outside Tend. Prints each chain's newest position and hash: keep it
                            elsewhere; --expect checks later that the chain still has it (not rewritten)
  backup [--out FILE]       Back up the whole database, consistently, compressed, with a manifest of
                            checksums beside it (FILE.manifest.json): by default into TEND_BACKUP_DIR
                            as tend-<engine>-<UTC time>.<tar.gz|dump>. Embedded: the data folder
                            (handed to the running server); PostgreSQL: pg_dump (custom format)
  restore FILE [--data-dir DIR | --database-url URL]
                            Restore a backup into an EMPTY data folder or PostgreSQL database (by
                            default TEND_DATA_DIR / DATABASE_URL), after checking its SHA-256; then
                            verify every table's rows against the manifest (exit code 1 if any differ)
  import icd10 FILE [--year YYYY]
                            Load the CMS ICD-10-CM code-descriptions file (icd10cm-codes-YYYY.txt):
                            adds and updates codes, marks the codes it no longer lists not billable
  training reset            Reset the training clinic to fresh mock data (people practising stay signed in)
  secret-key adopt          Only after the secret key was lost, with every Tend server stopped: make the
                            database take this key (TEND_SECRET_KEY or the data folder's secret.key), then
                            start every server with it. Servers with another key are refused at start;
                            sealed passwords and two-step secrets must be set again
  help                      Show this help

Environment: PORT (3000), TEND_DATA_DIR (./data), DATABASE_URL (postgres://… for a PostgreSQL server),
  TEND_BACKUP_DIR, TEND_BACKUP_INTERVAL_MINUTES (60 embedded; 0 = off), TEND_BACKUP_KEEP (48)`;

/** Commands that can run inside a running server (on behalf of the command line). */
export const REMOTE_COMMANDS = new Set(['setup', 'user', 'token', 'migrate', 'import', 'audit', 'training', 'backup']);

/**
 * Commands whose operand is a file: the command line makes its path absolute before a running
 * server reads it, from the folder the user typed it in (npm run/npx may have moved to the package).
 */
export function absoluteFileOperands(argv: string[], cwd = process.env.INIT_CWD ?? process.cwd()): string[] {
  if (argv[0] === 'backup' || argv[0] === 'restore') {
    // The value of --out / --data-dir, and restore's FILE.
    return argv.map((arg, i) =>
      (i > 0 && ['--out', '--data-dir'].includes(argv[i - 1] as string)) ||
      (argv[0] === 'restore' && i === 1 && !arg.startsWith('-'))
        ? resolve(cwd, arg)
        : arg,
    );
  }
  if (argv[0] !== 'import' || argv.length < 3 || argv[2]?.startsWith('-')) return argv;
  return [...argv.slice(0, 2), resolve(cwd, argv[2] as string), ...argv.slice(3)];
}

/** Parses the options; `options` names a field whose option is spelt otherwise (expiresInDays: --expires-days). */
function zodArgs<T extends z.ZodType>(schema: T, values: unknown, options: Record<string, string> = {}): z.output<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw AppError.validation(
      fieldErrorsFromZod(parsed.error).map((field) => ({ ...field, path: options[field.path] ?? field.path })),
    );
  }
  return parsed.data;
}

/** The first active administrator of the only clinic, or of the one `asEmail` belongs to. */
async function adminContext(database: Database, asEmail: string | undefined): Promise<RequestContext> {
  if (asEmail) {
    const ctx = await contextForUser(database.db, asEmail);
    const [user] = await database.db
      .select({ active: schema.users.active })
      .from(schema.users)
      .where(eq(schema.users.id, ctx.userId));
    if (ctx.role !== 'admin' || !user?.active) {
      throw AppError.validation([{ path: 'as', message: `${asEmail} is not an active administrator.` }]);
    }
    return ctx;
  }
  const admins = await database.db
    .select({ email: schema.users.email, clinicId: schema.users.clinicId })
    .from(schema.users)
    // Training clinics' mock administrators do not count: they are not "another clinic".
    .innerJoin(schema.clinics, and(eq(schema.clinics.id, schema.users.clinicId), eq(schema.clinics.isTraining, false)))
    .where(and(eq(schema.users.role, 'admin'), eq(schema.users.active, true)))
    .orderBy(asc(schema.users.createdAt));
  if (admins.length === 0) throw new AppError('not_set_up', 'Tend is not set up yet: run "tend setup" first.');
  if (new Set(admins.map((a) => a.clinicId)).size > 1) {
    throw AppError.validation([
      { path: 'as', message: 'Several clinics exist: say which administrator acts with --as EMAIL.' },
    ]);
  }
  return contextForUser(database.db, admins[0].email);
}

/** Runs one command (not `start`, nor `restore`) and returns what it prints. */
export async function runCommand(database: Database, argv: string[], config: Config = loadConfig()): Promise<string> {
  const [command, sub] = argv;
  const rest = argv.slice(
    ['user', 'token', 'import', 'audit', 'training', 'secret-key'].includes(command ?? '') ? 2 : 1,
  );
  const options = {
    clinic: { type: 'string' },
    timezone: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-password': { type: 'string' },
    'admin-name': { type: 'string' },
    currency: { type: 'string' },
    country: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    password: { type: 'string' },
    as: { type: 'string' },
    'expires-days': { type: 'string' },
    scopes: { type: 'string' },
    year: { type: 'string' },
    expect: { type: 'string', multiple: true },
    out: { type: 'string' },
  } as const;
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options,
      allowPositionals: command === 'import',
      strict: true,
    }));
  } catch (error) {
    throw AppError.validation([], `${(error as Error).message}\n\n${USAGE}`);
  }

  switch (command) {
    case 'migrate': {
      const ran = await migrate(database);
      return ran.length ? `Applied migrations: ${ran.join(', ')}` : 'The database is up to date.';
    }
    case 'setup': {
      if (await isSetUp(database.db))
        throw new AppError('already_set_up', 'Tend is already set up; nothing was changed.');
      const { clinicId } = await setupClinic(
        database.db,
        {
          clinicName: values.clinic ?? '',
          timezone: values.timezone ?? '',
          adminEmail: values['admin-email'] ?? '',
          adminPassword: values['admin-password'] ?? '',
          adminName: values['admin-name'],
          currency: values.currency,
          country: values.country,
        },
        { ip: 'cli', userAgent: 'tend-cli' },
      ).catch((error: unknown) => {
        if (error instanceof z.ZodError) throw AppError.validation(fieldErrorsFromZod(error));
        throw error;
      });
      return `Clinic "${values.clinic}" is set up (id ${clinicId}). Sign in as ${values['admin-email']}.`;
    }
    case 'user': {
      if (sub !== 'add') break;
      const input = zodArgs(zUserCreate, {
        email: values.email ?? '',
        name: values.name ?? '',
        role: values.role ?? '',
        password: values.password ?? '',
      });
      const user = await createUser(database.db, await adminContext(database, values.as), input);
      return `Created ${user.role} ${user.name} <${user.email}>.`;
    }
    case 'token': {
      if (sub !== 'create') break;
      if (!values.email) throw AppError.validation([{ path: 'email', message: 'Say whose token it is with --email.' }]);
      const ctx = { ...(await contextForUser(database.db, values.email)), ip: 'cli', userAgent: 'tend-cli' };
      const scopes =
        values.scopes?.trim() === 'all'
          ? (Object.keys(PERMISSIONS) as Permission[]).filter((permission) => can(ctx.role, permission))
          : (values.scopes ?? '')
              .split(',')
              .map((scope) => scope.trim())
              .filter(Boolean);
      const input = zodArgs(
        zTokenCreate,
        {
          name: values.name ?? 'Command-line token',
          scopes,
          expiresInDays: values['expires-days'] ? Number(values['expires-days']) : undefined,
        },
        { expiresInDays: 'expiresDays' },
      );
      const { token } = await createApiToken(database.db, ctx, input);
      return token;
    }
    case 'import': {
      if (sub !== 'icd10') break;
      return importIcd10Command(database, positionals, values.year);
    }
    case 'audit': {
      if (sub !== 'verify') break;
      return auditVerifyCommand(database, values.expect ?? []);
    }
    case 'training': {
      if (sub !== 'reset') break;
      return trainingResetCommand(database);
    }
    case 'secret-key': {
      if (sub !== 'adopt') break;
      return (await adoptSecretKey(database.db, config))
        ? 'The database now takes this server’s secret key. Enter the SMTP/SMS passwords again and reset two-step sign-in where it was on; links sent earlier no longer work. Give every server this same key.'
        : 'The database already has this server’s secret key; nothing was changed.';
    }
    case 'backup': {
      const backup = await createBackup(database, config, { kind: 'manual', out: values.out });
      return (
        `Backed up ${backup.tables} tables (${backup.rows.toLocaleString('en-US')} rows) to ${backup.file} ` +
        `(${formatBytes(backup.bytes)}, SHA-256 ${backup.sha256}).\n` +
        `Its manifest (the checksums a restore verifies) is ${backup.manifestFile}: keep the two together.`
      );
    }
    case 'help':
    case undefined:
      return USAGE;
  }
  throw AppError.validation([], `Unknown command "${argv.join(' ')}".\n\n${USAGE}`);
}

async function trainingResetCommand(database: Database): Promise<string> {
  const done = await resetAllTrainingClinics(database.db);
  if (done.length === 0) return 'No training clinic yet: it is made the first time someone switches to training.';
  return done.map((clinic) => `Reset ${clinic.name}: ${clinic.patients} mock patients.`).join('\n');
}

/** Exit code 0 with the report when every chain holds (and has the expected hashes); an error naming the breaks otherwise. */
async function auditVerifyCommand(database: Database, expected: string[]): Promise<string> {
  const anchors = expected.map((text) => {
    const anchor = parseAnchor(text);
    if (!anchor) {
      throw AppError.validation([
        { path: 'expect', message: `"${text}" is not CLINIC:POSITION:HASH as "tend audit verify" prints it.` },
      ]);
    }
    return anchor;
  });
  const reports = await verifyAllAuditChains(database.db);
  const lines = [formatChainReports(reports)];
  let ok = reports.every((report) => report.result.ok);
  for (const anchor of anchors) {
    const found = await checkAnchor(database.db, anchor);
    const where = `${anchor.clinicId ? `clinic ${anchor.clinicId}` : 'events without a clinic'}, position ${anchor.position}`;
    if (found === 'ok') lines.push(`Expected hash found (${where}).`);
    else {
      ok = false;
      lines.push(
        found === 'gone'
          ? `REWRITTEN: there is no event at ${where} any more: events were removed.`
          : `REWRITTEN: the event at ${where} does not have the hash you kept: the log was changed and its hashes recomputed.`,
      );
    }
  }
  const text = lines.join('\n');
  if (!ok) throw new AppError('conflict', text);
  return text;
}

const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

async function importIcd10Command(database: Database, files: string[], year: string | undefined): Promise<string> {
  if (files.length !== 1) {
    throw AppError.validation([], 'Say which file to import: tend import icd10 FILE (the CMS icd10cm-codes-YYYY.txt).');
  }
  const path = resolve(files[0] as string);
  const name = basename(path);
  const found = await stat(path).catch(() => null);
  if (!found?.isFile()) throw AppError.validation([{ path: 'file', message: `There is no file ${path}.` }]);
  if (found.size > MAX_IMPORT_BYTES) {
    throw AppError.validation([
      { path: 'file', message: `${name} is larger than 50 MB: it is not a CMS code-descriptions file.` },
    ]);
  }
  const fileYear = year ?? /(?:^|\D)(20\d\d)(?:\D|$)/.exec(name)?.[1];
  if (!fileYear || !/^\d{4}$/.test(fileYear)) {
    throw AppError.validation([
      {
        path: 'year',
        message:
          'Say which year’s code set this is with --year YYYY (the CMS file name, e.g. icd10cm-codes-2025.txt, says it).',
      },
    ]);
  }
  const text = await readFile(path, 'utf8');
  const result = await importIcd10Codes(database.db, text, `cms-${fileYear}`, name);
  const n = (value: number) => value.toLocaleString('en-US');
  return (
    `Imported ${n(result.total)} ICD-10-CM codes from ${name} (${result.source}): ` +
    `${n(result.added)} added, ${n(result.updated)} updated, ${n(result.unchanged)} unchanged, ` +
    `${n(result.retired)} retired (no longer billable, kept for old visits).`
  );
}

export function formatError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.fields.map(
      (f) => `  --${f.path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${f.message}`,
    );
    return [error.message, ...fields].join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}
