import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DowntimePrintOverview, DowntimePrintSettings, DowntimeSheet } from '@tend/domain';
import { http } from '../api/client';

/** The downtime kit: the sheet the print page shows, the PDFs' addresses, the evening's settings. */

export const downtimeKeys = {
  sheet: (date: string, days: number, providerId: string | null) =>
    ['downtime', 'sheet', date, days, providerId] as const,
  evening: ['downtime', 'evening'] as const,
};

export function useDowntimeSheet(date: string, days: number, providerId: string | null) {
  return useQuery({
    queryKey: downtimeKeys.sheet(date, days, providerId),
    queryFn: ({ signal }) =>
      http.get<DowntimeSheet>('/downtime/sheet', { date, days, providerId: providerId ?? undefined }, { signal }),
  });
}

/** Where a PDF of the kit is (opened in a new tab: the browser's viewer prints it). */
export function downtimePdfUrl(
  kind: 'schedule' | 'contacts',
  query: { date: string; days: number; providerId: string | null },
): string {
  const params = new URLSearchParams({ date: query.date, days: String(query.days) });
  if (query.providerId) params.set('providerId', query.providerId);
  return `/api/downtime/${kind}.pdf?${params}`;
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
