import { Badge, Button, Group, NumberInput, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCash, IconChecklist, IconMail } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type Invoice, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { notifyError } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { type EmailOutcome, invoicePdfUrl, useSendInvoice, useUnpaidInvoices } from './api';
import { InvoiceDrawer } from './InvoiceDrawer';
import type { PaymentPrefill } from './PaymentForm';
import { PaymentDrawer } from './PostPaymentPage';
import { daysSince, Money, PdfButton, plural, StackedDateTime, useMoney } from './shared';

const route = getRouteApi('/billing/work-lists');

/** Billing's morning list: invoices still unpaid some days after they were issued. */
export function WorkListsPage() {
  const { days: initial = 30 } = route.useSearch();
  const navigate = useNavigate();
  const { today } = useSession();
  const money = useMoney();
  const [typed, setTyped] = useState<number | string>(initial);
  const valid = typeof typed === 'number' && Number.isInteger(typed) && typed >= 0 && typed <= 3650;
  const [days] = useDebouncedValue(valid ? typed : initial, 300);
  const unpaid = useUnpaidInvoices(days);
  const [openId, setOpenId] = useState<string | null>(null);
  const [paying, setPaying] = useState<PaymentPrefill | null>(null);
  const total = (unpaid.data ?? []).reduce((sum, invoice) => sum + invoice.balanceCents, 0);
  const pay = (invoice: Invoice) =>
    setPaying({ patientId: invoice.patientId, patientName: invoice.patientName, invoice, lockPatient: true });

  return (
    <>
      <PageHeader title={t('worklist.title')} description={t('worklist.description')} />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="worklist-unpaid">
        <Group justify="space-between" align="flex-end" mb="md" gap="md">
          <div>
            <Title order={2} fz="lg" id="worklist-unpaid">
              {t('worklist.unpaidTitle', { days })}
            </Title>
            <Text size="sm" c="dimmed">
              {t('worklist.unpaidHint')}
            </Text>
          </div>
          <NumberInput
            label={t('worklist.olderThan')}
            value={typed}
            onChange={(value) => {
              setTyped(value);
              if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3650) {
                void navigate({
                  to: '/billing/work-lists',
                  search: { days: value === 30 ? undefined : value },
                  replace: true,
                });
              }
            }}
            min={0}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            suffix={t('worklist.daysSuffix')}
            error={valid ? undefined : t('worklist.daysInvalid')}
            w={180}
          />
        </Group>
        <QueryView
          query={unpaid}
          isEmpty={(data) => data.length === 0}
          empty={
            <EmptyState
              icon={<IconChecklist aria-hidden />}
              title={t('worklist.none', { days })}
              description={t('worklist.noneHint')}
            />
          }
        >
          {(data) => (
            <Stack gap="sm">
              <Table.ScrollContainer minWidth={900}>
                <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('worklist.unpaidTitle', { days })}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('invoices.number')}</Table.Th>
                      <Table.Th>{t('invoices.patient')}</Table.Th>
                      <Table.Th>{t('invoices.issued')}</Table.Th>
                      <Table.Th ta="right">{t('worklist.daysOutstanding')}</Table.Th>
                      <Table.Th ta="right">{t('invoices.total')}</Table.Th>
                      <Table.Th ta="right">{t('invoices.balance')}</Table.Th>
                      <Table.Th>{t('worklist.lastSent')}</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((invoice) => (
                      <WorkRow
                        key={invoice.id}
                        invoice={invoice}
                        days={daysSince(invoice.issuedOn, today())}
                        onOpen={() => setOpenId(invoice.id)}
                        onPay={() => pay(invoice)}
                      />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="sm" ta="right" fw={600}>
                {plural(data.length, 'worklist.total', { amount: money(total) })}
              </Text>
            </Stack>
          )}
        </QueryView>
      </Paper>
      <InvoiceDrawer
        invoiceId={openId}
        onClose={() => setOpenId(null)}
        onPostPayment={(invoice) => {
          setOpenId(null);
          pay(invoice);
        }}
      />
      <PaymentDrawer prefill={paying} opened={paying !== null} onClose={() => setPaying(null)} />
    </>
  );
}

