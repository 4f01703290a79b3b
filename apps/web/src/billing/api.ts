import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AgingBuckets,
  AgingRow,
  ArAging,
  BalanceReminderOverview,
  BalanceReminderSettings,
  Invoice,
  PatientBalance,
  Payment,
  PaymentCreate,
  PaymentListItem,
  Statement,
} from '@tend/domain';
import { http } from '../api/client';

/**
 * The billing API as the web app uses it: invoices, the unpaid work list, payments and their
 * receipts, balances, statements and the A/R aging report.
 */

export type EmailOutcome = 'sent' | 'captured' | 'failed' | 'queued';

export interface SendResult<T> {
  status: EmailOutcome;
  error: string | null;
  record: T;
}

export type { AgingBuckets, AgingRow, PaymentListItem, Statement };

export const billingKeys = {
  all: ['billing'] as const,
  invoices: (patientId?: string) => ['billing', 'invoices', patientId ?? 'all'] as const,
  invoice: (id: string) => ['billing', 'invoice', id] as const,
  unpaid: (days: number) => ['billing', 'unpaid', days] as const,
  balance: (patientId: string) => ['billing', 'balance', patientId] as const,
  aging: (asOf: string, patients: AgingPatientsPage) => ['billing', 'aging', asOf, patients] as const,
  payments: (query: PaymentsQuery) => ['billing', 'payments', query] as const,
  statements: (month: string) => ['billing', 'statements', month] as const,
  balanceReminders: ['billing', 'balance-reminders'] as const,
};

const items = <T>(r: { items: T[] }) => r.items;

/** After anything the ledger changes: balances, invoices, the work list, aging, payments. */
function invalidateLedger(client: ReturnType<typeof useQueryClient>) {
  void client.invalidateQueries({ queryKey: billingKeys.all });
  void client.invalidateQueries({ queryKey: ['charges'] });
}

export const invoicePdfUrl = (id: string) => `/api/invoices/${id}/pdf`;
export const receiptPdfUrl = (id: string) => `/api/payments/${id}/receipt`;
export const statementPdfUrl = (id: string) => `/api/statements/${id}/pdf`;

// ---- Invoices --------------------------------------------------------------------------------

export function useInvoices(patientId?: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: billingKeys.invoices(patientId),
    queryFn: ({ signal }) => http.get<{ items: Invoice[] }>('/invoices', { patientId }, { signal }).then(items),
    enabled: options.enabled ?? true,
  });
}

export function useInvoice(id: string | null) {
  return useQuery({
    queryKey: billingKeys.invoice(id ?? ''),
    queryFn: ({ signal }) => http.get<Invoice>(`/invoices/${id}`, undefined, { signal }),
    enabled: id !== null,
  });
}

export function useUnpaidInvoices(olderThanDays: number) {
  return useQuery<Invoice[]>({
    queryKey: billingKeys.unpaid(olderThanDays),
    queryFn: ({ signal }) =>
      http.get<{ items: Invoice[] }>('/worklists/unpaid-invoices', { olderThanDays }, { signal }).then((r) => r.items),
    placeholderData: keepPreviousData,
  });
}

export function useCreateInvoice() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (encounterId: string) => http.post<Invoice>('/invoices', { encounterId }),
    onSuccess: (invoice) => {
      client.setQueryData(billingKeys.invoice(invoice.id), invoice);
      invalidateLedger(client);
    },
  });
}

export function useSendInvoice() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, to }: { id: string; to?: string }): Promise<SendResult<Invoice>> => {
      const result = await http.post<{ invoice: Invoice; status: EmailOutcome; error: string | null }>(
        `/invoices/${id}/send`,
        to ? { to } : {},
      );
      return { status: result.status, error: result.error, record: result.invoice };
    },
    onSuccess: (result) => {
      client.setQueryData(billingKeys.invoice(result.record.id), result.record);
      invalidateLedger(client);
      void client.invalidateQueries({ queryKey: ['email-messages'] });
    },
  });
}

// ---- Balance reminders ----------------------------------------------------------------------

export function useBalanceReminders() {
  return useQuery({
    queryKey: billingKeys.balanceReminders,
    queryFn: ({ signal }) => http.get<BalanceReminderOverview>('/settings/balance-reminders', undefined, { signal }),
  });
}

