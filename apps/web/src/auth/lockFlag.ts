/**
 * The lock is shared by every tab of the browser: locking one locks all (localStorage event),
 * reloading a locked tab does not unlock it, and activity in any tab keeps all of them awake.
 */

const LOCK_KEY = 'tend.locked';
const ACTIVITY_KEY = 'tend.activity';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function readLockFlag(): string | null {
  return storage()?.getItem(LOCK_KEY) ?? null;
}

export function writeLockFlag(userId: string): void {
  storage()?.setItem(LOCK_KEY, userId);
}

export function clearLockFlag(): void {
  storage()?.removeItem(LOCK_KEY);
}

export function readSharedActivity(): number {
  const value = Number(storage()?.getItem(ACTIVITY_KEY) ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function writeSharedActivity(at: number): void {
  storage()?.setItem(ACTIVITY_KEY, String(at));
}

/** Calls back when another tab locks (`locked: true`) or unlocks the app. */
export function onLockFlagChange(callback: (locked: boolean) => void): () => void {
  const listener = (event: StorageEvent) => {
    if (event.key !== LOCK_KEY) return;
    callback(event.newValue !== null);
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}
