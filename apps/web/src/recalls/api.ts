import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Recall, RecallView } from '@tend/domain';
import { http } from '../api/client';

/** The recall list (follow-ups providers ordered) as the web app uses it. */

export const recallKeys = {
  all: ['recalls'] as const,
  view: (view: RecallView) => ['recalls', 'view', view] as const,
  visit: (encounterId: string) => ['recalls', 'visit', encounterId] as const,
};

const items = (r: { items: Recall[] }) => r.items;

export function useRecalls(view: RecallView) {
  return useQuery({
    queryKey: recallKeys.view(view),
    queryFn: ({ signal }) => http.get<{ items: Recall[] }>('/recalls', { view }, { signal }).then(items),
  });
}

/** The recalls ordered during one visit. */
export function useVisitRecalls(encounterId: string) {
  return useQuery({
    queryKey: recallKeys.visit(encounterId),
    queryFn: ({ signal }) => http.get<{ items: Recall[] }>('/recalls', { encounterId }, { signal }).then(items),
  });
}

function useRecallAction(action: 'close' | 'contact') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      http.post<Recall>(`/recalls/${id}/${action}`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: recallKeys.all }),
  });
}

export const useCloseRecall = () => useRecallAction('close');
export const useLogRecallCall = () => useRecallAction('contact');
