import { useSyncExternalStore } from 'react';

/**
 * The checklist panel's state, shared by the panel and the exercises page: whether the person hid
 * it, and which exercise it follows (kept after the last step, to say "well done").
 */

interface State {
  hidden: boolean;
  followed: string | null;
}

let state: State = { hidden: false, followed: null };
const listeners = new Set<() => void>();

function set(next: Partial<State>) {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const showChecklist = () => set({ hidden: false });
export const hideChecklist = () => set({ hidden: true });
export const followExercise = (id: string) => {
  if (state.followed !== id) set({ followed: id, hidden: false });
};

export function useChecklistState(): State {
  return useSyncExternalStore(subscribe, () => state);
}
