import { resolve } from 'node:path';

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
  };
}
