import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Coverage, Payer } from '@tend/domain';
import { http } from '../api/client';

export const insuranceKeys = {
  payers: ['payers'] as const,
  coverages: (patientId: string) => ['coverages', patientId] as const,
};

export function usePayers(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: insuranceKeys.payers,
    queryFn: ({ signal }) => http.get<{ items: Payer[] }>('/payers', undefined, { signal }).then((r) => r.items),
    enabled: options.enabled ?? true,
  });
}

export function useSavePayer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id ? http.patch<Payer>(`/payers/${id}`, body) : http.post<Payer>('/payers', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: insuranceKeys.payers }),
  });
}

export function useCoverages(patientId: string) {
  return useQuery({
    queryKey: insuranceKeys.coverages(patientId),
    queryFn: ({ signal }) =>
      http.get<{ items: Coverage[] }>(`/patients/${patientId}/coverages`, undefined, { signal }).then((r) => r.items),
  });
}

export function useSaveCoverage(patientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id
        ? http.patch<Coverage>(`/patients/${patientId}/coverages/${id}`, body)
        : http.post<Coverage>(`/patients/${patientId}/coverages`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: insuranceKeys.coverages(patientId) }),
  });
}
