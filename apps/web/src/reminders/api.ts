import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Channel, MessageKind, MessageTemplate } from '@tend/domain';
import { http } from '../api/client';

/** The clinic's wording of its messages, per language. */

type Templates = { items: MessageTemplate[] };

export function useMessageTemplates(language: string) {
  return useQuery({
    queryKey: ['message-templates', language],
    queryFn: () => http.get<Templates>('/message-templates', { language }),
  });
}

export interface TemplatePut {
  kind: MessageKind;
  channel: Channel;
  language: string;
  subject: string;
  body: string;
  reset?: boolean;
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TemplatePut) => http.put<Templates>('/message-templates', body),
    onSuccess: (saved, body) => client.setQueryData(['message-templates', body.language], saved),
  });
}
