import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Channel,
  MessagePage,
  MessageSummary,
  SmsSettingsUpdate,
  SmsSettingsView,
  SmsTestResult,
} from '@tend/domain';
import { http } from '../api/client';

/** The clinic's SMS gateway and the delivery log of emails and texts. */

export function useSmsSettings() {
  return useQuery({ queryKey: ['sms-settings'], queryFn: () => http.get<SmsSettingsView>('/settings/sms') });
}

export function useSaveSmsSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SmsSettingsUpdate) => http.put<SmsSettingsView>('/settings/sms', body),
    onSuccess: (saved) => client.setQueryData(['sms-settings'], saved),
  });
}

export function useSendTestSms() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (to: string) => http.post<SmsTestResult>('/settings/sms/test', { to }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['messages'] });
      void client.invalidateQueries({ queryKey: ['email-messages'] });
    },
  });
}

export interface PatientMessagesFilter {
  channel: Channel | null;
  page: number;
  pageSize: number;
}

/** One patient's delivery log (any role that may read the patient). */
export function usePatientMessages(patientId: string, filter: PatientMessagesFilter) {
  return useQuery({
    queryKey: ['messages', patientId, filter],
    queryFn: () =>
      http.get<MessagePage>('/messages', {
        patientId,
        channel: filter.channel,
        limit: filter.pageSize,
        offset: (filter.page - 1) * filter.pageSize,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(goingOut) ? GOING_OUT_POLL_MS : false),
  });
}

/** While a message is due or being sent, its list is asked again this often: it turns sent or failed. */
export const GOING_OUT_POLL_MS = 3_000;

/** A message the worker is about to send, or sending. */
export function goingOut(message: Pick<MessageSummary, 'status' | 'sendAfter'>): boolean {
  return message.status === 'sending' || (message.status === 'queued' && Date.parse(message.sendAfter) <= Date.now());
}

/** Sends a failed message again: it goes back to the queue, and the worker sends it within seconds. */
export function useRetryMessage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.post<MessageSummary>(`/messages/${id}/retry`),
    onSettled: (_result, _error, id) => {
      void client.invalidateQueries({ queryKey: ['messages'] });
      void client.invalidateQueries({ queryKey: ['email-messages'] });
      void client.invalidateQueries({ queryKey: ['email-message', id] });
    },
  });
}
