import { z } from 'zod';
import { zEmail, zId } from '../validation';
import { zInvoiceReminder } from './balance-reminders';

/** Patient invoices: the patient's portion of a visit, with what was paid and what is still due. */

export const zInvoiceCreate = z.object({ encounterId: zId });

export const zInvoiceSend = z.object({
  /** Defaults to the patient's email address. */
  to: zEmail.optional(),
});

export const zInvoiceLine = z.object({
  chargeId: z.string(),
  serviceDate: z.string(),
  code: z.string(),
  description: z.string(),
  /** The patient's portion when the invoice was issued. */
  amountCents: z.number().int(),
  /** What the patient still owes of it now (from the ledger). */
  balanceCents: z.number().int(),
});

export const zInvoice = z.object({
  id: z.string(),
  number: z.number().int(),
  patientId: z.string(),
  patientName: z.string(),
  encounterId: z.string().nullable(),
  issuedOn: z.string(),
  dueOn: z.string(),
  totalCents: z.number().int(),
  /** Paid or adjusted since (total − balance). */
  creditedCents: z.number().int(),
  balanceCents: z.number().int(),
  sentAt: z.string().nullable(),
  emailMessageId: z.string().nullable(),
  lines: z.array(zInvoiceLine),
  /** The balance reminders written for it, oldest first (see balance-reminders.ts). */
  reminders: z.array(zInvoiceReminder),
});
export type Invoice = z.infer<typeof zInvoice>;
