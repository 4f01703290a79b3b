import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FreedTime, WaitlistEntry, WaitlistOffer } from '@tend/domain';
import { http } from '../api/client';

/** The waitlist API: who waits for an earlier slot, and whom a freed time suits. */

const keys = {
  all: ['waitlist'] as const,
  waiting: ['waitlist', 'waiting'] as const,
  matches: (freed: FreedTime) => ['waitlist', 'matches', freed] as const,
  held: (from: string, to: string) => ['waitlist', 'held', from, to] as const,
};

/** Time held for open waitlist offers between two instants (the schedule's "held" blocks). */
export function useHeldTime(from: string, to: string) {
  return useQuery({
    queryKey: keys.held(from, to),
    queryFn: ({ signal }) =>
      http.get<{ items: WaitlistOffer[] }>('/waitlist/offers', { from, to }, { signal }).then((r) => r.items),
  });
}

/** Gives held time back: it can be booked, and goes to the next waiting patient it suits. */
export function useReleaseOffer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (offerId: string) => http.post<WaitlistOffer>(`/waitlist/offers/${offerId}/release`, {}),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.all }),
        client.invalidateQueries({ queryKey: ['slots'] }),
      ]),
  });
}

export function useWaitlist(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: keys.waiting,
    queryFn: ({ signal }) =>
      http.get<{ items: WaitlistEntry[] }>('/waitlist', undefined, { signal }).then((r) => r.items),
    enabled: options.enabled ?? true,
  });
}

export function useWaitlistMatches(freed: FreedTime) {
  return useQuery({
    queryKey: keys.matches(freed),
    queryFn: ({ signal }) =>
      http.get<{ items: WaitlistEntry[] }>('/waitlist/matches', { ...freed }, { signal }).then((r) => r.items),
  });
}

export function useAddToWaitlist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      patientId: string;
      appointmentTypeId: string;
      providerId: string | null;
      availableFrom: string | null;
      availableUntil: string | null;
      note: string | null;
    }) => http.post<WaitlistEntry>('/waitlist', body),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useRemoveFromWaitlist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      http.post<WaitlistEntry>(`/waitlist/${id}/remove`, { reason }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.all }),
  });
}

/** Books a waiting patient into freed time; the entry leaves the list in the same step. */
export function useBookFromWaitlist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ entry, freed }: { entry: WaitlistEntry; freed: FreedTime }) =>
      http.post<{ id: string }>('/appointments', {
        patientId: entry.patientId,
        appointmentTypeId: entry.appointmentTypeId,
        providerId: freed.providerId,
        start: freed.start,
        waitlistEntryId: entry.id,
      }),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.all }),
        client.invalidateQueries({ queryKey: ['appointments'] }),
      ]),
  });
}
