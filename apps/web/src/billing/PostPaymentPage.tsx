import { Drawer, Paper } from '@mantine/core';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/states';
import { patientName, usePatient } from '../patients/api';
import { useInvoice } from './api';
import { PaymentForm, type PaymentPrefill, type PostedPayment } from './PaymentForm';
import { PaymentPosted } from './PaymentPosted';

const route = getRouteApi('/billing/payments/new');

/** Post payment: a page of its own (a check in the mail, an insurer's EFT). */
export function PostPaymentPage() {
  const { patientId, invoiceId } = route.useSearch();
  const navigate = useNavigate();
  const patient = usePatient(patientId ?? '', { enabled: Boolean(patientId) });
  const invoice = useInvoice(invoiceId ?? null);
  const [posted, setPosted] = useState<PostedPayment | null>(null);
  const [round, setRound] = useState(0);
  const waiting = (patientId && patient.isPending) || (invoiceId && invoice.isPending);
  const failed = (patientId && patient.isError && patient.error) || (invoiceId && invoice.isError && invoice.error);
  const prefill: PaymentPrefill = {
    patientId,
    patientName: patient.data ? patientName(patient.data) : undefined,
    invoice: invoice.data ?? null,
  };
  return (
    <>
      <PageHeader title={t('payments.postTitle')} description={t('payments.postDescription')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} maw={880}>
        {waiting ? (
          <Loading />
        ) : failed ? (
          <ErrorState error={failed} />
        ) : posted ? (
          <PaymentPosted
            posted={posted}
            onAnother={() => {
              setPosted(null);
              setRound((n) => n + 1);
              void navigate({ to: '/billing/payments/new', search: {} });
            }}
            onDone={() => void navigate({ to: '/billing/payments' })}
            doneLabel={t('payments.seePostings')}
          />
        ) : (
          <PaymentForm
            key={`${round}-${patientId ?? ''}-${invoiceId ?? ''}`}
            prefill={prefill}
            onPosted={setPosted}
            onCancel={() => window.history.back()}
          />
        )}
      </Paper>
    </>
  );
}

/** The same form in a drawer, over a work list, an invoice or a chart. */
export function PaymentDrawer({
  prefill,
  opened,
  onClose,
}: {
  prefill: PaymentPrefill | null;
  opened: boolean;
  onClose: () => void;
}) {
  const [posted, setPosted] = useState<PostedPayment | null>(null);
  const close = () => {
    setPosted(null);
    onClose();
  };
  return (
    <Drawer opened={opened} onClose={close} position="right" size="xl" title={t('payments.postTitle')}>
      {opened &&
        prefill &&
        (posted ? (
          <PaymentPosted posted={posted} onDone={close} />
        ) : (
          <PaymentForm prefill={prefill} onPosted={setPosted} onCancel={close} />
        ))}
    </Drawer>
  );
}
