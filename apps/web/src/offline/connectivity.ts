import { useSyncExternalStore } from 'react';

/**
 * Can the browser reach a working server? The API client reports each request's fate: a network
 * error or a 502/503/504 (a proxy without Tend behind it, or Tend without its database) is checked
 * once against `/api/health`; if that fails too the app is offline and checks again every
 * `CHECK_SECONDS` (and when the browser says the network went or came back). Any other answer from Tend,
 * even a 4xx, means it works.
 */

export const CHECK_SECONDS = 15;

let offline = false;
let checking: Promise<void> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function set(next: boolean): void {
  if (offline === next) return;
  offline = next;
  for (const listener of listeners) listener();
}

/** One look at the health route (public, no session, never cached). */
async function reachable(): Promise<boolean> {
  try {
    const response = await fetch('/api/health', { cache: 'no-store', headers: { 'x-tend-background': '1' } });
    // 503 is Tend up without its database: as unusable as a server that is down.
    return response.ok;
  } catch {
    return false;
  }
}

/** Checks now (once at a time); while offline, again every CHECK_SECONDS. */
export function checkConnection(): Promise<void> {
  checking ??= reachable()
    .then((ok) => {
      set(!ok);
      clearTimeout(timer);
      if (!ok) timer = setTimeout(() => void checkConnection(), CHECK_SECONDS * 1000);
    })
    .finally(() => {
      checking = null;
    });
  return checking;
}

/** A request failed without an answer from Tend. */
export function reportUnreachable(): void {
  void checkConnection();
}

/** Tend answered. */
export function reportReachable(): void {
  if (!offline) return;
  clearTimeout(timer);
  set(false);
}

export function isOffline(): boolean {
  return offline;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    if (offline) void checkConnection();
  });
  // The device lost its network: React Query pauses its requests then (none fails to tell us),
  // so check at once.
  window.addEventListener('offline', () => void checkConnection());
}

/** True while the server cannot be reached. */
export function useOffline(): boolean {
  return useSyncExternalStore(subscribe, isOffline);
}
