import { useSyncExternalStore } from 'react';

/**
 * Whether the signed-in session is in a training clinic: the app then takes the training accent
 * colour everywhere (App.tsx picks the theme), so practice never looks like the real clinic.
 */

let training = false;
const listeners = new Set<() => void>();

export function setTrainingAccent(value: boolean): void {
  if (training === value) return;
  training = value;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTrainingAccent(): boolean {
  return useSyncExternalStore(subscribe, () => training);
}
