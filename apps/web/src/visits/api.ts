import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Allergy,
  Charge,
  Chart,
  Encounter,
  Icd10Code,
  Medication,
  NoteTemplate,
  Recall,
  Service,
  VisitListItem,
  Vitals,
} from '@tend/domain';
import { http } from '../api/client';
import { recallKeys } from '../recalls/api';

/** The visit documentation API as the web app uses it: visits, vitals, the chart, codes, charges. */

export type { VisitListItem };

/** At most 500 visits; `truncated`: there were more. */
export type VisitList = { items: VisitListItem[]; truncated: boolean };

export const visitKeys = {
  encounter: (id: string) => ['encounters', 'detail', id] as const,
  encounters: (query: Record<string, string | undefined>) => ['encounters', 'list', query] as const,
  withoutCharge: ['encounters', 'without-charge'] as const,
  vitals: (patientId: string) => ['vitals', patientId] as const,
  chart: (patientId: string) => ['chart', patientId] as const,
  services: ['services'] as const,
  templates: ['note-templates'] as const,
  charges: (query: Record<string, string | undefined>) => ['charges', query] as const,
};

const items = <T>(r: { items: T[] }) => r.items;

export function useEncounter(id: string, enabled = true) {
  return useQuery({
    queryKey: visitKeys.encounter(id),
    queryFn: ({ signal }) => http.get<Encounter>(`/encounters/${id}`, undefined, { signal }),
    enabled,
    // The note being typed is the truth on screen: never refetch it behind the typist's back.
    refetchOnWindowFocus: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function fetchEncounter(id: string): Promise<Encounter> {
  return http.get<Encounter>(`/encounters/${id}`);
}

export function useEncounters(query: { providerId?: string; date?: string; status?: 'in_progress' | 'signed' }) {
  return useQuery({
    queryKey: visitKeys.encounters(query),
    queryFn: ({ signal }) => http.get<VisitList>('/encounters', query, { signal }).then(items),
    enabled: query.providerId !== undefined,
  });
}

/** A patient's visits (the latest 500), shared by the chart's clinical tab and the amendment form. */
export function usePatientVisits(patientId: string, enabled = true) {
  return useQuery({
    queryKey: visitKeys.encounters({ patientId }),
    queryFn: ({ signal }) => http.get<VisitList>('/encounters', { patientId }, { signal }),
    enabled,
  });
}

export function useVisitsWithoutCharge(enabled = true) {
  return useQuery({
    queryKey: visitKeys.withoutCharge,
    queryFn: ({ signal }) => http.get<VisitList>('/encounters/without-charge', undefined, { signal }),
    enabled,
  });
}

/** Opens (or finds) the visit of a checked-in appointment; the appointment is started. */
export function useOpenVisit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (appointmentId: string) => http.post<Encounter>('/encounters', { appointmentId }),
    onSuccess: (encounter) => {
      client.setQueryData(visitKeys.encounter(encounter.id), encounter);
      void client.invalidateQueries({ queryKey: ['appointments'] });
      void client.invalidateQueries({ queryKey: ['encounters', 'list'] });
    },
  });
}

export type EncounterPatchBody = {
  version: number;
  chiefComplaint?: string;
  subjective?: string;
  objective?: string;
  assessment?: string;
  plan?: string;
  diagnoses?: { code: string; chronic: boolean }[];
  services?: { serviceId: string; units: number; diagnosisPointers: number[] }[];
};

export function patchEncounter(id: string, body: EncounterPatchBody): Promise<Encounter> {
  return http.patch<Encounter>(`/encounters/${id}`, body);
}

export function useSignEncounter(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => http.post<Encounter>(`/encounters/${id}/sign`),
    onSuccess: (encounter) => {
      client.setQueryData(visitKeys.encounter(id), encounter);
      void client.invalidateQueries({ queryKey: ['encounters', 'list'] });
      void client.invalidateQueries({ queryKey: ['charges'] });
      void client.invalidateQueries({ queryKey: ['chart', encounter.patientId] });
    },
  });
}

export interface AddendumBody {
  reason: string;
  text: string;
  addDiagnoses: { code: string; chronic: boolean }[];
  addServices: { serviceId: string; units: number; diagnosisPointers: number[] }[];
  removeServiceLineIds: string[];
}

export function useAddAddendum(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AddendumBody) => http.post<Encounter>(`/encounters/${id}/addenda`, body),
    onSuccess: (encounter) => {
      client.setQueryData(visitKeys.encounter(id), encounter);
      void client.invalidateQueries({ queryKey: ['charges'] });
      void client.invalidateQueries({ queryKey: ['chart', encounter.patientId] });
    },
  });
}

// ---- Vitals and the chart --------------------------------------------------------------------

export function usePatientVitals(patientId: string | undefined) {
  return useQuery({
    queryKey: visitKeys.vitals(patientId ?? ''),
    queryFn: ({ signal }) =>
      http.get<{ items: Vitals[] }>(`/patients/${patientId}/vitals`, undefined, { signal }).then(items),
    enabled: patientId !== undefined,
  });
}

export function useRecordVitals(encounterId: string, patientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => http.post<Vitals>(`/encounters/${encounterId}/vitals`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: visitKeys.vitals(patientId) }),
  });
}

export function useChart(patientId: string | undefined) {
  return useQuery({
    queryKey: visitKeys.chart(patientId ?? ''),
    queryFn: ({ signal }) => http.get<Chart>(`/patients/${patientId}/chart`, undefined, { signal }),
    enabled: patientId !== undefined,
  });
}

export function useChartEntry(patientId: string, kind: 'allergies' | 'medications') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id
        ? http.patch<Allergy | Medication>(`/${kind}/${id}`, body)
        : http.post<Allergy | Medication>(`/patients/${patientId}/${kind}`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: visitKeys.chart(patientId) }),
  });
}

// ---- Codes, catalogue, templates -------------------------------------------------------------

export function searchIcd10(q: string, signal?: AbortSignal): Promise<Icd10Code[]> {
  return http.get<{ items: Icd10Code[] }>('/codes/icd10', { q, limit: 12 }, { signal }).then(items);
}

export function useServices() {
  return useQuery({
    queryKey: visitKeys.services,
    queryFn: ({ signal }) => http.get<{ items: Service[] }>('/services', undefined, { signal }).then(items),
  });
}

export function useSaveService() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id ? http.patch<Service>(`/services/${id}`, body) : http.post<Service>('/services', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: visitKeys.services }),
  });
}

export function useNoteTemplates(enabled = true) {
  return useQuery({
    queryKey: visitKeys.templates,
    queryFn: ({ signal }) => http.get<{ items: NoteTemplate[] }>('/note-templates', undefined, { signal }).then(items),
    enabled,
  });
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id ? http.patch<NoteTemplate>(`/note-templates/${id}`, body) : http.post<NoteTemplate>('/note-templates', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: visitKeys.templates }),
  });
}

// ---- Charges and follow-ups ------------------------------------------------------------------

export function useCharges(
  query: { encounterId?: string; patientId?: string; status?: 'open' | 'void' },
  enabled = true,
) {
  return useQuery({
    queryKey: visitKeys.charges(query),
    queryFn: ({ signal }) => http.get<{ items: Charge[] }>('/charges', query, { signal }).then(items),
    enabled,
  });
}

/** Orders a follow-up: a recall on the front desk's list. */
export function useCreateFollowUp(encounterId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => http.post<Recall>(`/encounters/${encounterId}/follow-ups`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: recallKeys.all }),
  });
}
