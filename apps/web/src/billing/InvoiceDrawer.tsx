import { Badge, Button, Drawer, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconCash, IconMail } from '@tabler/icons-react';
import { type Invoice, type MessageKey, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink } from '../components/links';
import { errorMessage } from '../components/notify';
import { ErrorState, Loading } from '../components/states';
import { usePatient } from '../patients/api';
import { type EmailOutcome, invoicePdfUrl, useInvoice, useSendInvoice } from './api';
import { Money, PdfButton, SendOutcome } from './shared';

/** Paid, partly paid, unpaid or overdue — from the ledger's balance and the due date. */
export function InvoiceStatus({ invoice }: { invoice: Invoice }) {
  const { today } = useSession();
  if (invoice.balanceCents === 0)
    return (
      <Badge color="green" variant="light" size="sm">
        {t('invoices.paid')}
      </Badge>
    );
  if (invoice.dueOn < today())
    return (
      <Badge color="red" variant="light" size="sm">
        {t('invoices.overdue')}
      </Badge>
    );
  if (invoice.creditedCents > 0)
    return (
      <Badge color="yellow" variant="light" size="sm">
        {t('invoices.partlyPaid')}
      </Badge>
    );
  return (
    <Badge color="gray" variant="light" size="sm">
      {t('invoices.unpaid')}
    </Badge>
  );
}

