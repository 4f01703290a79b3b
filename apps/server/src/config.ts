import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { EMAIL_MODES, type EmailMode } from '@tend/domain';

export interface Config {
  port: number;
  host: string;
  /** Data folder of the embedded database (and the server's lock file). */
  dataDir: string;
  /** PostgreSQL server; when unset the embedded database in `dataDir` is used. */
  databaseUrl: string | undefined;
  /**
   * DATABASE_READ_URL: a streaming replica of DATABASE_URL's server; reports and the manager's
   * dashboard figures read from it (docs/scaling.md "Read replica"). Only with DATABASE_URL.
   */
  databaseReadUrl: string | undefined;
  /**
   * DATABASE_POOL_SIZE: connections this server process keeps to DATABASE_URL (10). Each
   * transaction holds one from its first statement to its commit, so it caps the transactions in
   * flight (docs/scaling.md "Connection pooling"). 4 to 1000, only with DATABASE_URL.
   */
  databasePoolSize: number;
  logLevel: string;
  /**
   * Send cookies with `Secure`: TEND_SECURE_COOKIES, by default on when TEND_PUBLIC_URL is https
   * or Tend serves TLS itself.
   */
  secureCookies: boolean;
  /** TEND_TLS_CERT / TEND_TLS_KEY: serve HTTPS directly with this PEM certificate (chain) and key. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Trust X-Forwarded-* from a reverse proxy / load balancer. */
  trustProxy: boolean;
  /** How often an open live-updates stream checks its session is still valid (and keeps the line open). */
  eventsHeartbeatMs: number;
  /** TEND_EMAIL_MODE: `capture` keeps every email in the outbox viewer (development, training); `smtp` always sends; `auto` sends when the clinic has set up SMTP. */
  emailMode: EmailMode;
  /** TEND_SECRET_KEY: encrypts stored secrets (SMTP passwords); when unset, `secret.key` in the data folder. */
  secretKey: string | undefined;
  /** TEND_SMTP_CA_FILE: a PEM file of certificate authorities to trust for SMTP (a relay with a private CA). */
  smtpCaFile: string | undefined;
  /** TEND_PUBLIC_URL: where patients reach Tend (links in reminders), e.g. https://clinic.example.org. */
  publicUrl: string;
  /** TEND_OUTBOX_INTERVAL_MS: how often the running server's outbox worker looks for due messages. */
  outboxIntervalMs: number;
  /**
   * TEND_BACKUP_DIR: where backups (and the evening's printed downtime kit) are written. By
   * default `<data folder>-backups` beside the data folder (never inside it); with DATABASE_URL, `./backups`.
   */
  backupDir: string;
  /**
   * TEND_BACKUP_INTERVAL_MINUTES: how often the running server backs up by itself; 0 is never.
   * By default hourly on the embedded database; on PostgreSQL only when set (else the DBA's job).
   */
  backupIntervalMinutes: number;
  /** TEND_BACKUP_KEEP: how many of its own scheduled backups the server keeps (48); 0 keeps all. */
  backupKeep: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a number between 0 and 65535 (got "${env.PORT}").`);
  }
  const publicUrl = (env.TEND_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  const tls = tlsFiles(env);
  const dataDir = resolve(env.TEND_DATA_DIR ?? './data');
  const databaseUrl = secret(env, 'DATABASE_URL');
  const databaseReadUrl = secret(env, 'DATABASE_READ_URL');
  if (databaseReadUrl && !databaseUrl) {
    throw new Error(
      'DATABASE_READ_URL is a read replica of a PostgreSQL server: set DATABASE_URL to that server too (the embedded database has no replicas), or unset DATABASE_READ_URL.',
    );
  }
  const databasePoolSize = poolSize(env.DATABASE_POOL_SIZE, databaseUrl);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl,
    databaseReadUrl,
    databasePoolSize,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: flag(env, 'TEND_SECURE_COOKIES') ?? (publicUrl.startsWith('https://') || tls !== undefined),
    tls,
    trustProxy: flag(env, 'TEND_TRUST_PROXY') ?? false,
    eventsHeartbeatMs: 15_000,
    emailMode: emailMode(env.TEND_EMAIL_MODE),
    secretKey: secret(env, 'TEND_SECRET_KEY'),
    smtpCaFile: env.TEND_SMTP_CA_FILE ? resolve(env.TEND_SMTP_CA_FILE) : undefined,
    publicUrl,
    outboxIntervalMs: outboxInterval(env.TEND_OUTBOX_INTERVAL_MS),
    backupDir: backupDir(env.TEND_BACKUP_DIR, dataDir, databaseUrl),
    backupIntervalMinutes: wholeNumber(env, 'TEND_BACKUP_INTERVAL_MINUTES', databaseUrl ? 0 : 60, 10_080),
    backupKeep: wholeNumber(env, 'TEND_BACKUP_KEEP', 48, 100_000),
  };
}

/**
 * Where backups go: by default `<data folder>-backups` beside the data folder (`./backups` with
 * DATABASE_URL). On the embedded database the data folder is PostgreSQL's own folder and a backup
 * copies all of it, so a backup folder inside it would hold every earlier backup again.
 */
function backupDir(value: string | undefined, dataDir: string, databaseUrl: string | undefined): string {
  const dir = resolve(value || (databaseUrl ? './backups' : `${dataDir}-backups`));
  if (!databaseUrl && (dir === dataDir || dir.startsWith(`${dataDir}${sep}`))) {
    throw new Error(
      `TEND_BACKUP_DIR (${dir}) is inside the data folder (${dataDir}): a backup copies the whole data folder, so put backups beside it, not in it.`,
    );
  }
  return dir;
}

/** `1`/`true` or `0`/`false`; unset gives undefined (the caller's default). */
function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new Error(`${name} must be 1 or 0 (got "${value}").`);
}

/**
 * A secret from the environment (`NAME`) or from a file (`NAME_FILE`, e.g. a Docker or systemd
 * secret; its trailing newline is dropped). Never both: which one wins would be a guess.
 */
function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (!file) return env[name] || undefined;
  if (env[name]) throw new Error(`Set ${name} or ${name}_FILE, not both.`);
  let value: string;
  try {
    value = readFileSync(resolve(file), 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new Error(
      `${name}_FILE names a file that cannot be read: ${file} (${(error as NodeJS.ErrnoException).code}).`,
    );
  }
  if (!value) throw new Error(`${name}_FILE names an empty file: ${file}.`);
  return value;
}

function tlsFiles(env: NodeJS.ProcessEnv): Config['tls'] {
  const certFile = env.TEND_TLS_CERT;
  const keyFile = env.TEND_TLS_KEY;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new Error(
      `Set both TEND_TLS_CERT and TEND_TLS_KEY to serve HTTPS (only ${certFile ? 'TEND_TLS_CERT' : 'TEND_TLS_KEY'} is set).`,
    );
  }
  return { certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

/** A whole number from 0 to `max`, or `fallback` when unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const value = env[name];
  if (!value) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}; 0 turns it off (got "${value}").`);
  }
  return n;
}

function poolSize(value: string | undefined, databaseUrl: string | undefined): number {
  if (!value) return 10;
  const n = Number(value);
  // At least 4: the migrations, a scheduled backup and report warming each hold one connection for
  // their lock while their statements need another.
  if (!/^\d+$/.test(value) || n < 4 || n > 1_000 || !databaseUrl) {
    throw new Error(
      `DATABASE_POOL_SIZE is how many connections to keep to DATABASE_URL: a whole number from 4 to 1000, with DATABASE_URL set (got "${value}"${databaseUrl ? '' : ' without DATABASE_URL'}).`,
    );
  }
  return n;
}

function outboxInterval(value: string | undefined): number {
  if (!value) return 5_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw new Error(
      `TEND_OUTBOX_INTERVAL_MS must be a whole number of milliseconds from 100 to 3600000 (got "${value}").`,
    );
  }
  return ms;
}

function emailMode(value: string | undefined): EmailMode {
  if (!value) return 'auto';
  if ((EMAIL_MODES as readonly string[]).includes(value)) return value as EmailMode;
  throw new Error(`TEND_EMAIL_MODE must be one of ${EMAIL_MODES.join(', ')} (got "${value}").`);
}
