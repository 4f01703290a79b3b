import { resolve } from 'node:path';
import { EMAIL_MODES, type EmailMode } from '@tend/domain';

export interface Config {
  port: number;
  host: string;
  /** Data folder of the embedded database (and the server's lock file). */
  dataDir: string;
  /** PostgreSQL server; when unset the embedded database in `dataDir` is used. */
  databaseUrl: string | undefined;
  logLevel: string;
  /** Send cookies with `Secure` (set when Tend is served over HTTPS). */
  secureCookies: boolean;
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
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a number between 0 and 65535 (got "${env.PORT}").`);
  }
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.TEND_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.TEND_SECURE_COOKIES === '1' || env.TEND_SECURE_COOKIES === 'true',
    trustProxy: env.TEND_TRUST_PROXY === '1' || env.TEND_TRUST_PROXY === 'true',
    eventsHeartbeatMs: 15_000,
    emailMode: emailMode(env.TEND_EMAIL_MODE),
    secretKey: env.TEND_SECRET_KEY || undefined,
    smtpCaFile: env.TEND_SMTP_CA_FILE ? resolve(env.TEND_SMTP_CA_FILE) : undefined,
    publicUrl: (env.TEND_PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    outboxIntervalMs: outboxInterval(env.TEND_OUTBOX_INTERVAL_MS),
  };
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