export function useSaveBalanceReminders() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: BalanceReminderSettings) =>
      http.put<BalanceReminderOverview>('/settings/balance-reminders', body),
    onSuccess: (saved) => client.setQueryData(billingKeys.balanceReminders, saved),
  });
}

// ---- Payments and balances -------------------------------------------------------------------

export function usePatientBalance(patientId: string | null) {
  return useQuery({
    queryKey: billingKeys.balance(patientId ?? ''),
    queryFn: ({ signal }) => http.get<PatientBalance>(`/patients/${patientId}/balance`, undefined, { signal }),
    enabled: patientId !== null,
  });
}

export type PaymentBody = Omit<PaymentCreate, 'reference' | 'note'> & { reference: string | null; note: string | null };

export function usePostPayment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PaymentBody) => http.post<Payment>('/payments', body),
    onSuccess: () => invalidateLedger(client),
  });
}

/** Applies what is not yet applied of a payment (a copay taken before the visit was signed). */
export function useApplyPayment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, allocations }: { id: string; allocations: PaymentBody['allocations'] }) =>
      http.post<Payment>(`/payments/${id}/allocations`, { allocations }),
    onSettled: () => invalidateLedger(client),
  });
}

type AdjustmentPost =
  | {
      transfer: false;
      body: {
        chargeId: string;
        responsibility: 'insurer' | 'patient';
        kind: string;
        amountCents: number;
        reason: string;
      };
    }
  | { transfer: true; body: { chargeId: string; from: 'insurer' | 'patient'; amountCents: number; reason: string } };

/** A write-off, discount, bad debt or correction ({ id }), or a transfer between the two sides (no id). */
export function usePostAdjustment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: AdjustmentPost) =>
      input.transfer
        ? http.post<undefined>('/adjustments/transfer', input.body)
        : http.post<{ id: string }>('/adjustments', input.body),
    onSuccess: () => invalidateLedger(client),
  });
}

export function useReverseAdjustment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      http.post<{ id: string }>(`/adjustments/${id}/reverse`, { reason }),
    onSuccess: () => invalidateLedger(client),
  });
}

export interface PaymentsQuery {
  patientId?: string;
  payerId?: string;
  from?: string;
  to?: string;
}

export function usePayments(query: PaymentsQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: billingKeys.payments(query),
    queryFn: ({ signal }) => http.get<{ items: PaymentListItem[] }>('/payments', { ...query }, { signal }).then(items),
    enabled: options.enabled ?? true,
    retry: false,
  });
}

export function useReversePayment() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      http.post<Payment>(`/payments/${id}/reverse`, { reason }),
    onSuccess: () => invalidateLedger(client),
  });
}

// ---- Statements ------------------------------------------------------------------------------

export function useStatements(month: string) {
  return useQuery({
    queryKey: billingKeys.statements(month),
    queryFn: ({ signal }) => http.get<{ items: Statement[] }>('/statements', { month }, { signal }).then(items),
    retry: false,
  });
}

export function useRunStatements() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (month: string) => http.post<{ items: Statement[] }>('/statements', { month }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['billing', 'statements'] }),
  });
}

export function useSendStatement() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, to }: { id: string; to?: string }): Promise<SendResult<Statement>> => {
      const result = await http.post<{ statement: Statement; status: EmailOutcome; error: string | null }>(
        `/statements/${id}/send`,
        to ? { to } : {},
      );
      return { status: result.status, error: result.error, record: result.statement };
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['billing', 'statements'] });
      void client.invalidateQueries({ queryKey: ['email-messages'] });
    },
  });
}

// ---- Reports ---------------------------------------------------------------------------------

/** Which page of the aging's patient list to show (the patients who owe, largest balance first). */
export interface AgingPatientsPage {
  limit: number;
  offset: number;
  /** Only patients whose name has a word starting with this. */
  query: string;
}

export function useArAging(asOf: string, patients: AgingPatientsPage) {
  return useQuery({
    queryKey: billingKeys.aging(asOf, patients),
    queryFn: ({ signal }) =>
      http.get<ArAging>(
        '/reports/ar-aging',
        {
          asOf,
          patientLimit: patients.limit,
          patientOffset: patients.offset,
          patientQuery: patients.query || undefined,
        },
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}
