import { Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconCash, IconReceipt } from '@tabler/icons-react';
import { type ChargeBalance, t } from '@tend/domain';
import { type ReactNode, useState } from 'react';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { notifyError, notifySuccess } from '../components/notify';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/states';
import { AdjustDialog } from './AdjustDialog';
import { useApplyPayment, useInvoices, usePatientBalance, usePayments } from './api';
import { InvoiceStatus } from './InvoiceDrawer';
import { allocateOldestFirst } from './PaymentForm';
import { PaymentsTable } from './PaymentsPage';
import { PaymentDrawer } from './PostPaymentPage';
import { Money, useMoney } from './shared';

/** The chart's Balance tab: who owes what, each charge on both sides, the invoices and payments. */
export function BalanceTab({ patientId, patientName }: { patientId: string; patientName: string }) {
  const { can } = useSession();
  const balance = usePatientBalance(patientId);
  const [paying, setPaying] = useState(false);
  const applyCredit = useApplyCredit(patientId);
  const [adjusting, setAdjusting] = useState<ChargeBalance | null>(null);
  const canAdjust = can('billing.manage');

  if (balance.isPending) return <Loading />;
  if (balance.isError) return <ErrorState error={balance.error} onRetry={() => void balance.refetch()} />;
  const data = balance.data;
  const charges = [...data.charges].reverse();

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md" style={{ flex: 1 }}>
          <Figure label={t('balance.patientOwes')} cents={data.patientBalanceCents} testId="balance-patient" strong />
          <Figure label={t('balance.insurersOwe')} cents={data.insurerBalanceCents} testId="balance-insurer" />
          <Figure label={t('balance.credit')} cents={data.unappliedCents} testId="balance-credit">
            {can('payment.post') && data.unappliedCents > 0 && data.patientBalanceCents > 0 && (
              <Button
                size="compact-sm"
                variant="light"
                mt={6}
                loading={applyCredit.pending}
                onClick={() => void applyCredit.run()}
              >
                {t('balance.applyCredit')}
              </Button>
            )}
          </Figure>
        </SimpleGrid>
        {can('payment.post') && (
          <Button leftSection={<IconCash size={18} aria-hidden />} onClick={() => setPaying(true)}>
            {t('balance.postPayment')}
          </Button>
        )}
      </Group>

      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="balance-charges">
        <Title order={2} fz="lg" id="balance-charges" mb="sm">
          {t('balance.charges')}
        </Title>
        {charges.length === 0 ? (
          <EmptyState
            icon={<IconReceipt aria-hidden />}
            title={t('balance.noCharges')}
            description={t('balance.noChargesHint')}
          />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table fz="sm" verticalSpacing={6} aria-labelledby="balance-charges">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('balance.date')}</Table.Th>
                  <Table.Th>{t('balance.service')}</Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('balance.amount')}
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('balance.insurerPortion')}
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('balance.insurerStill')}
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('balance.patientPortion')}
                  </Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('balance.patientStill')}
                  </Table.Th>
                  {canAdjust && (
                    <Table.Th>
                      <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                    </Table.Th>
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {charges.map((line) => (
                  <Table.Tr key={line.chargeId}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(line.serviceDate)}</Table.Td>
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
                      <Money cents={line.insurerCents} c="dimmed" />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money cents={line.insurerBalanceCents} fw={line.insurerBalanceCents ? 600 : undefined} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money cents={line.patientCents} c="dimmed" />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Money cents={line.patientBalanceCents} fw={line.patientBalanceCents ? 600 : undefined} />
                    </Table.Td>
                    {canAdjust && (
                      <Table.Td ta="right">
                        {(line.insurerBalanceCents > 0 || line.patientBalanceCents > 0) && (
                          <Button
                            size="xs"
                            variant="subtle"
                            onClick={() => setAdjusting(line)}
                            aria-label={t('adjust.openOf', { code: line.code, date: formatDate(line.serviceDate) })}
                          >
                            {t('adjust.open')}
                          </Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      {can('billing.manage') && <PatientInvoices patientId={patientId} />}
      {can('balance.read') && (
        <Paper
          withBorder
          radius="md"
          p={{ base: 'md', sm: 'lg' }}
          component="section"
          aria-labelledby="balance-payments"
        >
          <Title order={2} fz="lg" id="balance-payments" mb="sm">
            {t('balance.payments')}
          </Title>
          <PaymentsTable query={{ patientId }} showPatient={false} />
        </Paper>
      )}

      <AdjustDialog charge={adjusting} onClose={() => setAdjusting(null)} />
      <PaymentDrawer
        opened={paying}
        prefill={paying ? { patientId, patientName, lockPatient: true } : null}
        onClose={() => setPaying(false)}
      />
    </Stack>
  );
}

function Figure({
  label,
  cents,
  testId,
  strong,
  children,
}: {
  label: string;
  cents: number;
  testId: string;
  strong?: boolean;
  children?: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Money cents={cents} fz={22} fw={strong ? 700 : 600} data-testid={testId} />
      {children}
    </Paper>
  );
}

/**
 * Applies the patient's unapplied payments (oldest first) to their open portions (oldest first):
 * one request per payment, each checked by the server like a posting.
 */
function useApplyCredit(patientId: string) {
  const balance = usePatientBalance(patientId);
  const payments = usePayments({ patientId });
  const apply = useApplyPayment();
  const money = useMoney();
  const [pending, setPending] = useState(false);
  const run = async () => {
    if (!balance.data || !payments.data) return;
    const reversed = new Set(payments.data.map((p) => p.reversesId).filter(Boolean));
    const credits = payments.data
      .filter((p) => p.source === 'patient' && p.unappliedCents > 0 && !p.reversesId && !reversed.has(p.id))
      .sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.postedAt.localeCompare(b.postedAt));
    const owed = new Map(
      balance.data.charges.filter((c) => c.patientBalanceCents > 0).map((c) => [c.chargeId, c.patientBalanceCents]),
    );
    setPending(true);
    let applied = 0;
    try {
      for (const credit of credits) {
        const lines = [...owed]
          .map(([chargeId, owedCents]) => ({ chargeId, owedCents }))
          .filter((l) => l.owedCents > 0);
        const split = allocateOldestFirst(credit.unappliedCents, lines);
        const allocations = Object.entries(split)
          .filter(([, cents]) => cents > 0)
          .map(([chargeId, amountCents]) => ({ chargeId, responsibility: 'patient' as const, amountCents }));
        if (!allocations.length) break;
        await apply.mutateAsync({ id: credit.id, allocations });
        for (const a of allocations) {
          owed.set(a.chargeId, (owed.get(a.chargeId) ?? 0) - a.amountCents);
          applied += a.amountCents;
        }
      }
      notifySuccess(t('balance.creditApplied', { amount: money(applied) }));
    } catch (error) {
      notifyError(error);
    } finally {
      setPending(false);
    }
  };
  return { run, pending };
}

function PatientInvoices({ patientId }: { patientId: string }) {
  const invoices = useInvoices(patientId);
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="balance-invoices">
      <Title order={2} fz="lg" id="balance-invoices" mb="sm">
        {t('balance.invoices')}
      </Title>
      <QueryView
        query={invoices}
        isEmpty={(data) => data.length === 0}
        empty={
          <Text size="sm" c="dimmed">
            {t('balance.noInvoices')}
          </Text>
        }
      >
        {(data) => (
          <Table fz="sm" verticalSpacing={6} aria-labelledby="balance-invoices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('invoices.number')}</Table.Th>
                <Table.Th>{t('invoices.issued')}</Table.Th>
                <Table.Th>{t('invoices.due')}</Table.Th>
                <Table.Th ta="right">{t('invoices.total')}</Table.Th>
                <Table.Th ta="right">{t('invoices.balance')}</Table.Th>
                <Table.Th>{t('common.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((invoice) => (
                <Table.Tr key={invoice.id}>
                  <Table.Td>
                    <AnchorLink
                      to="/billing/invoices"
                      search={{ patientId, invoiceId: invoice.id }}
                      size="sm"
                      fw={600}
                      aria-label={t('invoices.openNumber', { number: invoice.number })}
                    >
                      {invoice.number}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td>{formatDate(invoice.issuedOn)}</Table.Td>
                  <Table.Td>{formatDate(invoice.dueOn)}</Table.Td>
                  <Table.Td ta="right">
                    <Money cents={invoice.totalCents} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <Money cents={invoice.balanceCents} fw={600} />
                  </Table.Td>
                  <Table.Td>
                    <InvoiceStatus invoice={invoice} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
    </Paper>
  );
}
