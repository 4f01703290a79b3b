import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Appointment,
  AppointmentType,
  Slot as DomainSlot,
  ExtraHours,
  Provider,
  Room,
  ScheduleVersionOut,
  TimeOff,
} from '@tend/domain';
import {
  type AppointmentAction,
  expandAvailability,
  type Interval,
  subtractIntervals,
  type Weekday,
} from '@tend/domain';
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
  range: (from: string, to: string, providerId?: string) =>
    ['appointments', providerId ? { from, to, providerId } : { from, to }] as const,
  types: ['appointment-types'] as const,
  rooms: ['rooms'] as const,
  hours: (providerId: string) => ['working-hours', providerId] as const,
  timeOff: ['time-off'] as const,
  extraHours: ['extra-hours'] as const,
};

export function useAppointments(from: string, to: string, options: { providerId?: string; enabled?: boolean } = {}) {
  const { providerId, enabled = true } = options;
  return useQuery({
    queryKey: scheduleKeys.range(from, to, providerId),
    queryFn: ({ signal }) =>
      http
        .get<{ items: Appointment[] }>('/appointments', providerId ? { from, to, providerId } : { from, to }, {
          signal,
        })
        .then((r) => r.items),
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
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.timeOff }),
  });
}

/** Removes time off of a provider or a clinic closure: its time is bookable again. */
export function useRemoveTimeOff() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.delete(`/time-off/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.timeOff }),
  });
}

export function useRemoveExtraHours() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, id }: { providerId: string; id: string }) =>
      http.delete(`/providers/${providerId}/extra-hours/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.extraHours }),
  });
}

export function useAddExtraHours() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, ...body }: { providerId: string; locationId: string; start: string; end: string }) =>
      http.post<ExtraHours>(`/providers/${providerId}/extra-hours`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: scheduleKeys.extraHours }),
  });
}

/**
 * When each provider can be booked in [from, to): weekly hours and extra hours, less their time
 * off and the clinic's closures — the same sums the server makes for open slots. Null while loading
 * (the grid then greys nothing).
 */
export function useAvailability(providerIds: string[], from: string, to: string): Map<string, Interval[]> | null {
  const range = { from, to };
  const queries = useQueries({
    queries: providerIds.flatMap((id) => [
      {
        queryKey: scheduleKeys.hours(id),
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          http
            .get<{ items: ScheduleVersion[] }>(`/providers/${id}/working-hours`, undefined, { signal })
            .then((r) => r.items as unknown),
      },
      {
        queryKey: [...scheduleKeys.extraHours, id, range],
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          http
            .get<{ items: ExtraHours[] }>(`/providers/${id}/extra-hours`, range, { signal })
            .then((r) => r.items as unknown),
      },
      {
        queryKey: [...scheduleKeys.timeOff, id, range],
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          http
            .get<{ items: TimeOff[] }>(`/providers/${id}/time-off`, range, { signal })
            .then((r) => r.items as unknown),
      },
    ]),
  });
  if (queries.some((query) => !query.data)) return null;
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const result = new Map<string, Interval[]>();
  providerIds.forEach((id, i) => {
    const versions = queries[i * 3].data as ScheduleVersion[];
    const extra = queries[i * 3 + 1].data as ExtraHours[];
    const off = queries[i * 3 + 2].data as TimeOff[];
    const working = expandAvailability({
      versions: versions.map((v) => ({ ...v, blocks: v.blocks.map((b) => ({ ...b, weekday: b.weekday as Weekday })) })),
      extraHours: extra.map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end), locationId: e.locationId })),
      from: fromMs,
      to: toMs,
    });
    result.set(
      id,
      subtractIntervals(
        working,
        off.map((o) => ({ start: Date.parse(o.start), end: Date.parse(o.end) })),
      ),
    );
  });
  return result;
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
