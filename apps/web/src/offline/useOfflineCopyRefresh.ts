import { OFFLINE_REFRESH_MINUTES, type OfflineCopy } from '@tend/domain';
import { useEffect } from 'react';
import { api } from '../api/client';
import { clearOfflineCopies, copyGeneration, readOfflineCopy, saveOfflineCopy } from './store';

/** After a live schedule change, take a new copy this much later (one per burst of bookings). */
const AFTER_CHANGE_MS = 30_000;

const changeListeners = new Set<() => void>();

/** The live updates saw an appointment booked, moved or changed (schedule/live.ts). */
export function notifyScheduleChanged(): void {
  for (const listener of changeListeners) listener();
}

/**
 * Keeps the device's offline copy fresh while signed in: at once, every OFFLINE_REFRESH_MINUTES,
 * shortly after a live schedule change, and again when the server is back. Paused while the app
 * is locked or offline (the last copy stays). A role without the copy leaves none on the device,
 * and neither does the previous user. With `locationId`, the copy is of that location only.
 */
export function useOfflineCopyRefresh({
  userId,
  allowed,
  paused,
  locationId,
}: {
  userId: string;
  allowed: boolean;
  paused: boolean;
  locationId: string | null;
}): void {
  useEffect(() => {
    void readOfflineCopy().then((stored) => {
      if (stored && (!allowed || stored.userId !== userId)) void clearOfflineCopies();
    });
  }, [userId, allowed]);

  useEffect(() => {
    if (!allowed || paused) return;
    let cancelled = false;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      const generation = copyGeneration();
      try {
        const query = locationId ? `?locationId=${encodeURIComponent(locationId)}` : '';
        const copy = await api<OfflineCopy>(`/offline/copy${query}`, { background: true });
        if (!cancelled) await saveOfflineCopy(userId, copy, generation);
      } catch {
        // Unreachable or refused: the last copy stays until the next try.
      }
    };
    const onChange = () => {
      if (pending === undefined) {
        pending = setTimeout(() => {
          pending = undefined;
          void refresh();
        }, AFTER_CHANGE_MS);
      }
    };
    void refresh();
    const interval = setInterval(() => void refresh(), OFFLINE_REFRESH_MINUTES * 60_000);
    changeListeners.add(onChange);
    return () => {
      cancelled = true;
      clearInterval(interval);
      clearTimeout(pending);
      changeListeners.delete(onChange);
    };
  }, [userId, allowed, paused, locationId]);
}
