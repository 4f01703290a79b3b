import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Db, schema } from '@tend/db';
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

/** What the database keeps of the key: an HMAC of a fixed text, which does not reveal the key. */
export function secretKeyCheckValue(source: SecretKeySource): string {
  return createHmac('sha256', secretKey(source)).update('tend:secret-key-check:v1').digest('hex');
}

function keyOrigin(source: SecretKeySource): string {
  return source.secretKey ? 'TEND_SECRET_KEY' : `${join(source.dataDir, SECRET_KEY_FILE)} (TEND_SECRET_KEY is not set)`;
}

/**
 * Checked when a server starts: every server process on one database must use the same secret key,
 * or what one sealed or signed the others cannot read (SMTP/SMS passwords, two-step sign-in
 * secrets, the links in patients' messages, the setup code). The first server records its key's
 * check value; a server with another key is refused with what to do.
 */
export async function checkSecretKey(db: Db, source: SecretKeySource): Promise<void> {
  const mine = secretKeyCheckValue(source);
  await db.insert(schema.secretKeyCheck).values({ checkValue: mine }).onConflictDoNothing();
  const [stored] = await db.select().from(schema.secretKeyCheck);
  if (stored && stored.checkValue !== mine) {
    throw new Error(
      `This server's secret key, from ${keyOrigin(source)}, is not the key this database was first used with ` +
        `(recorded ${stored.recordedAt.toISOString()}). Every Tend server on one database must have the same key: ` +
        'set the same TEND_SECRET_KEY (or TEND_SECRET_KEY_FILE) on each. If the old key is lost for good, stop every ' +
        'Tend server and run `tend secret-key adopt` with the new key set: the database then takes the new key (start ' +
        'every server with it; a server still running keeps the old one), and the stored SMTP/SMS ' +
        'passwords must be entered again, two-step sign-in reset for each account that had it, and links already ' +
        'sent to patients stop working.',
    );
  }
}

/** `tend secret-key adopt`: the database takes this key (after the old one was lost). */
export async function adoptSecretKey(db: Db, source: SecretKeySource): Promise<boolean> {
  const mine = secretKeyCheckValue(source);
  const [before] = await db.select().from(schema.secretKeyCheck);
  await db
    .insert(schema.secretKeyCheck)
    .values({ checkValue: mine, recordedAt: new Date() })
    .onConflictDoUpdate({ target: schema.secretKeyCheck.id, set: { checkValue: mine, recordedAt: new Date() } });
  return before?.checkValue !== mine;
}