/** One invoice: its lines, what is still due, the PDF, sending it by email and taking its payment. */
export function InvoiceDrawer({
  invoiceId,
  onClose,
  onPostPayment,
}: {
  invoiceId: string | null;
  onClose: () => void;
  onPostPayment?: (invoice: Invoice) => void;
}) {
  const invoice = useInvoice(invoiceId);
  return (
    <Drawer
      opened={invoiceId !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={invoice.data ? t('invoices.drawerTitle', { number: invoice.data.number }) : t('invoices.invoice')}
    >
      {invoiceId !== null &&
        (invoice.isPending ? (
          <Loading />
        ) : invoice.isError ? (
          <ErrorState error={invoice.error} onRetry={() => void invoice.refetch()} />
        ) : (
          <InvoiceDetails key={invoice.data.id} invoice={invoice.data} onPostPayment={onPostPayment} />
        ))}
    </Drawer>
  );
}

function InvoiceDetails({ invoice, onPostPayment }: { invoice: Invoice; onPostPayment?: (invoice: Invoice) => void }) {
  const { can } = useSession();
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <AnchorLink to="/patients/$patientId" params={{ patientId: invoice.patientId }} fw={700} size="lg">
            {invoice.patientName}
          </AnchorLink>
          <Text size="sm" c="dimmed">
            {t('invoices.issuedDue', { issued: formatDate(invoice.issuedOn), due: formatDate(invoice.dueOn) })}
          </Text>
        </div>
        <InvoiceStatus invoice={invoice} />
      </Group>

      <Table fz="sm" verticalSpacing={6} aria-label={t('invoices.lines')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('invoices.lineDate')}</Table.Th>
            <Table.Th>{t('invoices.lineService')}</Table.Th>
            <Table.Th ta="right">{t('invoices.lineAmount')}</Table.Th>
            <Table.Th ta="right">{t('invoices.lineBalance')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoice.lines.map((line) => (
            <Table.Tr key={line.chargeId}>
              <Table.Td>{formatDate(line.serviceDate)}</Table.Td>
              <Table.Td>
                <Text span size="sm" ff="monospace" fw={600}>
                  {line.code}
                </Text>{' '}
                <Text span size="xs" c="dimmed">
                  {line.description}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Money cents={line.amountCents} />
              </Table.Td>
              <Table.Td ta="right">
                <Money cents={line.balanceCents} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={3} spacing="sm">
        <Figure label={t('invoices.total')} cents={invoice.totalCents} />
        <Figure label={t('invoices.credited')} cents={invoice.creditedCents} />
        <Figure label={t('invoices.balance')} cents={invoice.balanceCents} strong testId="invoice-balance" />
      </SimpleGrid>

      <Group gap="sm">
        <PdfButton href={invoicePdfUrl(invoice.id)} label={t('invoices.openPdf')} size="sm" />
        {onPostPayment && can('payment.post') && invoice.balanceCents > 0 && (
          <Button
            variant="light"
            leftSection={<IconCash size={18} aria-hidden />}
            onClick={() => onPostPayment(invoice)}
          >
            {t('invoices.postPayment')}
          </Button>
        )}
      </Group>

      <SendInvoice invoice={invoice} />
      <Reminders invoice={invoice} />
    </Stack>
  );
}

function Figure({ label, cents, strong, testId }: { label: string; cents: number; strong?: boolean; testId?: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Money cents={cents} size="lg" fw={strong ? 700 : 500} data-testid={testId} />
    </Paper>
  );
}

/** Emails the invoice with its PDF; says whether it was sent, kept in the outbox, or failed and why. */
function SendInvoice({ invoice }: { invoice: Invoice }) {
  const { clinic } = useSession();
  const patient = usePatient(invoice.patientId);
  const send = useSendInvoice();
  const [to, setTo] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ status: EmailOutcome; error: string | null; to: string | null } | null>(
    null,
  );
  const address = to ?? patient.data?.email ?? '';
  const submit = async () => {
    setFieldError(null);
    setOutcome(null);
    try {
      const target = address.trim();
      const result = await send.mutateAsync({ id: invoice.id, to: target || undefined });
      setOutcome({ status: result.status, error: result.error, to: target || null });
    } catch (error) {
      if (isApiError(error) && error.fields.length) setFieldError(error.fields.map((f) => f.message).join(' '));
      else setFieldError(errorMessage(error));
    }
  };
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="invoice-send-title">
      <Title order={3} fz="md" id="invoice-send-title">
        {t('invoices.sendTitle')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs" data-testid="invoice-sent-at">
        {invoice.sentAt
          ? t('invoices.lastSent', { at: formatDateTime(invoice.sentAt, clinic.timezone) })
          : t('invoices.neverSent')}
      </Text>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <TextInput
            label={t('invoices.sendTo')}
            description={patient.data?.email ? undefined : t('invoices.sendToHint')}
            type="email"
            value={address}
            onChange={(event) => setTo(event.currentTarget.value)}
            error={fieldError}
            style={{ flex: 1 }}
            autoComplete="off"
          />
          <Button type="submit" mt={25} loading={send.isPending} leftSection={<IconMail size={18} aria-hidden />}>
            {invoice.sentAt ? t('invoices.sendAgain') : t('invoices.send')}
          </Button>
        </Group>
      </form>
      {outcome && (
        <div role="status" style={{ marginTop: 'var(--mantine-spacing-sm)' }}>
          <SendOutcome status={outcome.status} error={outcome.error} to={outcome.to} at={invoice.sentAt} />
        </div>
      )}
    </Paper>
  );
}

const REMINDER_COLOR: Record<string, string> = {
  sent: 'green',
  captured: 'grape',
  queued: 'blue',
  sending: 'blue',
  failed: 'red',
  withdrawn: 'orange',
};

/** The balance reminders written for the invoice: when, and whether they went (or why not). */
function Reminders({ invoice }: { invoice: Invoice }) {
  const { clinic } = useSession();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="invoice-reminders-title">
      <Title order={3} fz="md" id="invoice-reminders-title" mb="xs">
        {t('invoices.remindersTitle')}
      </Title>
      {invoice.reminders.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('invoices.remindersNone')}
        </Text>
      ) : (
        <Stack gap={6} data-testid="invoice-reminders">
          {invoice.reminders.map((reminder) => (
            <Group key={reminder.messageId} gap="sm" wrap="nowrap" align="flex-start">
              <Text size="sm" fw={600} w={90}>
                {t('invoices.reminderN', { number: reminder.number })}
              </Text>
              <Text size="sm" w={150}>
                {formatDateTime(reminder.at, clinic.timezone)}
              </Text>
              <div>
                <Badge size="sm" variant="light" color={REMINDER_COLOR[reminder.status] ?? 'gray'}>
                  {t(`invoices.reminder.${reminder.status}` as MessageKey)}
                </Badge>
                {reminder.reason && (
                  <Text size="xs" c="dimmed">
                    {reminder.reason}
                  </Text>
                )}
              </div>
            </Group>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
