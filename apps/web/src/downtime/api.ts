import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DowntimePrintOverview, DowntimePrintSettings, DowntimeSheet } from '@tend/domain';
import { http } from '../api/client';

/** The downtime kit: the sheet the print page shows, the PDFs' addresses, the evening's settings. */

export const downtimeKeys = {
  sheet: (query: DowntimeQuery) => ['downtime', 'sheet', query] as const,
  evening: ['downtime', 'evening'] as const,
};

/** The days of the kit, and one provider's or one location's appointments only (null: all). */
export interface DowntimeQuery {
  date: string;
  days: number;
  providerId: string | null;
  locationId: string | null;
}

function params(query: DowntimeQuery) {
  return {
    date: query.date,
    days: String(query.days),
    ...(query.providerId ? { providerId: query.providerId } : {}),
    ...(query.locationId ? { locationId: query.locationId } : {}),
  };
}

export function useDowntimeSheet(query: DowntimeQuery, enabled: boolean) {
  return useQuery({
    queryKey: downtimeKeys.sheet(query),
    queryFn: ({ signal }) => http.get<DowntimeSheet>('/downtime/sheet', params(query), { signal }),
    enabled,
  });
}

/** Where a PDF of the kit is (opened in a new tab: the browser's viewer prints it). */
export function downtimePdfUrl(kind: 'schedule' | 'contacts', query: DowntimeQuery): string {
  return `/api/downtime/${kind}.pdf?${new URLSearchParams(params(query))}`;
}

export function useDowntimePrint(enabled: boolean) {
  return useQuery({
    queryKey: downtimeKeys.evening,
    queryFn: ({ signal }) => http.get<DowntimePrintOverview>('/settings/downtime-print', undefined, { signal }),
    enabled,
  });
}

export function useSaveDowntimePrint() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: DowntimePrintSettings) => http.put<DowntimePrintOverview>('/settings/downtime-print', body),
    onSuccess: (saved) => client.setQueryData(downtimeKeys.evening, saved),
  });
}
