import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Appointment,
  AppointmentAction,
  AppointmentType,
  Slot as DomainSlot,
  ExtraHours,
  Interval,
  Provider,
  Room,
  ScheduleVersionOut,
  TimeOff,
  WorkingTime,
} from '@tend/domain';
import { useMemo } from 'react';
import { http } from '../api/client';

/** The scheduling API as the front desk uses it: appointments, open slots, types and working hours. */

export type { Appointment, AppointmentType, ExtraHours, Room, TimeOff } from '@tend/domain';

/** An open slot, or (`outside`) a time the user chose outside working hours (booking it needs an override). */
export type Slot = DomainSlot & { outside?: boolean };
export type ScheduleVersion = ScheduleVersionOut;
export type WorkingBlock = ScheduleVersionOut['blocks'][number];

/** Booking or moving outside working hours anyway, with a reason (audited). */
export interface Override {
  reason: string;
}

export const scheduleKeys = {
  appointments: ['appointments'] as const,
  range: (from: string, to: string, where: AppointmentsWhere = {}) => ['appointments', { from, to, ...where }] as const,
  types: ['appointment-types'] as const,
  rooms: ['rooms'] as const,
  hours: (providerId: string) => ['working-hours', providerId] as const,
  timeOff: ['time-off'] as const,
  extraHours: ['extra-hours'] as const,
  workingTime: ['working-time'] as const,
};

/** Narrows an appointment list to one provider or one location. */
type AppointmentsWhere = { providerId?: string; locationId?: string };

export function useAppointments(from: string, to: string, options: AppointmentsWhere & { enabled?: boolean } = {}) {
  const { enabled = true, ...asked } = options;
  // Only what is set: an unset filter is neither sent nor part of the cache key.
  const where: AppointmentsWhere = Object.fromEntries(Object.entries(asked).filter(([, value]) => value));
  return useQuery({
    queryKey: scheduleKeys.range(from, to, where),
    queryFn: ({ signal }) =>
      http.get<{ items: Appointment[] }>('/appointments', { from, to, ...where }, { signal }).then((r) => r.items),
    enabled,
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
  locationId?: string;
}): Promise<Slot[]> {
  return http.get<{ items: Slot[] }>('/slots', query).then((r) => r.items);
}

export function fetchNextSlot(query: {
  appointmentTypeId: string;
  from: string;
  locationId?: string;
}): Promise<Slot | null> {
  return http.get<{ slot: Slot | null }>('/slots/next', query).then((r) => r.slot);
}

/** Refetches the appointments shown; mutations wait for it, so the screen never shows the old place. */
function useRefreshDay() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: scheduleKeys.appointments });
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
      override?: Override | null;
      followUpId?: string | null;
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
    mutationFn: ({
      id,
      ...body
    }: {
      id: string;
      start: string;
      providerId?: string;
      override?: Override | null;
      allowPatientOverlap?: boolean;
    }) => http.post<Appointment>(`/appointments/${id}/reschedule`, body),
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
    onSuccess: () => void refreshCalendar(client, scheduleKeys.hours(providerId)),
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

export function useRooms(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: scheduleKeys.rooms,
    queryFn: ({ signal }) => http.get<{ items: Room[] }>('/rooms', undefined, { signal }).then((r) => r.items),
    enabled: options.enabled ?? true,
  });
}

export function useSaveRoom() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id ? http.patch<Room>(`/rooms/${id}`, body) : http.post<Room>('/rooms', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: scheduleKeys.rooms }),
  });
}

/** The kinds of room in use (by rooms and by appointment types), for suggestions. */
export function roomTypeSuggestions(rooms: Room[] | undefined, types: AppointmentType[] | undefined): string[] {
  const all = [...(rooms ?? []).map((r) => r.roomType), ...(types ?? []).map((type) => type.roomType ?? '')];
  return [...new Set(all.filter(Boolean))].sort((a, b) => a.localeCompare(b));
}

type Range = { from?: string; to?: string };

function rangeQuery(range: Range): Record<string, string> {
  const query: Record<string, string> = {};
  if (range.from) query.from = range.from;
  if (range.to) query.to = range.to;
  return query;
}

