import { Button } from '@mantine/core';
import { IconFileInvoice } from '@tabler/icons-react';
import { type Charge, type Invoice, t } from '@tend/domain';
import { notifyError, notifySuccess } from '../components/notify';
import { useCharges } from '../visits/api';
import { useCreateInvoice, useInvoices } from './api';
import { useMoney } from './shared';

/** A signed visit whose patient portion is not invoiced yet. */
export interface InvoiceableVisit {
  encounterId: string;
  patientId: string;
  patientName: string;
  serviceDate: string;
  codes: string[];
  patientCents: number;
  amountCents: number;
}

/** Groups open charges by visit and keeps the visits with a patient portion and no invoice. */
export function invoiceableVisits(charges: readonly Charge[], invoices: readonly Invoice[]): InvoiceableVisit[] {
  const invoiced = new Set(invoices.map((invoice) => invoice.encounterId));
  const visits = new Map<string, InvoiceableVisit>();
  for (const charge of charges) {
    if (charge.status !== 'open' || invoiced.has(charge.encounterId)) continue;
    const visit = visits.get(charge.encounterId) ?? {
      encounterId: charge.encounterId,
      patientId: charge.patientId,
      patientName: charge.patientName,
      serviceDate: charge.serviceDate,
      codes: [],
      patientCents: 0,
      amountCents: 0,
    };
    visit.codes.push(charge.code);
    visit.patientCents += charge.patientCents;
    visit.amountCents += charge.amountCents;
    visits.set(charge.encounterId, visit);
  }
  return [...visits.values()]
    .filter((visit) => visit.patientCents > 0)
    .sort((a, b) => a.serviceDate.localeCompare(b.serviceDate) || a.patientName.localeCompare(b.patientName));
}

/** The signed visits still to invoice (billing's queue). */
export function useInvoiceableVisits(enabled = true) {
  const charges = useCharges({ status: 'open' }, enabled);
  const invoices = useInvoices(undefined, { enabled });
  const data = charges.data && invoices.data ? invoiceableVisits(charges.data, invoices.data) : undefined;
  return {
    data,
    isPending: charges.isPending || invoices.isPending,
    error: charges.error ?? invoices.error,
    refetch: () => Promise.all([charges.refetch(), invoices.refetch()]),
  };
}

/** Invoices a visit's patient portion; a visit invoiced meanwhile gets the server's 409 message. */
export function CreateInvoiceButton({
  visit,
  onCreated,
  size = 'xs',
}: {
  visit: Pick<InvoiceableVisit, 'encounterId' | 'patientName' | 'patientCents'>;
  onCreated?: (invoice: Invoice) => void;
  size?: 'xs' | 'sm';
}) {
  const create = useCreateInvoice();
  const money = useMoney();
  const run = async () => {
    try {
      const invoice = await create.mutateAsync(visit.encounterId);
      notifySuccess(
        t('invoices.created', {
          number: invoice.number,
          patient: invoice.patientName,
          amount: money(invoice.totalCents),
        }),
      );
      onCreated?.(invoice);
    } catch (error) {
      notifyError(error, t('invoices.createFailed'));
    }
  };
  return (
    <Button
      size={size}
      variant="light"
      leftSection={<IconFileInvoice size={16} aria-hidden />}
      loading={create.isPending}
      onClick={() => void run()}
      aria-label={t('invoices.createFor', { patient: visit.patientName, amount: money(visit.patientCents) })}
    >
      {t('invoices.create')}
    </Button>
  );
}
