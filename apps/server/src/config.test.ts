import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';

const folder = mkdtempSync(join(tmpdir(), 'tend-config-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(folder, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

describe('secrets from a file (*_FILE)', () => {
  it('reads TEND_SECRET_KEY_FILE and DATABASE_URL_FILE, without the trailing newline', () => {
    const config = loadConfig({
      TEND_SECRET_KEY_FILE: file('key', 'a-long-random-secret-key\n'),
      DATABASE_URL_FILE: file('db', 'postgres://tend:s3cret@db.internal:5432/tend\n'),
    });
    expect(config.secretKey).toBe('a-long-random-secret-key');
    expect(config.databaseUrl).toBe('postgres://tend:s3cret@db.internal:5432/tend');
  });

  it('still takes them from the environment', () => {
    const config = loadConfig({ TEND_SECRET_KEY: 'from-env', DATABASE_URL: 'postgres://x@y/z' });
    expect(config.secretKey).toBe('from-env');
    expect(config.databaseUrl).toBe('postgres://x@y/z');
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(loadConfig({}).databaseUrl).toBeUndefined();
  });

  it('refuses both at once, a missing file and an empty one, naming the variable', () => {
    expect(() => loadConfig({ TEND_SECRET_KEY: 'x', TEND_SECRET_KEY_FILE: file('k2', 'y') })).toThrow(
      'Set TEND_SECRET_KEY or TEND_SECRET_KEY_FILE, not both.',
    );
    expect(() => loadConfig({ DATABASE_URL_FILE: join(folder, 'missing') })).toThrow(
      /^DATABASE_URL_FILE names a file that cannot be read: .*missing \(ENOENT\)\.$/,
    );
    expect(() => loadConfig({ TEND_SECRET_KEY_FILE: file('empty', '\n') })).toThrow(
      /^TEND_SECRET_KEY_FILE names an empty file/,
    );
  });
});

describe('DATABASE_READ_URL (a read replica for reports)', () => {
  it('is read from the environment or a file, beside DATABASE_URL', () => {
    const primary = 'postgres://tend@db-primary:5432/tend';
    expect(loadConfig({ DATABASE_URL: primary }).databaseReadUrl).toBeUndefined();
    expect(
      loadConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'postgres://tend@db-replica:5432/tend' }).databaseReadUrl,
    ).toBe('postgres://tend@db-replica:5432/tend');
    expect(
      loadConfig({
        DATABASE_URL: primary,
        DATABASE_READ_URL_FILE: file('read', 'postgres://tend:s3cret@db-replica/tend\n'),
      }).databaseReadUrl,
    ).toBe('postgres://tend:s3cret@db-replica/tend');
  });

  it('is refused without DATABASE_URL: the embedded database has no replica', () => {
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://tend@db-replica:5432/tend' })).toThrow(
      /^DATABASE_READ_URL is a read replica of a PostgreSQL server: set DATABASE_URL/,
    );
  });
});

describe('DATABASE_POOL_SIZE', () => {
  const primary = 'postgres://tend@db-primary:5432/tend';
  it('is 10 connections unless set', () => {
    expect(loadConfig({ DATABASE_URL: primary }).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_URL: primary, DATABASE_POOL_SIZE: '32' }).databasePoolSize).toBe(32);
  });

  it('is refused when it is not 4 to 1000, or without DATABASE_URL', () => {
    for (const value of ['0', '3', '-4', '2.5', 'many', '1001']) {
      expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_POOL_SIZE: value }), value).toThrow(
        `DATABASE_POOL_SIZE is how many connections to keep to DATABASE_URL: a whole number from 4 to 1000, with DATABASE_URL set (got "${value}").`,
      );
    }
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '20' })).toThrow(/\(got "20" without DATABASE_URL\)\.$/);
  });
});

describe('TLS and secure cookies', () => {
  it('needs both TEND_TLS_CERT and TEND_TLS_KEY, or neither', () => {
    expect(loadConfig({}).tls).toBeUndefined();
    expect(loadConfig({ TEND_TLS_CERT: '/etc/tend/cert.pem', TEND_TLS_KEY: '/etc/tend/key.pem' }).tls).toEqual({
      certFile: '/etc/tend/cert.pem',
      keyFile: '/etc/tend/key.pem',
    });
    expect(() => loadConfig({ TEND_TLS_CERT: '/etc/tend/cert.pem' })).toThrow(
      'Set both TEND_TLS_CERT and TEND_TLS_KEY to serve HTTPS (only TEND_TLS_CERT is set).',
    );
    expect(() => loadConfig({ TEND_TLS_KEY: '/etc/tend/key.pem' })).toThrow(/only TEND_TLS_KEY is set/);
  });

  it('sends Secure cookies by default when Tend is reached over https, unless told otherwise', () => {
    expect(loadConfig({}).secureCookies).toBe(false);
    expect(loadConfig({ TEND_PUBLIC_URL: 'http://clinic.lan:3000' }).secureCookies).toBe(false);
    expect(loadConfig({ TEND_PUBLIC_URL: 'https://tend.example.org' }).secureCookies).toBe(true);
    expect(loadConfig({ TEND_TLS_CERT: 'c.pem', TEND_TLS_KEY: 'k.pem' }).secureCookies).toBe(true);
    expect(loadConfig({ TEND_SECURE_COOKIES: '1' }).secureCookies).toBe(true);
    expect(loadConfig({ TEND_PUBLIC_URL: 'https://tend.example.org', TEND_SECURE_COOKIES: '0' }).secureCookies).toBe(
      false,
    );
    expect(() => loadConfig({ TEND_SECURE_COOKIES: 'yes' })).toThrow('TEND_SECURE_COOKIES must be 1 or 0 (got "yes").');
  });
});

describe('the backup folder', () => {
  it('is beside the data folder by default, never inside it on the embedded database', () => {
    expect(loadConfig({ TEND_DATA_DIR: '/srv/tend/data' }).backupDir).toBe('/srv/tend/data-backups');
    expect(loadConfig({ TEND_DATA_DIR: '/srv/tend/data', TEND_BACKUP_DIR: '/mnt/nas/tend' }).backupDir).toBe(
      '/mnt/nas/tend',
    );
    // A backup copies the whole data folder: a backup folder in it would hold every earlier backup.
    expect(() => loadConfig({ TEND_DATA_DIR: '/srv/tend/data', TEND_BACKUP_DIR: '/srv/tend/data/backups' })).toThrow(
      /inside the data folder/,
    );
    expect(() => loadConfig({ TEND_DATA_DIR: '/srv/tend/data', TEND_BACKUP_DIR: '/srv/tend/data' })).toThrow(
      /inside the data folder/,
    );
    // The sibling whose name starts the same is not inside.
    expect(loadConfig({ TEND_DATA_DIR: '/srv/tend/data', TEND_BACKUP_DIR: '/srv/tend/database' }).backupDir).toBe(
      '/srv/tend/database',
    );
    // PostgreSQL keeps no data in the data folder.
    expect(loadConfig({ DATABASE_URL: 'postgres://x@y/z' }).backupDir).toBe(resolve('./backups'));
  });
});
