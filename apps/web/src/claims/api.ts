import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Claim, Invoice, PatientBalance } from '@tend/domain';
import { downloadFromApi, http } from '../api/client';

/** Insurance claims as the web app uses them: lists, one claim, its steps, the work lists, exports. */

export const claimKeys = {
  all: ['claims'] as const,
  list: ['claims', 'list'] as const,
  detail: (id: string) => ['claims', 'detail', id] as const,
  ofVisit: (encounterId: string) => ['claims', 'visit', encounterId] as const,
  unpaid: (days: number) => ['claims', 'unpaid', days] as const,
  denied: ['claims', 'denied'] as const,
  unbilled: ['claims', 'unbilled'] as const,
};

export interface UnbilledCharge {
  chargeId: string;
  encounterId: string;
  patientId: string;
  patientName: string;
  serviceDate: string;
  code: string;
  description: string;
  amountCents: number;
  insurerCents: number;
  patientCents: number;
  missing: Array<'claim' | 'invoice'>;
}

const items = <T>(r: { items: T[] }) => r.items;

/** Every claim of the clinic (newest first, at most 500): the page filters by status itself. */
export function useClaims() {
  return useQuery({
    queryKey: claimKeys.list,
    queryFn: ({ signal }) => http.get<{ items: Claim[] }>('/claims', undefined, { signal }).then(items),
  });
}

export function useClaim(id: string) {
  return useQuery({
    queryKey: claimKeys.detail(id),
    queryFn: ({ signal }) => http.get<Claim>(`/claims/${id}`, undefined, { signal }),
  });
}

/** The claims of one visit (the primary and, once the primary insurer paid, the secondary). */
export function useVisitClaims(encounterId: string | undefined) {
  return useQuery({
    queryKey: claimKeys.ofVisit(encounterId ?? ''),
    queryFn: ({ signal }) => http.get<{ items: Claim[] }>('/claims', { encounterId }, { signal }).then(items),
    enabled: encounterId !== undefined,
  });
}

export function useUnpaidClaims(olderThanDays: number) {
  return useQuery({
    queryKey: claimKeys.unpaid(olderThanDays),
    queryFn: ({ signal }) =>
      http.get<{ items: Claim[] }>('/worklists/unpaid-claims', { olderThanDays }, { signal }).then(items),
  });
}

export function useDeniedClaims() {
  return useQuery({
    queryKey: claimKeys.denied,
    queryFn: ({ signal }) =>
      http.get<{ items: Claim[] }>('/worklists/denied-claims', undefined, { signal }).then(items),
  });
}

export function useUnbilledCharges() {
  return useQuery({
    queryKey: claimKeys.unbilled,
    queryFn: ({ signal }) =>
      http.get<{ items: UnbilledCharge[] }>('/worklists/unbilled-charges', undefined, { signal }).then(items),
  });
}

export function usePatientBalance(patientId: string, enabled = true) {
  return useQuery({
    queryKey: ['balance', patientId],
    queryFn: ({ signal }) => http.get<PatientBalance>(`/patients/${patientId}/balance`, undefined, { signal }),
    enabled,
  });
}

/** After any change to a claim: its page, the lists and the work lists. */
function useClaimChanged() {
  const client = useQueryClient();
  return (claim?: Claim) => {
    if (claim) client.setQueryData(claimKeys.detail(claim.id), claim);
    void client.invalidateQueries({ queryKey: claimKeys.all });
    if (claim) void client.invalidateQueries({ queryKey: ['balance', claim.patientId] });
  };
}

export function useCreateClaim() {
  const changed = useClaimChanged();
  return useMutation({
    mutationFn: (encounterId: string) => http.post<Claim>('/claims', { encounterId }),
    onSuccess: (claim) => changed(claim),
  });
}

export function useCreateInvoice() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (encounterId: string) => http.post<Invoice>('/invoices', { encounterId }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: claimKeys.unbilled });
      void client.invalidateQueries({ queryKey: ['invoices'] });
    },
  });
}

/** A step on one claim: check again, submit, the insurer's answer, line corrections, an EOB. */
export function useClaimAction(id: string) {
  const changed = useClaimChanged();
  return useMutation({
    mutationFn: (action: ClaimAction) => {
      switch (action.kind) {
        case 'check':
          return http.post<Claim>(`/claims/${id}/check`);
        case 'submit':
          return http.post<Claim>(`/claims/${id}/submit`);
        case 'status':
          return http.post<Claim>(`/claims/${id}/status`, action.body);
        case 'lines':
          return http.patch<Claim>(`/claims/${id}`, action.body);
        case 'remittance':
          return http.post<Claim>(`/claims/${id}/remittance`, action.body);
      }
    },
    onSuccess: (claim) => changed(claim),
  });
}

export type ClaimAction =
  | { kind: 'check' }
  | { kind: 'submit' }
  | { kind: 'status'; body: { status: 'accepted' | 'rejected'; note: string | null } }
  | {
      kind: 'lines';
      body: { lines: Array<{ id: string; modifiers?: string[]; diagnosisPointers?: number[] }> };
    }
  | { kind: 'remittance'; body: RemittanceBody };

export interface RemittanceBody {
  reference: string | null;
  method: 'check' | 'eft' | 'other';
  receivedOn: string;
  note: string | null;
  lines: Array<{
    claimLineId: string;
    paidCents: number;
    patientCents: number;
    denied: boolean;
    reasonCode: string | null;
  }>;
}

/** Submits each ready claim, then downloads one 837P of all of them; says which failed to submit. */
export function useSubmitAndExport() {
  const changed = useClaimChanged();
  return useMutation({
    mutationFn: async ({ claims, submit }: { claims: Claim[]; submit: boolean }) => {
      const failed: Array<{ claim: Claim; error: unknown }> = [];
      const exported: Claim[] = [];
      for (const claim of claims) {
        if (submit && claim.status === 'ready') {
          try {
            exported.push(await http.post<Claim>(`/claims/${claim.id}/submit`));
          } catch (error) {
            failed.push({ claim, error });
          }
        } else {
          exported.push(claim);
        }
      }
      const filename = exported.length
        ? await downloadFromApi('/claims/export/837p', { ids: exported.map((c) => c.id).join(',') }, 'claims-837p.x12')
        : null;
      return { exported, failed, filename };
    },
    onSettled: () => changed(),
  });
}
