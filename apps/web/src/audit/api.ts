import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditEvent } from '@tend/domain';
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
