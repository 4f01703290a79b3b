import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReportGroup, ReportName, ReportResult, ReportRowsResult } from '@tend/domain';
import { downloadFromApi, http } from '../api/client';

/** The reports API as the web app uses it: a report's figures, the rows behind one, its CSV. */

export interface ReportFilters {
  from: string;
  to: string;
  group: ReportGroup;
  locationId?: string;
  providerId?: string;
  payerId?: string;
  serviceCode?: string;
}

export function useReport(name: ReportName, filters: ReportFilters) {
  return useQuery({
    queryKey: ['reports', name, filters],
    queryFn: ({ signal }) => http.get<ReportResult>(`/reports/${name}`, { ...filters }, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useReportRows(name: ReportName, filters: (ReportFilters & { metric: string }) | null) {
  return useQuery({
    queryKey: ['reports', name, 'rows', filters],
    queryFn: ({ signal }) => http.get<ReportRowsResult>(`/reports/${name}/rows`, { ...filters }, { signal }),
    enabled: filters !== null,
  });
}

export function downloadReportCsv(name: ReportName, filters: ReportFilters): Promise<string> {
  return downloadFromApi(`/reports/${name}`, { ...filters }, `${name}.csv`, 'text/csv');
}
