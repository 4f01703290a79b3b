import { useQueryClient } from '@tanstack/react-query';
import type { Encounter } from '@tend/domain';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/client';
import { type EncounterPatchBody, fetchEncounter, patchEncounter, visitKeys } from './api';

/**
 * The visit being documented, as typed: the note's sections and the code lists. Changes are saved
 * about a second after typing stops (autosave) with the version they were made on, so a save from
 * a stale copy is refused instead of overwriting another window's text. Unsaved text also waits in
 * the tab's sessionStorage until the server has it, so a reload or the lock screen never loses it.
 * Not localStorage: that would leave clinical text on the device after the tab is closed.
 */

export const NOTE_FIELDS = ['chiefComplaint', 'subjective', 'objective', 'assessment', 'plan'] as const;
export type NoteField = (typeof NOTE_FIELDS)[number];

export interface DiagnosisDraft {
  code: string;
  description: string;
  chronic: boolean;
}

export interface LineDraft {
  /** Stable React key (the server's line id once saved). */
  key: string;
  serviceId: string;
  code: string;
  description: string;
  feeCents: number;
  units: number;
  diagnosisPointers: number[];
}

export interface Draft {
  text: Record<NoteField, string>;
  diagnoses: DiagnosisDraft[];
  services: LineDraft[];
}

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'retrying'; message: string }
  /** The server refused the change (e.g. a header code): fix it and it is sent again. */
  | { kind: 'refused'; message: string }
  /** Someone saved this visit in another window (409): the typed text stays on screen. */
  | { kind: 'conflict'; message: string };

const AUTOSAVE_MS = 1000;
const RETRY_MS = 4000;

export function draftFrom(encounter: Encounter): Draft {
  return {
    text: {
      chiefComplaint: encounter.chiefComplaint,
      subjective: encounter.subjective,
      objective: encounter.objective,
      assessment: encounter.assessment,
      plan: encounter.plan,
    },
    diagnoses: encounter.diagnoses
      .filter((d) => d.addendumId === null)
      .map((d) => ({ code: d.code, description: d.description, chronic: d.chronic })),
    services: encounter.services
      .filter((line) => line.addedByAddendumId === null)
      .map((line) => ({
        key: line.id,
        serviceId: line.serviceId,
        code: line.code,
        description: line.description,
        feeCents: line.feeCents,
        units: line.units,
        diagnosisPointers: line.diagnosisPointers,
      })),
  };
}

// ---- Unsaved text kept in this browser -----------------------------------------------------------

interface StoredDraft {
  at: number;
  text: Partial<Record<NoteField, string>>;
}

const storageKey = (encounterId: string, userId: string) => `tend.visit-draft.${userId}.${encounterId}`;
const DRAFT_PREFIX = 'tend.visit-draft.';

/** Removes every visit-note draft from `storage` whose key starts with `prefix`. */
function removeDrafts(storage: Storage, prefix: string): void {
  for (const key of Object.keys(storage)) if (key.startsWith(prefix)) storage.removeItem(key);
}

