import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiToken, Clinic, Location, Permission, Provider, User } from '@tend/domain';
import { http } from '../api/client';

/** Staff accounts, providers, locations, API tokens and the clinic's settings. */

const list = <T>(path: string) => http.get<{ items: T[] }>(path).then((r) => r.items);

export function useUsers(options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: ['users'], queryFn: () => list<User>('/users'), enabled: options.enabled ?? true });
}

export function useProviders() {
  return useQuery({ queryKey: ['providers'], queryFn: () => list<Provider>('/providers') });
}

export function useLocations() {
  return useQuery({ queryKey: ['locations'], queryFn: () => list<Location>('/locations') });
}

export function useTokens() {
  return useQuery({ queryKey: ['tokens'], queryFn: () => list<ApiToken>('/tokens') });
}

/** Create (POST) or change (PATCH) a record of one of the admin collections, then refresh it. */
export function useSave<T>(collection: 'users' | 'providers' | 'locations') {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
      id ? http.patch<T>(`/${collection}/${id}`, body) : http.post<T>(`/${collection}`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: [collection] }),
  });
}

export function useResetMfa() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => http.post(`/users/${userId}/mfa/reset`, {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scopes: Permission[]; expiresInDays: number }) =>
      http.post<{ id: string; token: string }>('/tokens', body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => http.delete(`/tokens/${id}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['tokens'] }),
  });
}

export function useUpdateClinic() {
  return useMutation({ mutationFn: (body: Record<string, unknown>) => http.patch<Clinic>('/clinic', body) });
}
