import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ClinicalAccess, EmergencyAccess, EmergencyReview, Patient } from '@tend/domain';
import { http } from '../api/client';
import { patientKeys } from '../patients/api';

export const emergencyKeys = {
  access: (patientId: string) => ['clinical-access', patientId] as const,
  queue: (status: 'unreviewed' | 'all') => ['emergency-access', status] as const,
};

/** How the signed-in user reaches the patient's clinical record (open, care, emergency, denied). */
export function useClinicalAccess(patientId: string) {
  return useQuery({
    queryKey: emergencyKeys.access(patientId),
    queryFn: ({ signal }) => http.get<ClinicalAccess>(`/patients/${patientId}/clinical-access`, undefined, { signal }),
  });
}

export function useRequestEmergencyAccess(patientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => http.post<EmergencyAccess>(`/patients/${patientId}/emergency-access`, { reason }),
    onSuccess: () => client.invalidateQueries({ queryKey: emergencyKeys.access(patientId) }),
  });
}

export function useSetRestricted(patientId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (restricted: boolean) => http.put<Patient>(`/patients/${patientId}/restricted`, { restricted }),
    onSuccess: (patient) => {
      client.setQueryData(patientKeys.detail(patientId), patient);
      void client.invalidateQueries({ queryKey: emergencyKeys.access(patientId) });
      void client.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export function useEmergencyQueue(status: 'unreviewed' | 'all') {
  return useQuery({
    queryKey: emergencyKeys.queue(status),
    queryFn: ({ signal }) => http.get<{ items: EmergencyAccess[] }>('/emergency-access', { status }, { signal }),
    select: (data) => data.items,
  });
}

export function useReviewEmergencyAccess() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, review }: { id: string; review: EmergencyReview }) =>
      http.post<EmergencyAccess>(`/emergency-access/${id}/review`, review),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['emergency-access'] });
      void client.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}