/** A provider's time off, with the clinic's closures (the API lists both), overlapping the range. */
export function useTimeOff(providerId: string | null, range: Range) {
  return useQuery({
    queryKey: [...scheduleKeys.timeOff, providerId, range],
    queryFn: ({ signal }) =>
      http
        .get<{ items: TimeOff[] }>(`/providers/${providerId}/time-off`, rangeQuery(range), { signal })
        .then((r) => r.items),
    enabled: providerId !== null,
  });
}

export function useExtraHours(providerId: string | null, range: Range) {
  return useQuery({
    queryKey: [...scheduleKeys.extraHours, providerId, range],
    queryFn: ({ signal }) =>
      http
        .get<{ items: ExtraHours[] }>(`/providers/${providerId}/extra-hours`, rangeQuery(range), { signal })
        .then((r) => r.items),
    enabled: providerId !== null,
  });
}

/** The clinic's closures (holidays). */
export function useClinicClosures(range: Range) {
  return useQuery({
    queryKey: [...scheduleKeys.timeOff, 'clinic', range],
    queryFn: ({ signal }) =>
      http.get<{ items: TimeOff[] }>('/time-off', rangeQuery(range), { signal }).then((r) => r.items),
  });
}

/** Add time off for a provider, or (providerId null) close the whole clinic. */
export function useAddTimeOff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, ...body }: { providerId: string | null; start: string; end: string; reason: string }) =>
      http.post<TimeOff>(providerId ? `/providers/${providerId}/time-off` : '/time-off', body),
    onSuccess: () => refreshCalendar(client, scheduleKeys.timeOff),
  });
}

/** Removes time off of a provider or a clinic closure: its time is bookable again. */
export function useRemoveTimeOff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.delete(`/time-off/${id}`),
    onSuccess: () => refreshCalendar(client, scheduleKeys.timeOff),
  });
}

export function useRemoveExtraHours() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, id }: { providerId: string; id: string }) =>
      http.delete(`/providers/${providerId}/extra-hours/${id}`),
    onSuccess: () => refreshCalendar(client, scheduleKeys.extraHours),
  });
}

export function useAddExtraHours() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, ...body }: { providerId: string; locationId: string; start: string; end: string }) =>
      http.post<ExtraHours>(`/providers/${providerId}/extra-hours`, body),
    onSuccess: () => refreshCalendar(client, scheduleKeys.extraHours),
  });
}

/** After a change to a calendar: its own list, and the working time the schedule shades from it. */
function refreshCalendar(client: QueryClient, queryKey: readonly unknown[]) {
  return Promise.all([
    client.invalidateQueries({ queryKey }),
    client.invalidateQueries({ queryKey: scheduleKeys.workingTime }),
  ]);
}

/**
 * When each provider can be booked in [from, to), at one location or any: weekly hours and extra
 * hours less time off and the clinic's closures, summed by the server as for open slots. Null while
 * loading (the grid then greys nothing).
 */
/** The working time of [from, to): at one location, or of one provider (the week view), else of everyone. */
export function useWorkingTime(
  from: string,
  to: string,
  only: { locationId?: string; providerId?: string },
): Map<string, Interval[]> | null {
  const query = useQuery({
    queryKey: [...scheduleKeys.workingTime, { from, to, ...only }],
    queryFn: ({ signal }) =>
      http.get<{ items: WorkingTime[] }>('/working-time', { from, to, ...only }, { signal }).then((r) => r.items),
  });
  return useMemo(() => {
    if (!query.data) return null;
    const byProvider = new Map<string, Interval[]>();
    for (const time of query.data) {
      const intervals = byProvider.get(time.providerId) ?? [];
      intervals.push({ start: Date.parse(time.start), end: Date.parse(time.end) });
      byProvider.set(time.providerId, intervals);
    }
    return byProvider;
  }, [query.data]);
}

/**
 * The provider the signed-in user is (providers.userId), for the menu's "My day". Its own cache
 * entry, so a menu loaded at sign-in does not hold back the provider list the schedule shows.
 */
export function useLinkedProvider(userId: string) {
  return useQuery({
    queryKey: ['providers', 'linked', userId],
    queryFn: ({ signal }) =>
      http
        .get<{ items: Provider[] }>('/providers', undefined, { signal })
        .then((r) => r.items.find((p) => p.userId === userId) ?? null),
  });
}
