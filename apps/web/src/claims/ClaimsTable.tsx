import { Button, Checkbox, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDownload, IconSend } from '@tabler/icons-react';
import { type Claim, formatCents, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { ListSearch } from '../components/ListParts';
import { AnchorLink } from '../components/links';
import { notifyError, notifySuccess } from '../components/notify';
import { TotalPager } from '../components/Pager';
import { useClientList } from '../components/useClientList';
import { useSubmitAndExport } from './api';
import { ClaimStatusBadge, daysLabel, daysSince, statusSince } from './shared';

const EXPORTABLE = new Set(['ready', 'submitted', 'accepted']);

const searchText = (claim: Claim) =>
  [claim.number, claim.patientName, claim.payerName, claim.providerName, claim.data.subscriber.memberId]
    .filter(Boolean)
    .join(' ');

/**
 * Claims in a table: number, patient, payer, date, money, status and how long it has been in it.
 * With `selectable`, ready and submitted claims can be picked for an 837P file (ready ones are
 * submitted first).
 */
export function ClaimsTable({
  claims,
  label,
  selectable = false,
  searchable = true,
}: {
  claims: Claim[];
  /** The table's accessible name. */
  label: string;
  selectable?: boolean;
  searchable?: boolean;
}) {
  const { clinic } = useSession();
  const list = useClientList(claims, searchText);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const exportFile = useSubmitAndExport();
  const now = useMemo(() => Date.now(), []);
  const chosen = claims.filter((claim) => selected.has(claim.id) && EXPORTABLE.has(claim.status));
  const readyChosen = chosen.filter((claim) => claim.status === 'ready').length;
  const anyReady = claims.some((claim) => claim.status === 'ready');
  const pickable = list.pageItems.filter((claim) => EXPORTABLE.has(claim.status));
  const allPicked = pickable.length > 0 && pickable.every((claim) => selected.has(claim.id));
  const somePicked = pickable.some((claim) => selected.has(claim.id));

  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const toggleAll = (on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const claim of pickable) {
        if (on) next.add(claim.id);
        else next.delete(claim.id);
      }
      return next;
    });

  const run = async (submit: boolean) => {
    try {
      const result = await exportFile.mutateAsync({ claims: chosen, submit });
      for (const { claim, error } of result.failed) {
        notifyError(error, t('claims.submitFailed', { number: claim.number }));
      }
      if (result.filename) {
        const submitted = submit ? result.exported.filter((c) => c.status === 'submitted').length : 0;
        notifySuccess(
          submit
            ? t('claims.submittedDownloaded', { count: submitted, file: result.filename })
            : t('claims.downloaded', { file: result.filename }),
        );
      }
      setSelected(new Set());
    } catch (error) {
      notifyError(error, t('claims.exportFailed'));
    }
  };

  return (
    <>
      {(searchable || selectable) && (
        <Group justify="space-between" align="flex-end" gap="md" mb="sm" wrap="wrap">
          {searchable ? (
            <ListSearch label={t('claims.search')} value={list.query} onChange={list.setQuery} count={list.total} />
          ) : (
            <span />
          )}
          {selectable && (
            <Group gap="sm" mb="md">
              <Text size="sm" c="dimmed" aria-live="polite">
                {chosen.length ? t('claims.selected', { count: chosen.length }) : t('claims.selectHint')}
              </Text>
              {(readyChosen > 0 || (chosen.length === 0 && anyReady)) && (
                <Button
                  leftSection={<IconSend size={16} aria-hidden />}
                  disabled={readyChosen === 0}
                  loading={exportFile.isPending}
                  onClick={() => void run(true)}
                >
                  {t('claims.submitAndDownload')}
                </Button>
              )}
              {readyChosen === 0 && (chosen.length > 0 || !anyReady) && (
                <Button
                  leftSection={<IconDownload size={16} aria-hidden />}
                  disabled={chosen.length === 0}
                  loading={exportFile.isPending}
                  onClick={() => void run(false)}
                >
                  {t('claims.download837')}
                </Button>
              )}
            </Group>
          )}
        </Group>
      )}
      {list.total === 0 ? (
        <Text size="sm" c="dimmed" py="md">
          {t('list.noMatch')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={880}>
            <Table fz="sm" verticalSpacing={8} aria-label={label}>
              <Table.Thead>
                <Table.Tr>
                  {selectable && (
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label={t('claims.selectAll')}
                        checked={allPicked}
                        indeterminate={somePicked && !allPicked}
                        disabled={pickable.length === 0}
                        onChange={(event) => toggleAll(event.currentTarget.checked)}
                      />
                    </Table.Th>
                  )}
                  <Table.Th>{t('claims.claim')}</Table.Th>
                  <Table.Th>{t('claims.patient')}</Table.Th>
                  <Table.Th>{t('claims.payer')}</Table.Th>
                  <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('claims.serviceDate')}</Table.Th>
                  <Table.Th ta="right">{t('claims.total')}</Table.Th>
                  <Table.Th ta="right">{t('claims.paid')}</Table.Th>
                  <Table.Th ta="right">{t('claims.balance')}</Table.Th>
                  <Table.Th>{t('common.status')}</Table.Th>
                  <Table.Th ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {t('claims.inStatus')}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.pageItems.map((claim) => (
                  <Table.Tr key={claim.id}>
                    {selectable && (
                      <Table.Td>
                        {EXPORTABLE.has(claim.status) ? (
                          <Checkbox
                            aria-label={t('claims.selectOne', { number: claim.number })}
                            checked={selected.has(claim.id)}
                            onChange={(event) => toggle(claim.id, event.currentTarget.checked)}
                          />
                        ) : (
                          <VisuallyHidden>{t('claims.notExportable')}</VisuallyHidden>
                        )}
                      </Table.Td>
                    )}
                    <Table.Td>
                      <AnchorLink
                        to="/claims/$claimId"
                        params={{ claimId: claim.id }}
                        size="sm"
                        fw={700}
                        aria-label={t('claims.openNamed', { number: claim.number })}
                      >
                        {claim.number}
                      </AnchorLink>
                      {claim.rank === 'secondary' && (
                        <Text span size="xs" c="dimmed" ml={6}>
                          {t('claims.secondaryShort')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <AnchorLink to="/patients/$patientId" params={{ patientId: claim.patientId }} size="sm">
                        {claim.patientName}
                      </AnchorLink>
                    </Table.Td>
                    <Table.Td>{claim.payerName}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(claim.serviceDate)}</Table.Td>
                    <Table.Td ta="right">{formatCents(claim.totalCents, clinic.currency)}</Table.Td>
                    <Table.Td ta="right">{formatCents(claim.paidCents, clinic.currency)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {formatCents(claim.balanceCents, clinic.currency)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <ClaimStatusBadge status={claim.status} />
                        {claim.problems.length > 0 && (claim.status === 'draft' || claim.status === 'rejected') && (
                          <Text size="xs" c="var(--mantine-color-orange-light-color)" fw={600}>
                            {t('claims.toFixCount', { count: claim.problems.length })}
                          </Text>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {daysLabel(daysSince(statusSince(claim), now))}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <TotalPager page={list.page} pageSize={list.pageSize} total={list.total} onChange={list.setPage} />
        </>
      )}
    </>
  );
}