const OUTCOME_COLOR: Record<EmailOutcome, string> = { sent: 'green', captured: 'grape', failed: 'red', queued: 'blue' };

function WorkRow({
  invoice,
  days,
  onOpen,
  onPay,
}: {
  invoice: Invoice;
  days: number;
  onOpen: () => void;
  onPay: () => void;
}) {
  const { can } = useSession();
  const send = useSendInvoice();
  const [outcome, setOutcome] = useState<{ status: EmailOutcome; error: string | null } | null>(null);
  const resend = async () => {
    try {
      const result = await send.mutateAsync({ id: invoice.id });
      setOutcome({ status: result.status, error: result.error });
    } catch (error) {
      notifyError(error, t('worklist.sendFailed', { number: invoice.number }));
    }
  };
  return (
    <Table.Tr>
      <Table.Td>
        <Button
          variant="subtle"
          size="compact-sm"
          onClick={onOpen}
          aria-label={t('invoices.openNumber', { number: invoice.number })}
        >
          {invoice.number}
        </Button>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <AnchorLink to="/patients/$patientId" params={{ patientId: invoice.patientId }} size="sm" fw={600}>
          {invoice.patientName}
        </AnchorLink>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(invoice.issuedOn)}</Table.Td>
      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
        <Badge
          variant="light"
          tt="none"
          color={days > 90 ? 'red' : days > 60 ? 'orange' : days > 30 ? 'yellow' : 'gray'}
          size="md"
        >
          {t('worklist.days', { count: days })}
        </Badge>
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={invoice.totalCents} />
      </Table.Td>
      <Table.Td ta="right">
        <Money cents={invoice.balanceCents} fw={700} />
      </Table.Td>
      <Table.Td>
        {invoice.sentAt ? (
          <StackedDateTime iso={invoice.sentAt} />
        ) : (
          <Text span size="sm" c="dimmed">
            {t('invoices.notSent')}
          </Text>
        )}
        {outcome && (
          <Badge display="block" mt={2} size="sm" variant="light" color={OUTCOME_COLOR[outcome.status]}>
            {t(`send.badge.${outcome.status}`)}
          </Badge>
        )}
        {outcome?.error && (
          <Text size="xs" c="red.8">
            {outcome.error}
          </Text>
        )}
        <ReminderNote invoice={invoice} />
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <PdfButton
            href={invoicePdfUrl(invoice.id)}
            label={t('worklist.pdf')}
            accessibleLabel={t('worklist.pdfOf', { number: invoice.number })}
          />
          <Button
            size="xs"
            variant="default"
            leftSection={<IconMail size={16} aria-hidden />}
            loading={send.isPending}
            onClick={() => void resend()}
            aria-label={t('worklist.sendOf', { number: invoice.number })}
          >
            {t('worklist.send')}
          </Button>
          {can('payment.post') && (
            <Button
              size="xs"
              variant="light"
              leftSection={<IconCash size={16} aria-hidden />}
              onClick={onPay}
              aria-label={t('worklist.payOf', { number: invoice.number })}
            >
              {t('worklist.pay')}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** How the balance reminders of an invoice went: how many reached the patient, or that none can. */
function ReminderNote({ invoice }: { invoice: Invoice }) {
  const last = invoice.reminders.at(-1);
  if (!last) return null;
  const reached = invoice.reminders.filter((r) => r.status === 'sent' || r.status === 'captured').length;
  if (last.status === 'withdrawn' && last.reason !== null && reached === 0) {
    return (
      <Text size="xs" c="orange.9" title={last.reason}>
        {t('invoices.notReachable')}
      </Text>
    );
  }
  return (
    <Text size="xs" c="dimmed">
      {t('invoices.remindedCount', { count: reached })}
    </Text>
  );
}
