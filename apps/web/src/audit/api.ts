import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditEvent, AuditSortField, AuditVerification } from '@tend/domain';
import { downloadFromApi, http } from '../api/client';

export interface AuditSort {
  sort: AuditSortField;
  dir: 'asc' | 'desc';
}

export const NEWEST_FIRST: AuditSort = { sort: 'occurredAt', dir: 'desc' };

export interface AuditFilter extends Partial<AuditSort> {
  patientId?: string;
  userId?: string;
  action?: string;
  outcome?: 'success' | 'failure';
  actorRole?: string;
  entityType?: string;
  entityId?: string;
  ip?: string;
  q?: string;
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

/** Every event matching the filter, in its order, saved as CSV (the server audits the export). */
export function downloadAuditCsv({ limit: _limit, offset: _offset, ...filter }: AuditFilter): Promise<string> {
  return downloadFromApi('/audit-events', { ...filter, format: 'csv' }, 'audit-log.csv');
}
