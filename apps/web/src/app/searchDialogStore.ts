import { useSyncExternalStore } from 'react';

/** The global patient search dialog's open state, shared by the header, Home and Ctrl+K. */

let opened = false;
const listeners = new Set<() => void>();

function set(value: boolean) {
  opened = value;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const patientSearchDialog = {
  open: () => set(true),
  close: () => set(false),
};

export function usePatientSearchDialog() {
  const value = useSyncExternalStore(subscribe, () => opened);
  return { opened: value, ...patientSearchDialog };
}
