import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditEvent, AuditVerification } from '@tend/domain';
import { http } from '../api/client';

export interface AuditFilter {
  patientId?: string;
  userId?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export function useAuditEvents(filter: AuditFilter, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['audit', filter],
    queryFn: ({ signal }) =>
      http.get<{ items: AuditEvent[]; total: number }>('/audit-events', { ...filter }, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

/** The clinic's audit log recomputed against its hash chain (reads the whole log: checked once per visit). */
export function useAuditVerification() {
  return useQuery({
    queryKey: ['audit-verify'],
    queryFn: ({ signal }) => http.get<AuditVerification>('/audit-events/verify', {}, { signal }),
    staleTime: 5 * 60_000,
  });
}
