import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Channel,
  EmailMessage,
  EmailMessagePage,
  EmailSettingsUpdate,
  EmailSettingsView,
  EmailStatus,
  EmailTestResult,
} from '@tend/domain';
import { http } from '../api/client';
import { GOING_OUT_POLL_MS, goingOut } from '../messaging/api';

/** The clinic's SMTP settings and the outbox. */

export function useEmailSettings() {
  return useQuery({ queryKey: ['email-settings'], queryFn: () => http.get<EmailSettingsView>('/settings/email') });
}

export function useSaveEmailSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EmailSettingsUpdate) => http.put<EmailSettingsView>('/settings/email', body),
    onSuccess: (saved) => client.setQueryData(['email-settings'], saved),
  });
}

export function useSendTestEmail() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (to: string) => http.post<EmailTestResult>('/settings/email/test', { to }),
    onSettled: () => void client.invalidateQueries({ queryKey: ['email-messages'] }),
  });
}

export interface OutboxFilter {
  status: EmailStatus | null;
  channel: Channel | null;
  q: string;
  page: number;
  pageSize: number;
}

export function useEmailMessages(filter: OutboxFilter) {
  return useQuery({
    queryKey: ['email-messages', filter],
    queryFn: () =>
      // The delivery log of both channels (GET /api/email/messages lists the same rows).
      http.get<EmailMessagePage>('/messages', {
        status: filter.status,
        channel: filter.channel,
        q: filter.q || undefined,
        limit: filter.pageSize,
        offset: (filter.page - 1) * filter.pageSize,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.items.some(goingOut) ? GOING_OUT_POLL_MS : false),
  });
}

export function useEmailMessage(id: string | null) {
  return useQuery({
    queryKey: ['email-message', id],
    queryFn: () => http.get<EmailMessage>(`/email/messages/${id}`),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && goingOut(query.state.data) ? GOING_OUT_POLL_MS : false),
  });
}

export function attachmentUrl(messageId: string, index: number): string {
  return `/api/email/messages/${messageId}/attachments/${index}`;
}