/** Drafts that older versions of Tend kept in localStorage (plaintext on the device): removed. */
export function forgetLegacyDrafts(): void {
  try {
    removeDrafts(window.localStorage, DRAFT_PREFIX);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

export function readStoredDraft(encounterId: string, userId: string): StoredDraft | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey(encounterId, userId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as StoredDraft;
    return typeof parsed.at === 'number' && parsed.text && typeof parsed.text === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

function writeStoredDraft(encounterId: string, userId: string, text: Partial<Record<NoteField, string>>): void {
  try {
    const key = storageKey(encounterId, userId);
    if (Object.keys(text).length === 0) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, JSON.stringify({ at: Date.now(), text } satisfies StoredDraft));
  } catch {
    // Storage full or disabled: autosave to the server still runs.
  }
}

export function clearStoredDraft(encounterId: string, userId: string): void {
  writeStoredDraft(encounterId, userId, {});
}

/**
 * Forgets every unsaved note text of this user in this browser: on signing out, nothing clinical
 * stays behind on a shared computer. (Locking keeps it: the same user comes back.)
 */
export function clearStoredDrafts(userId: string): void {
  try {
    removeDrafts(window.sessionStorage, `${DRAFT_PREFIX}${userId}.`);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

/** The stored text that differs from the visit as saved (what "Restore" would bring back). */
export function restorableText(encounter: Encounter, userId: string): StoredDraft | null {
  const stored = readStoredDraft(encounter.id, userId);
  if (!stored || encounter.status !== 'in_progress') return null;
  const differing: Partial<Record<NoteField, string>> = {};
  for (const field of NOTE_FIELDS) {
    const value = stored.text[field];
    if (typeof value === 'string' && value !== encounter[field]) differing[field] = value;
  }
  return Object.keys(differing).length ? { at: stored.at, text: differing } : null;
}

// ---- The hook ----------------------------------------------------------------------------------

export function useVisitDraft(encounter: Encounter, userId: string) {
  const client = useQueryClient();
  const [draft, setDraftState] = useState<Draft>(() => draftFrom(encounter));
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const draftRef = useRef(draft);
  const version = useRef(encounter.version);
  const dirtyText = useRef(new Set<NoteField>());
  const dirtyCodes = useRef(false);
  const inFlight = useRef(false);
  const blocked = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flushRef = useRef<() => Promise<void>>(async () => undefined);

  const setDraft = useCallback((next: Draft) => {
    draftRef.current = next;
    setDraftState(next);
  }, []);

  const remember = useCallback(() => {
    const text: Partial<Record<NoteField, string>> = {};
    for (const field of dirtyText.current) text[field] = draftRef.current.text[field];
    writeStoredDraft(encounter.id, userId, text);
  }, [encounter.id, userId]);

  const schedule = useCallback((delay: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flushRef.current(), delay);
  }, []);

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    if (inFlight.current || blocked.current) return;
    if (dirtyText.current.size === 0 && !dirtyCodes.current) return;
    const current = draftRef.current;
    const sentText = [...dirtyText.current];
    const sentCodes = dirtyCodes.current;
    const body: EncounterPatchBody = { version: version.current };
    for (const field of sentText) body[field] = current.text[field];
    if (sentCodes) {
      body.diagnoses = current.diagnoses.map((d) => ({ code: d.code, chronic: d.chronic }));
      body.services = current.services.map((line) => ({
        serviceId: line.serviceId,
        units: line.units,
        diagnosisPointers: line.diagnosisPointers,
      }));
    }
    dirtyText.current = new Set();
    dirtyCodes.current = false;
    inFlight.current = true;
    let ok = false;
    setSave({ kind: 'saving' });
    try {
      const saved = await patchEncounter(encounter.id, body);
      version.current = saved.version;
      // Descriptions and positions come back from the server; keep what was typed since.
      if (sentCodes && !dirtyCodes.current) {
        const fresh = draftFrom(saved);
        setDraft({ ...draftRef.current, diagnoses: fresh.diagnoses, services: fresh.services });
      }
      client.setQueryData(visitKeys.encounter(encounter.id), saved);
      remember();
      // Typed while the save was on its way: not "Saved" until that is sent too.
      const more = dirtyText.current.size > 0 || dirtyCodes.current;
      setSave(more ? { kind: 'pending' } : { kind: 'saved', at: new Date() });
      ok = true;
    } catch (error) {
      for (const field of sentText) dirtyText.current.add(field);
      dirtyCodes.current ||= sentCodes;
      const message = isApiError(error) ? error.message : String(error);
      if (isApiError(error) && error.status === 409) {
        blocked.current = true;
        setSave({ kind: 'conflict', message });
      } else if (isApiError(error) && (error.status === 400 || error.status === 403 || error.status === 404)) {
        const detail = error.fields.map((f) => f.message).join(' ');
        setSave({ kind: 'refused', message: detail || message });
      } else {
        setSave({ kind: 'retrying', message });
        schedule(RETRY_MS);
      }
    } finally {
      inFlight.current = false;
    }
    // Typed while the save was on its way: send that too.
    if (ok && (dirtyText.current.size > 0 || dirtyCodes.current)) {
      schedule(AUTOSAVE_MS);
    }
  }, [client, encounter.id, remember, schedule, setDraft]);
  flushRef.current = flush;

  const setText = useCallback(
    (field: NoteField, value: string) => {
      setDraft({ ...draftRef.current, text: { ...draftRef.current.text, [field]: value } });
      dirtyText.current.add(field);
      remember();
      setSave((state) => (state.kind === 'conflict' ? state : { kind: 'pending' }));
      schedule(AUTOSAVE_MS);
    },
    [remember, schedule, setDraft],
  );

  /** Sets several sections at once (a template, restored text). */
  const setTexts = useCallback(
    (values: Partial<Record<NoteField, string>>) => {
      setDraft({ ...draftRef.current, text: { ...draftRef.current.text, ...values } });
      for (const field of Object.keys(values) as NoteField[]) dirtyText.current.add(field);
      remember();
      setSave((state) => (state.kind === 'conflict' ? state : { kind: 'pending' }));
      schedule(AUTOSAVE_MS / 4);
    },
    [remember, schedule, setDraft],
  );

  /** Diagnosis and service changes are saved at once (they are clicks, not typing). */
  const setCodes = useCallback(
    (codes: Pick<Draft, 'diagnoses' | 'services'>) => {
      setDraft({ ...draftRef.current, ...codes });
      dirtyCodes.current = true;
      setSave((state) => (state.kind === 'conflict' ? state : { kind: 'pending' }));
      schedule(150);
    },
    [schedule, setDraft],
  );

  /** After a 409: take the newest version and save what is on screen over it. */
  const keepMine = useCallback(async () => {
    const latest = await fetchEncounter(encounter.id);
    version.current = latest.version;
    blocked.current = false;
    if (latest.status !== 'in_progress') {
      client.setQueryData(visitKeys.encounter(encounter.id), latest);
      return;
    }
    // Everything on screen goes: the sections that differ and the code lists.
    for (const field of NOTE_FIELDS) if (draftRef.current.text[field] !== latest[field]) dirtyText.current.add(field);
    dirtyCodes.current = true;
    await flush();
  }, [client, encounter.id, flush]);

  /** After a 409: drop what was typed here and show the newest version. */
  const takeTheirs = useCallback(async () => {
    const latest = await fetchEncounter(encounter.id);
    version.current = latest.version;
    blocked.current = false;
    dirtyText.current = new Set();
    dirtyCodes.current = false;
    clearStoredDraft(encounter.id, userId);
    setDraft(draftFrom(latest));
    client.setQueryData(visitKeys.encounter(encounter.id), latest);
    setSave({ kind: 'idle' });
  }, [client, encounter.id, setDraft, userId]);

  /** Sends what is waiting now (before signing, on leaving the page). */
  const saveNow = useCallback(async () => {
    await flush();
    return dirtyText.current.size === 0 && !dirtyCodes.current && !blocked.current;
  }, [flush]);

  // Leaving the screen: send what is waiting (the browser's storage keeps it if that fails).
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      void flushRef.current();
    },
    [],
  );

  const unsaved = () => dirtyText.current.size > 0 || dirtyCodes.current || inFlight.current;

  return { draft, save, setText, setTexts, setCodes, keepMine, takeTheirs, saveNow, unsaved, version };
}
