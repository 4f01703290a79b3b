import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconFileInvoice, IconSearch, IconX } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type Invoice, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { formatDate, formatDateTime } from '../components/format';
import { AnchorLink } from '../components/links';
import { PageHeader } from '../components/PageHeader';
import { TotalPager } from '../components/Pager';
import { EmptyState, ErrorState, Loading, QueryView } from '../components/states';
import { useClientList } from '../components/useClientList';
import { useInvoices } from './api';
import { CreateInvoiceButton, useInvoiceableVisits } from './CreateInvoice';
import { InvoiceDrawer, InvoiceStatus } from './InvoiceDrawer';
import type { PaymentPrefill } from './PaymentForm';
import { PaymentDrawer } from './PostPaymentPage';
import { Money } from './shared';

const route = getRouteApi('/billing/invoices');

type StatusFilter = 'all' | 'unpaid' | 'paid';

const searchText = (invoice: Invoice) => `${invoice.number} ${invoice.patientName}`;

/** Patient invoices: visits still to invoice, every invoice with what is still due, one open in a drawer. */
export function InvoicesPage() {
  const { patientId, invoiceId } = route.useSearch();
  const navigate = useNavigate();
  const invoices = useInvoices(patientId);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [paying, setPaying] = useState<PaymentPrefill | null>(null);
  const filtered = useInvoicesFiltered(invoices.data, status);
  const list = useClientList(filtered, searchText);
  const open = (id: string | null) =>
    void navigate({ to: '/billing/invoices', search: { patientId, invoiceId: id ?? undefined }, replace: true });
  const patientName = patientId ? invoices.data?.[0]?.patientName : undefined;

  return (
    <>
      <PageHeader title={t('invoices.title')} description={t('invoices.description')} />
      <Stack gap="lg">
        {!patientId && <ToInvoice onCreated={(invoice) => open(invoice.id)} />}
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="invoices-list">
          <Title order={2} fz="lg" id="invoices-list" mb="sm">
            {patientId && patientName ? t('invoices.ofPatient', { patient: patientName }) : t('invoices.all')}
          </Title>
          <Group justify="space-between" align="flex-end" mb="md" gap="md">
            <Group align="flex-end" gap="md">
              <TextInput
                label={t('invoices.search')}
                type="search"
                leftSection={<IconSearch size={16} aria-hidden />}
                value={list.query}
                onChange={(event) => list.setQuery(event.currentTarget.value)}
                w={{ base: '100%', sm: 300 }}
              />
              <div>
                <Text size="sm" fw={500} mb={4} id="invoice-status-label">
                  {t('invoices.show')}
                </Text>
                <SegmentedControl
                  aria-labelledby="invoice-status-label"
                  value={status}
                  onChange={(value) => setStatus(value as StatusFilter)}
                  data={[
                    { value: 'all', label: t('invoices.showAll') },
                    { value: 'unpaid', label: t('invoices.showUnpaid') },
                    { value: 'paid', label: t('invoices.showPaid') },
                  ]}
                />
              </div>
            </Group>
            {patientId && (
              <Button
                variant="subtle"
                leftSection={<IconX size={16} aria-hidden />}
                onClick={() => void navigate({ to: '/billing/invoices', search: {} })}
              >
                {t('invoices.allPatients')}
              </Button>
            )}
          </Group>
          <VisuallyHidden aria-live="polite">{t('list.count', { count: list.total })}</VisuallyHidden>
          <QueryView
            query={invoices}
            isEmpty={() => list.total === 0}
            empty={
              <EmptyState
                icon={<IconFileInvoice aria-hidden />}
                title={invoices.data?.length ? t('list.noMatch') : t('invoices.none')}
                description={invoices.data?.length ? undefined : t('invoices.noneHint')}
              />
            }
          >
            {() => (
              <>
                <Table.ScrollContainer minWidth={900}>
                  <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('invoices.all')}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('invoices.number')}</Table.Th>
                        <Table.Th>{t('invoices.patient')}</Table.Th>
                        <Table.Th>{t('invoices.issued')}</Table.Th>
                        <Table.Th>{t('invoices.due')}</Table.Th>
                        <Table.Th ta="right">{t('invoices.total')}</Table.Th>
                        <Table.Th ta="right">{t('invoices.balance')}</Table.Th>
                        <Table.Th>{t('common.status')}</Table.Th>
                        <Table.Th>{t('invoices.sent')}</Table.Th>
                        <Table.Th>
                          <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.pageItems.map((invoice) => (
                        <InvoiceRow key={invoice.id} invoice={invoice} onOpen={() => open(invoice.id)} />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                <TotalPager page={list.page} pageSize={list.pageSize} total={list.total} onChange={list.setPage} />
              </>
            )}
          </QueryView>
        </Paper>
      </Stack>
      <InvoiceDrawer
        invoiceId={invoiceId ?? null}
        onClose={() => open(null)}
        onPostPayment={(invoice) => {
          open(null);
          setPaying({ patientId: invoice.patientId, patientName: invoice.patientName, invoice, lockPatient: true });
        }}
      />
      <PaymentDrawer prefill={paying} opened={paying !== null} onClose={() => setPaying(null)} />
    </>
  );
}

