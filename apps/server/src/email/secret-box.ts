import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@tend/domain';

/**
 * Encryption of the few secrets Tend must be able to read back (a clinic's SMTP password):
 * AES-256-GCM with a key that is never in the database — TEND_SECRET_KEY, or a random key
 * kept in the data folder (`secret.key`, created on first use, readable by the server only).
 * A database backup alone does not reveal the secrets. Sealed text is
 * `v1:<key id>:<iv>:<tag>:<ciphertext>`; the key id (a hash prefix of the key) lets a server
 * with a different key say so instead of failing obscurely.
 */

export interface SecretKeySource {
  secretKey: string | undefined;
  dataDir: string;
}

export const SECRET_KEY_FILE = 'secret.key';

const keys = new Map<string, Buffer>();

/** The 32-byte key: SHA-256 of TEND_SECRET_KEY, or the data folder's key (made on first use). */
export function secretKey(source: SecretKeySource): Buffer {
  const cacheKey = source.secretKey ? `env:${source.secretKey}` : `file:${source.dataDir}`;
  const cached = keys.get(cacheKey);
  if (cached) return cached;
  let material: string;
  if (source.secretKey) {
    material = source.secretKey;
  } else {
    const path = join(source.dataDir, SECRET_KEY_FILE);
    if (!existsSync(path)) {
      mkdirSync(source.dataDir, { recursive: true });
      try {
        // 'wx': of two processes creating it at once, the second reads the first one's key.
        writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
        chmodSync(path, 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    material = readFileSync(path, 'utf8').trim();
  }
  const key = createHash('sha256').update(material).digest();
  keys.set(cacheKey, key);
  return key;
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function sealSecret(source: SecretKeySource, plaintext: string): string {
  const key = secretKey(source);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    keyId(key),
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    ciphertext.toString('base64'),
  ].join(':');
}

export function openSecret(source: SecretKeySource, sealed: string): string {
  const key = secretKey(source);
  const [version, id, iv, tag, ciphertext] = sealed.split(':');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) {
    throw new AppError('conflict', 'The stored SMTP password is unreadable. Enter it again under Admin → Email.');
  }
  if (id !== keyId(key)) {
    throw new AppError(
      'conflict',
      'The stored SMTP password was encrypted with another secret key (TEND_SECRET_KEY or the data folder’s secret.key). Give every server the same key, or enter the password again under Admin → Email.',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
