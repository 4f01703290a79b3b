import { Badge, Button, Group, Modal, Paper, Stack, Table, Text, Textarea, VisuallyHidden } from '@mantine/core';
import { IconArrowBackUp, IconCash, IconCoins, IconX } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink, ButtonLink } from '../components/links';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { usePayers } from '../insurance/api';
import { addDays, isDate } from '../schedule/time';
import { type PaymentListItem, type PaymentsQuery, receiptPdfUrl, usePayments, useReversePayment } from './api';
import { Money, PdfButton, plural, useMoney } from './shared';

const route = getRouteApi('/billing/payments');

/** Payments posted: today's by default (the end-of-day count), any range on request; reversals. */
export function PaymentsPage() {
  const { today, can } = useSession();
  const search = route.useSearch();
  const navigate = useNavigate();
  const { payerId } = search;
  // One insurer's payments (from A/R aging): the last 90 days unless dates are chosen.
  const from = search.from ?? (payerId ? addDays(today(), -90) : today());
  const to = search.to ?? (payerId ? today() : from);
  const payer = usePayers({ enabled: Boolean(payerId) }).data?.find((p) => p.id === payerId);
  const [typedFrom, setTypedFrom] = useState(from);
  const [typedTo, setTypedTo] = useState(to);
  const isToday = from === today() && to === today() && !payerId;
  const setRange = (nextFrom: string, nextTo: string) => {
    if (!isDate(nextFrom) || !isDate(nextTo)) return;
    void navigate({
      to: '/billing/payments',
      search: nextFrom === today() && nextTo === today() && !payerId ? {} : { from: nextFrom, to: nextTo, payerId },
      replace: true,
    });
  };
  return (
    <>
      <PageHeader
        title={
          payer
            ? t('payments.ofPayer', { payer: payer.name })
            : isToday
              ? t('payments.todayTitle')
              : t('payments.listTitle')
        }
        documentTitle={t('payments.listTitle')}
        description={t('payments.listDescription')}
        actions={
          can('payment.post') && (
            <ButtonLink to="/billing/payments/new" leftSection={<IconCash size={18} aria-hidden />}>
              {t('nav.postPayment')}
            </ButtonLink>
          )
        }
      />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
        <Group align="flex-start" gap="sm" mb="md">
          <DateField
            label={t('payments.from')}
            value={typedFrom}
            onChange={(value) => {
              setTypedFrom(value);
              if (isDate(value)) setRange(value, laterOf(value, typedTo));
            }}
            w={180}
          />
          <DateField
            label={t('payments.to')}
            value={typedTo}
            onChange={(value) => {
              setTypedTo(value);
              if (isDate(value)) setRange(typedFrom, value);
            }}
            error={isDate(typedTo) && isDate(typedFrom) && typedTo < typedFrom ? t('validation.dateRange') : undefined}
            w={180}
          />
          {payerId && (
            <Button
              variant="subtle"
              mt={25}
              leftSection={<IconX size={16} aria-hidden />}
              onClick={() => void navigate({ to: '/billing/payments', search: {}, replace: true })}
            >
              {t('payments.allPayers')}
            </Button>
          )}
          {!isToday && !payerId && (
            <Button
              variant="subtle"
              mt={25}
              onClick={() => {
                setTypedFrom(today());
                setTypedTo(today());
                setRange(today(), today());
              }}
            >
              {t('payments.showToday')}
            </Button>
          )}
        </Group>
        <PaymentsTable query={{ from, to, payerId }} showPatient />
      </Paper>
    </>
  );
}

/** The later of two `YYYY-MM-DD` dates. */
function laterOf(a: string, b: string): string {
  return a.localeCompare(b) >= 0 ? a : b;
}

