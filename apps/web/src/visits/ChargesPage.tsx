import { Badge, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconReceipt } from '@tabler/icons-react';
import { formatCents, t } from '@tend/domain';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { CreateInvoiceButton, useInvoiceableVisits } from '../billing/CreateInvoice';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { providerName } from '../schedule/shared';
import { useCharges, useVisitsWithoutCharge } from './api';

/** Billing's view of what signed visits created: open charges, codes and amounts. */
export function ChargesPage() {
  const { clinic, user, can } = useSession();
  const charges = useCharges({ status: 'open' });
  const canInvoice = can('billing.manage');
  const invoiceable = useInvoiceableVisits(canInvoice);
  const toInvoice = new Map((invoiceable.data ?? []).map((visit) => [visit.encounterId, visit]));
  const shown = new Set<string>();
  const providers = useProviders();
  const providerOf = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));
  const isManager = user.role === 'manager' || user.role === 'admin';
  const rows = [...(charges.data ?? [])].sort(
    (a, b) => b.serviceDate.localeCompare(a.serviceDate) || a.createdAt.localeCompare(b.createdAt),
  );
  const total = rows.reduce((sum, c) => sum + c.amountCents, 0);
  return (
    <>
      <PageHeader title={t('charges.title')} description={t('charges.description')} />
      <Stack gap="lg">
        <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
          <QueryView
            query={charges}
            isEmpty={(data) => data.length === 0}
            empty={
              <EmptyState
                icon={<IconReceipt aria-hidden />}
                title={t('charges.none')}
                description={t('charges.noneHint')}
              />
            }
          >
            {() => (
              <Table.ScrollContainer minWidth={820}>
                <Table fz="sm" verticalSpacing={8} highlightOnHover aria-label={t('charges.open')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('charges.date')}</Table.Th>
                      <Table.Th>{t('charges.patient')}</Table.Th>
                      <Table.Th>{t('charges.provider')}</Table.Th>
                      <Table.Th>{t('charges.code')}</Table.Th>
                      <Table.Th>{t('charges.diagnoses')}</Table.Th>
                      <Table.Th ta="right">{t('charges.units')}</Table.Th>
                      <Table.Th ta="right">{t('charges.amount')}</Table.Th>
                      {canInvoice && (
                        <Table.Th>
                          <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                        </Table.Th>
                      )}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((charge) => (
                      <Table.Tr key={charge.id}>
                        <Table.Td>{formatDate(charge.serviceDate)}</Table.Td>
                        <Table.Td>
                          <AnchorLink
                            to="/patients/$patientId"
                            params={{ patientId: charge.patientId }}
                            size="sm"
                            fw={600}
                          >
                            {charge.patientName}
                          </AnchorLink>
                        </Table.Td>
                        <Table.Td>{providerOf.get(charge.providerId) ?? ''}</Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace" fw={600} span>
                            {charge.code}
                          </Text>{' '}
                          <Text size="xs" c="dimmed" span>
                            {charge.codeSystem} · {charge.description}
                          </Text>
                        </Table.Td>
                        <Table.Td ff="monospace">{charge.diagnosisCodes.join(', ')}</Table.Td>
                        <Table.Td ta="right">{charge.units}</Table.Td>
                        <Table.Td ta="right" fw={600}>
                          {formatCents(charge.amountCents, clinic.currency)}
                        </Table.Td>
                        {canInvoice && (
                          <Table.Td ta="right">
                            {firstOfVisit(shown, charge.encounterId) && toInvoice.get(charge.encounterId) && (
                              <CreateInvoiceButton visit={toInvoice.get(charge.encounterId) ?? charge} />
                            )}
                          </Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                    <Table.Tr>
                      <Table.Td colSpan={6} ta="right" fw={700}>
                        {t('charges.total', { count: rows.length })}
                      </Table.Td>
                      <Table.Td ta="right" fw={700}>
                        {formatCents(total, clinic.currency)}
                      </Table.Td>
                      {canInvoice && <Table.Td />}
                    </Table.Tr>
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </QueryView>
        </Paper>
        {isManager && <VisitsWithoutCharge />}
      </Stack>
    </>
  );
}

/** True the first time a visit's charge is met (its Create invoice button goes on that row). */
function firstOfVisit(shown: Set<string>, encounterId: string): boolean {
  if (shown.has(encounterId)) return false;
  shown.add(encounterId);
  return true;
}

function VisitsWithoutCharge() {
  const visits = useVisitsWithoutCharge();
  const providers = useProviders();
  const providerOf = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="without-charge">
      <Title order={2} fz="lg" id="without-charge">
        {t('charges.withoutCharge')}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('charges.withoutChargeHint')}
      </Text>
      <QueryView
        query={visits}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <Text size="sm" c="dimmed">
            {t('charges.withoutChargeNone')}
          </Text>
        }
      >
        {({ items, truncated }) => (
          <>
            {truncated && (
              <Text size="sm" c="dimmed" mb="xs">
                {t('charges.withoutChargeTruncated')}
              </Text>
            )}
            <Table fz="sm" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('charges.date')}</Table.Th>
                  <Table.Th>{t('charges.patient')}</Table.Th>
                  <Table.Th>{t('charges.provider')}</Table.Th>
                  <Table.Th>{t('charges.diagnoses')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((visit) => (
                  <Table.Tr key={visit.id}>
                    <Table.Td>{formatDate(visit.serviceDate)}</Table.Td>
                    <Table.Td fw={600}>{visit.patientName}</Table.Td>
                    <Table.Td>{providerOf.get(visit.providerId) ?? ''}</Table.Td>
                    <Table.Td>
                      {visit.diagnoses.length === 0 ? (
                        <Badge variant="light" color="gray" size="sm">
                          {t('charges.noDiagnosis')}
                        </Badge>
                      ) : (
                        <Text size="sm" ff="monospace">
                          {visit.diagnoses.map((d) => d.code).join(', ')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </QueryView>
    </Paper>
  );
}
