import { Select } from '@mantine/core';
import { t } from '@tend/domain';
import { useCallback, useSyncExternalStore } from 'react';
import { useLocations } from '../admin/api';
import { useSession } from '../auth/session';

/** "All locations" in the location picker (a Select value cannot be null). */
const ALL_LOCATIONS = 'all';

/**
 * The location the user works at, for the schedule's day and the downtime kit: with more than one
 * active location, the one chosen last on this device (a front desk works at one), else the first;
 * null for "All locations" or a clinic of one. `known` is false until the locations are loaded.
 */
export function useWorkLocation() {
  const { user } = useSession();
  const locations = useLocations();
  const [stored, choose] = useStoredChoice(`tend.schedule.location.${user.id}`);
  const active = (locations.data ?? []).filter((l) => l.active);
  const location =
    active.length < 2 || stored === ALL_LOCATIONS ? null : (active.find((l) => l.id === stored) ?? active[0]);
  return { active, location, choose, known: !locations.isPending };
}

/** The picker of `useWorkLocation`, shown only when there is more than one active location. */
export function LocationPicker({ work }: { work: ReturnType<typeof useWorkLocation> }) {
  if (work.active.length < 2) return null;
  return (
    <Select
      label={t('schedule.location')}
      data={[
        ...work.active.map((l) => ({ value: l.id, label: l.name })),
        { value: ALL_LOCATIONS, label: t('schedule.allLocations') },
      ]}
      value={work.location?.id ?? ALL_LOCATIONS}
      onChange={(value) => work.choose(value)}
      allowDeselect={false}
      searchable
      w={230}
    />
  );
}

/**
 * A choice kept in `localStorage` under `key`, the same in every component that reads it (the
 * schedule, the downtime kit and the offline copy follow one another) and in other tabs.
 * Where storage is refused (private mode, quota) it lasts until the page is left.
 */
function useStoredChoice(key: string): [string | null, (value: string | null) => void] {
  const value = useSyncExternalStore(subscribe, () => (chosen.has(key) ? (chosen.get(key) ?? null) : readStored(key)));
  const choose = useCallback(
    (next: string | null) => {
      chosen.set(key, next);
      try {
        if (next) window.localStorage.setItem(key, next);
        else window.localStorage.removeItem(key);
      } catch {
        // Refused: kept in `chosen` only.
      }
      for (const listener of listeners) listener();
    },
    [key],
  );
  return [value, choose];
}

/** The choices made on this page, and who reads them. */
const chosen = new Map<string, string | null>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  // Another tab chose: its value is in storage.
  const onStorage = (event: StorageEvent) => {
    if (event.key) chosen.delete(event.key);
    listener();
  };
  listeners.add(listener);
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