/** Payments as a table, with each one's receipt and (for billing) its reversal. */
export function PaymentsTable({ query, showPatient }: { query: PaymentsQuery; showPatient: boolean }) {
  const { clinic, can } = useSession();
  const money = useMoney();
  const payments = usePayments(query);
  const [reversing, setReversing] = useState<PaymentListItem | null>(null);
  return (
    <>
      <QueryView
        query={payments}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState
            icon={<IconCoins aria-hidden />}
            title={t('payments.none')}
            description={t('payments.noneHint')}
          />
        }
      >
        {(data) => {
          const reversed = new Set(data.map((p) => p.reversesId).filter(Boolean));
          const total = data.reduce((sum, p) => sum + p.amountCents, 0);
          return (
            <Stack gap="xs">
              <Table.ScrollContainer minWidth={880}>
                <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('payments.listTitle')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('payments.received')}</Table.Th>
                      <Table.Th>{t('payments.from')}</Table.Th>
                      <Table.Th>{t('payments.method')}</Table.Th>
                      <Table.Th ta="right">{t('payments.amount')}</Table.Th>
                      <Table.Th ta="right">{t('payments.unapplied')}</Table.Th>
                      <Table.Th>{t('payments.postedBy')}</Table.Th>
                      <Table.Th>
                        <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                      </Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.map((payment) => {
                      const who = payment.source === 'patient' ? payment.patientName : payment.payerName;
                      return (
                        <Table.Tr key={payment.id}>
                          <Table.Td>{formatDate(payment.receivedOn)}</Table.Td>
                          <Table.Td>
                            {payment.source === 'patient' && payment.patientId && showPatient ? (
                              <AnchorLink
                                to="/patients/$patientId"
                                params={{ patientId: payment.patientId }}
                                search={{ tab: 'balance' }}
                                size="sm"
                                fw={600}
                              >
                                {who}
                              </AnchorLink>
                            ) : (
                              <Text span size="sm" fw={600}>
                                {who ?? ''}
                              </Text>
                            )}
                            <Group gap={6} wrap="nowrap">
                              <Text size="xs" c="dimmed">
                                {payment.source === 'patient'
                                  ? t('payments.sourcePatient')
                                  : t('payments.sourceInsurer')}
                              </Text>
                              {payment.reversesId && (
                                <Badge size="xs" color="red" variant="light">
                                  {t('payments.reversal')}
                                </Badge>
                              )}
                              {reversed.has(payment.id) && (
                                <Badge size="xs" color="gray" variant="light">
                                  {t('payments.reversed')}
                                </Badge>
                              )}
                            </Group>
                            {payment.reversesId && payment.note && (
                              <Text size="xs" c="dimmed" maw={260}>
                                {payment.note}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            {t(`payments.method.${payment.method}`)}
                            {payment.reference && (
                              <Text size="xs" c="dimmed" ff="monospace">
                                {payment.reference}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td ta="right">
                            <Money
                              cents={payment.amountCents}
                              fw={600}
                              c={payment.amountCents < 0 ? 'red.8' : undefined}
                            />
                          </Table.Td>
                          <Table.Td ta="right">
                            {payment.reversesId || reversed.has(payment.id) ? (
                              <Text span size="sm" c="dimmed" aria-label={t('payments.notApplicable')}>
                                —
                              </Text>
                            ) : (
                              <Money cents={payment.unappliedCents} c={payment.unappliedCents ? undefined : 'dimmed'} />
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{payment.postedByName ?? ''}</Text>
                            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                              {formatDateTime(payment.postedAt, clinic.timezone)}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Group gap={6} justify="flex-end" wrap="nowrap">
                              {can('payment.post') && !payment.reversesId && (
                                <PdfButton
                                  href={receiptPdfUrl(payment.id)}
                                  label={t('payments.receipt')}
                                  accessibleLabel={t('payments.receiptOf', {
                                    who: who ?? '',
                                    amount: money(payment.amountCents),
                                  })}
                                />
                              )}
                              {can('billing.manage') && !payment.reversesId && !reversed.has(payment.id) && (
                                <Button
                                  size="xs"
                                  variant="subtle"
                                  color="red"
                                  leftSection={<IconArrowBackUp size={16} aria-hidden />}
                                  onClick={() => setReversing(payment)}
                                  aria-label={t('payments.reverseOf', {
                                    who: who ?? '',
                                    amount: money(payment.amountCents),
                                  })}
                                >
                                  {t('payments.reverse')}
                                </Button>
                              )}
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="sm" ta="right" fw={600}>
                {plural(data.length, 'payments.total', { amount: money(total) })}
              </Text>
            </Stack>
          );
        }}
      </QueryView>
      <ReverseDialog payment={reversing} onClose={() => setReversing(null)} />
    </>
  );
}

/** Reversing asks why and says what happens: a new negative row, the allocations undone, nothing deleted. */
function ReverseDialog({ payment, onClose }: { payment: PaymentListItem | null; onClose: () => void }) {
  const money = useMoney();
  const reverse = useReversePayment();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setReason('');
    setError(null);
    onClose();
  };
  const submit = async () => {
    if (!payment) return;
    if (reason.trim().length < 3) {
      setError(t('payments.reverseReasonNeeded'));
      return;
    }
    try {
      await reverse.mutateAsync({ id: payment.id, reason: reason.trim() });
      notifySuccess(t('payments.reversedDone', { amount: money(payment.amountCents) }));
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const who = payment ? (payment.source === 'patient' ? payment.patientName : payment.payerName) : '';
  return (
    <Modal opened={payment !== null} onClose={close} title={t('payments.reverseTitle')} size="md">
      {payment && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <Stack gap="md">
            <Text size="sm">
              {t('payments.reverseExplain', {
                amount: money(payment.amountCents),
                who: who ?? '',
                date: formatDate(payment.receivedOn),
              })}
            </Text>
            <Textarea
              label={t('payments.reverseReason')}
              required
              autosize
              minRows={2}
              value={reason}
              onChange={(event) => {
                setReason(event.currentTarget.value);
                setError(null);
              }}
              error={error}
              data-autofocus
            />
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close} disabled={reverse.isPending}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" color="red" loading={reverse.isPending}>
                {t('payments.reverseConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
