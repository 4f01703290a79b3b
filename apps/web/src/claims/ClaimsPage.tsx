import { Badge, Group, NumberInput, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconFileInvoice } from '@tabler/icons-react';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type Claim, type ClaimStatus, t } from '@tend/domain';
import { useState } from 'react';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, QueryView } from '../components/states';
import { useClaims, useDeniedClaims, useUnpaidClaims } from './api';
import { ClaimsTable } from './ClaimsTable';
import { AllDone } from './shared';
import { UnbilledCharges } from './UnbilledCharges';

export const CLAIM_VIEWS = ['work', 'ready', 'draft', 'submitted', 'attention', 'paid', 'all'] as const;
export type ClaimView = (typeof CLAIM_VIEWS)[number];

const STATUSES: Record<Exclude<ClaimView, 'work' | 'all'>, readonly ClaimStatus[]> = {
  ready: ['ready'],
  draft: ['draft'],
  submitted: ['submitted', 'accepted'],
  attention: ['rejected', 'denied', 'partially_paid'],
  paid: ['paid'],
};

const route = getRouteApi('/claims');

function inView(view: ClaimView, claim: Claim): boolean {
  if (view === 'all' || view === 'work') return true;
  return STATUSES[view].includes(claim.status);
}

/** Billing's claims screen: what to work today, and every claim by status. */
export function ClaimsPage() {
  const { view = 'work' } = route.useSearch();
  const navigate = useNavigate();
  const claims = useClaims();
  const setView = (value: string | null) =>
    void navigate({
      to: '/claims',
      search: { view: value && value !== 'work' ? (value as ClaimView) : undefined },
      replace: true,
    });
  const count = (v: ClaimView) => (claims.data ?? []).filter((claim) => inView(v, claim)).length;

  return (
    <>
      <PageHeader title={t('claims.title')} description={t('claims.description')} />
      <Tabs value={view} onChange={setView} keepMounted={false}>
        <Tabs.List mb="md">
          {CLAIM_VIEWS.map((v) => (
            <Tabs.Tab
              key={v}
              value={v}
              rightSection={
                v !== 'work' && claims.data ? (
                  <Badge size="sm" variant="light" color={v === 'attention' && count(v) ? 'red' : 'gray'} circle>
                    {count(v)}
                  </Badge>
                ) : undefined
              }
            >
              {t(`claims.view.${v}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="work">
          <WorkLists />
        </Tabs.Panel>
        {CLAIM_VIEWS.filter((v) => v !== 'work').map((v) => (
          <Tabs.Panel key={v} value={v}>
            <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
              <Text size="sm" c="dimmed" mb="sm">
                {t(`claims.viewHint.${v as Exclude<ClaimView, 'work'>}`)}
              </Text>
              <QueryView
                query={claims}
                isEmpty={(data) => !data.some((claim) => inView(v, claim))}
                empty={
                  <EmptyState
                    icon={<IconFileInvoice aria-hidden />}
                    title={t(`claims.empty.${v as Exclude<ClaimView, 'work'>}`)}
                    description={t('claims.emptyHint')}
                  />
                }
              >
                {(data) => (
                  <ClaimsTable
                    claims={data.filter((claim) => inView(v, claim))}
                    label={t(`claims.view.${v}`)}
                    selectable={v === 'ready' || v === 'submitted' || v === 'all'}
                  />
                )}
              </QueryView>
            </Paper>
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}

/** The morning's work: visits to bill, claims the insurer has not paid, claims it turned down. */
function WorkLists() {
  const [days, setDays] = useState<number>(30);
  const unpaid = useUnpaidClaims(days);
  const denied = useDeniedClaims();
  return (
    <Stack gap="lg">
      <UnbilledCharges />
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="unpaid-claims">
        <Group justify="space-between" align="flex-end" gap="md" mb="sm">
          <div>
            <Title order={2} fz="lg" id="unpaid-claims">
              {t('claims.unpaidTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('claims.unpaidHint', { days })}
            </Text>
          </div>
          <NumberInput
            label={t('claims.olderThan')}
            value={days}
            onChange={(value) => setDays(typeof value === 'number' && value >= 0 ? Math.min(value, 3650) : 0)}
            min={0}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            w={180}
            size="sm"
          />
        </Group>
        <QueryView
          query={unpaid}
          isEmpty={(data) => data.length === 0}
          empty={<AllDone title={t('claims.unpaidNone', { days })} hint={t('claims.unpaidNoneHint')} />}
        >
          {(data) => <ClaimsTable claims={data} label={t('claims.unpaidTitle')} searchable={false} />}
        </QueryView>
      </Paper>
      <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }} component="section" aria-labelledby="denied-claims">
        <Title order={2} fz="lg" id="denied-claims">
          {t('claims.deniedTitle')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('claims.deniedHint')}
        </Text>
        <QueryView
          query={denied}
          isEmpty={(data) => data.length === 0}
          empty={<AllDone title={t('claims.deniedNone')} hint={t('claims.deniedNoneHint')} />}
        >
          {(data) => <ClaimsTable claims={data} label={t('claims.deniedTitle')} searchable={false} />}
        </QueryView>
      </Paper>
    </Stack>
  );
}
