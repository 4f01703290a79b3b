import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AppointmentMetric, ReportGroup, ReportResult, ReportRowsResult } from '@tend/domain';
import { downloadFromApi, http } from '../api/client';

/** The reports API as the web app uses it: a report's figures, the rows behind one, its CSV. */

export interface ReportFilters {
  from: string;
  to: string;
  group: ReportGroup;
  locationId?: string;
  providerId?: string;
}

export function useAppointmentsReport(filters: ReportFilters, enabled: boolean) {
  return useQuery({
    queryKey: ['reports', 'appointments', filters],
    queryFn: ({ signal }) => http.get<ReportResult>('/reports/appointments', { ...filters }, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAppointmentReportRows(filters: (ReportFilters & { metric: AppointmentMetric }) | null) {
  return useQuery({
    queryKey: ['reports', 'appointments', 'rows', filters],
    queryFn: ({ signal }) => http.get<ReportRowsResult>('/reports/appointments/rows', { ...filters }, { signal }),
    enabled: filters !== null,
  });
}

export function downloadReportCsv(filters: ReportFilters): Promise<string> {
  return downloadFromApi('/reports/appointments', { ...filters }, 'appointments.csv', 'text/csv');
}