function useInvoicesFiltered(invoices: Invoice[] | undefined, status: StatusFilter): Invoice[] | undefined {
  if (!invoices || status === 'all') return invoices;
  return invoices.filter((invoice) => (status === 'paid' ? invoice.balanceCents === 0 : invoice.balanceCents > 0));
}

function InvoiceRow({ invoice, onOpen }: { invoice: Invoice; onOpen: () => void }) {
  const { clinic } = useSession();
  return (
    <Table.Tr>
      <Table.Td fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {invoice.number}
      </Table.Td>
      <Table.Td>
        <AnchorLink to="/patients/$patientId" params={{ patientId: invoice.patientId }} size="sm" fw={600}>
          {invoice.patientName}
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
      <Table.Td>
        {invoice.sentAt ? (
          formatDateTime(invoice.sentAt, clinic.timezone)
        ) : (
          <Text span size="sm" c="dimmed">
            {t('invoices.notSent')}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Button
          size="xs"
          variant="default"
          onClick={onOpen}
          aria-label={t('invoices.openNumber', { number: invoice.number })}
        >
          {t('invoices.open')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** Signed visits whose patient portion is not invoiced yet, each with its Create invoice button. */
function ToInvoice({ onCreated }: { onCreated: (invoice: Invoice) => void }) {
  const visits = useInvoiceableVisits();
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="to-invoice">
      <Title order={2} fz="lg" id="to-invoice">
        {t('invoices.toInvoice')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('invoices.toInvoiceHint')}
      </Text>
      {visits.isPending ? (
        <Loading />
      ) : visits.error ? (
        <ErrorState error={visits.error} onRetry={() => void visits.refetch()} />
      ) : !visits.data?.length ? (
        <Text size="sm" c="dimmed">
          {t('invoices.toInvoiceNone')}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={6} aria-label={t('invoices.toInvoice')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('invoices.serviceDate')}</Table.Th>
              <Table.Th>{t('invoices.patient')}</Table.Th>
              <Table.Th>{t('invoices.services')}</Table.Th>
              <Table.Th ta="right">{t('invoices.visitTotal')}</Table.Th>
              <Table.Th ta="right">{t('invoices.patientPortion')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visits.data.map((visit) => (
              <Table.Tr key={visit.encounterId}>
                <Table.Td>{formatDate(visit.serviceDate)}</Table.Td>
                <Table.Td>
                  <AnchorLink to="/patients/$patientId" params={{ patientId: visit.patientId }} size="sm" fw={600}>
                    {visit.patientName}
                  </AnchorLink>
                </Table.Td>
                <Table.Td ff="monospace">{visit.codes.join(', ')}</Table.Td>
                <Table.Td ta="right">
                  <Money cents={visit.amountCents} c="dimmed" />
                </Table.Td>
                <Table.Td ta="right">
                  <Money cents={visit.patientCents} fw={600} />
                </Table.Td>
                <Table.Td ta="right">
                  <CreateInvoiceButton visit={visit} onCreated={onCreated} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
