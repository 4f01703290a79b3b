import { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/client';

/**
 * Every patient read and search is written to the audit log, so data is not refetched behind
 * the user's back (window focus, reconnect): it is fetched when a screen opens and after changes.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      retry: (failures, error) => !(isApiError(error) && error.status > 0 && error.status < 500) && failures < 2,
    },
    mutations: { retry: false },
  },
});
