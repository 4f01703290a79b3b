import type { OfflineCopy } from '@tend/domain';

/**
 * The offline copy in IndexedDB: one record, keyed by user and clinic, holding the last copy the
 * server gave (`GET /api/offline/copy`). A device keeps one person's copy at a time: saving
 * replaces any other, and signing out deletes the whole database. Not encrypted (see
 * docs/security.md, "The offline copy").
 */

const DATABASE = 'tend-offline';
const STORE = 'copies';

export interface StoredCopy {
  /** `<userId>:<clinicId>` */
  key: string;
  userId: string;
  copy: OfflineCopy;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Runs one request in its own transaction and closes the database after (so deleting it is never blocked). */
async function run<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest<T> | undefined,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request?.result as T);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Bumped by every clear: a copy fetched before a sign-out must not be saved after it (IndexedDB
 * runs an open requested before the delete first, so the check below and the open stay in order).
 */
let generation = 0;

export function copyGeneration(): number {
  return generation;
}

/** Keeps `copy` as the device's only offline copy, unless the copies were cleared since `fetchedIn`. */
export async function saveOfflineCopy(userId: string, copy: OfflineCopy, fetchedIn: number): Promise<void> {
  if (fetchedIn !== generation) return;
  const record: StoredCopy = { key: `${userId}:${copy.clinicId}`, userId, copy };
  await run('readwrite', (store) => {
    store.clear();
    return store.put(record);
  });
}

/** The device's offline copy, if any (and if IndexedDB works in this browser). */
export async function readOfflineCopy(): Promise<StoredCopy | null> {
  try {
    const all = await run<StoredCopy[]>('readonly', (store) => store.getAll() as IDBRequest<StoredCopy[]>);
    return all[0] ?? null;
  } catch {
    return null;
  }
}

/** Deletes every offline copy on this device (sign-out, another user, a role without the copy). */
export function clearOfflineCopies(): Promise<void> {
  generation += 1;
  return new Promise((resolve) => {
    try {
      const request = indexedDB.deleteDatabase(DATABASE);
      request.onsuccess = () => resolve();
      request.onerror = () => resolve();
      request.onblocked = () => resolve();
    } catch {
      resolve();
    }
  });
}
