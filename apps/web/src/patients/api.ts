import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Patient, PatientSummary } from '@tend/domain';
import { http } from '../api/client';

export const patientKeys = {
  all: ['patients'] as const,
  lists: () => ['patients', 'list'] as const,
  list: (q: string, limit: number, offset: number) => ['patients', 'list', { q, limit, offset }] as const,
  detail: (id: string) => ['patients', 'detail', id] as const,
};

export function patientName(patient: { givenName: string; familyName: string }): string {
  return `${patient.givenName} ${patient.familyName}`;
}

/**
 * One page of a patient search (or the recently updated patients without `q`). Asks for one
 * more than the page size to know whether a next page exists.
 */
export function usePatientSearch(q: string, page: number, pageSize: number, options: { enabled?: boolean } = {}) {
  const offset = (page - 1) * pageSize;
  const query = useQuery({
    queryKey: patientKeys.list(q, pageSize + 1, offset),
    queryFn: ({ signal }) =>
      http.get<{ items: PatientSummary[] }>(
        '/patients',
        { q: q || undefined, limit: pageSize + 1, offset },
        { signal },
      ),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
  const items = query.data?.items ?? [];
  return { ...query, items: items.slice(0, pageSize), hasMore: items.length > pageSize };
}

export function usePatient(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: patientKeys.detail(id),
    queryFn: ({ signal }) => http.get<Patient>(`/patients/${id}`, undefined, { signal }),
    enabled: options.enabled ?? true,
  });
}

export function useUpdatePatient(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) => http.patch<Patient>(`/patients/${id}`, patch),
    onSuccess: (patient) => {
      client.setQueryData(patientKeys.detail(id), patient);
      void client.invalidateQueries({ queryKey: patientKeys.lists() });
      void client.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export function useRegisterPatient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => http.post<Patient>('/patients', body),
    onSuccess: (patient) => {
      client.setQueryData(patientKeys.detail(patient.id), patient);
      void client.invalidateQueries({ queryKey: patientKeys.lists() });
    },
  });
}
