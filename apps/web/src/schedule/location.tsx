import { Select } from '@mantine/core';
import { t } from '@tend/domain';
import { useEffect, useState } from 'react';
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

function useStoredChoice(key: string): [string | null, (value: string | null) => void] {
  const [chosen, setChosen] = useState<string | null>(() => readStored(key));
  useEffect(() => {
    try {
      if (chosen) window.localStorage.setItem(key, chosen);
      else window.localStorage.removeItem(key);
    } catch {
      // Storage refused (private mode, quota): the choice lasts until the page is left.
    }
  }, [key, chosen]);
  return [chosen, setChosen];
}

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
