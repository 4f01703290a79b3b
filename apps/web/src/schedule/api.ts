import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppointmentAction, AppointmentStatus } from '@tend/domain';
import { http } from '../api/client';

/** The scheduling API as the front desk uses it: appointments, open slots, types and working hours. */

export interface AppointmentType {
  id: string;
  name: string;
  durationMinutes: number;
  color: string;
  bufferAfterMinutes: number;
  roomType: string | null;
  providerIds: string[];
  active: boolean;
}

export interface Appointment {
  id: string;
  patientId: string;
  patientName: string;
  providerId: string;
  locationId: string;
  appointmentTypeId: string;
  roomId: string | null;
  start: string;
  end: string;
  status: AppointmentStatus;
  notes: string | null;
  bookedAt: string;
  confirmedAt: string | null;
  checkedInAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  noShowAt: string | null;
  cancelReason: string | null;
}

export interface Slot {
  providerId: string;
  locationId: string;
  start: string;
  end: string;
}

export interface WorkingBlock {
  weekday: number;
  start: string;
  end: string;
}

export interface ScheduleVersion {
  id: string;
  locationId: string;
  timezone: string;
  validFrom: string;
  validTo: string | null;
  blocks: WorkingBlock[];
}

export const scheduleKeys = {
  appointments: ['appointments'] as const,
  range: (from: string, to: string) => ['appointments', { from, to }] as const,
  types: ['appointment-types'] as const,
  hours: (providerId: string) => ['working-hours', providerId] as const,
};

export function useAppointments(from: string, to: string) {
  return useQuery({
    queryKey: scheduleKeys.range(from, to),
    queryFn: ({ signal }) =>
      http.get<{ items: Appointment[] }>('/appointments', { from, to }, { signal }).then((r) => r.items),
  });
}

export function useAppointmentTypes() {
  return useQuery({
    queryKey: scheduleKeys.types,
    queryFn: ({ signal }) =>
      http.get<{ items: AppointmentType[] }>('/appointment-types', undefined, { signal }).then((r) => r.items),
  });
}

export function fetchSlots(query: {
  appointmentTypeId: string;
  from: string;
  to: string;
  providerId?: string;
}): Promise<Slot[]> {
  return http.get<{ items: Slot[] }>('/slots', query).then((r) => r.items);
}

export function fetchNextSlot(query: { appointmentTypeId: string; from: string }): Promise<Slot | null> {
  return http.get<{ slot: Slot | null }>('/slots/next', query).then((r) => r.slot);
}

function useRefreshDay() {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: scheduleKeys.appointments });
}

export function useBook() {
  const refresh = useRefreshDay();
  return useMutation({
    mutationFn: (body: {
      patientId: string;
      providerId: string;
      appointmentTypeId: string;
      start: string;
      notes?: string | null;
      allowPatientOverlap?: boolean;
    }) => http.post<Appointment>('/appointments', body),
    onSuccess: refresh,
  });
}

export function useAppointmentAction() {
  const refresh = useRefreshDay();
  return useMutation({
    mutationFn: ({ id, action, reason }: { id: string; action: AppointmentAction; reason?: string }) =>
      http.post<Appointment>(`/appointments/${id}/${action}`, action === 'cancel' ? { reason } : {}),
    onSuccess: refresh,
  });
}

export function useReschedule() {
  const refresh = useRefreshDay();
  return useMutation({
    mutationFn: ({ id, start, providerId }: { id: string; start: string; providerId?: string }) =>
      http.post<Appointment>(`/appointments/${id}/reschedule`, { start, providerId }),
    onSuccess: refresh,
  });
}

export function useWorkingHours(providerId: string | null) {
  return useQuery({
    queryKey: scheduleKeys.hours(providerId ?? ''),
    queryFn: ({ signal }) =>
      http
        .get<{ items: ScheduleVersion[] }>(`/providers/${providerId}/working-hours`, undefined, { signal })
        .then((r) => r.items),
    enabled: providerId !== null,
  });
}

export function useSaveWorkingHours(providerId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { locationId: string; blocks: WorkingBlock[] }) =>
      http.put<{ items: ScheduleVersion[] }>(`/providers/${providerId}/working-hours`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: scheduleKeys.hours(providerId) }),
  });
}

export function useSaveAppointmentType() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id
        ? http.patch<AppointmentType>(`/appointment-types/${id}`, body)
        : http.post<AppointmentType>('/appointment-types', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: scheduleKeys.types }),
  });
}
