import { Button, Group, Paper, SimpleGrid, Stack } from '@mantine/core';
import { IconFilterOff, IconShieldCheck } from '@tabler/icons-react';
import { isCalendarDate, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { useUsers } from '../admin/api';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { nextDay, startOfDayIn } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { OptionalSelect } from '../components/selects';
import { EmptyState } from '../components/states';
import { AuditEventsPanel } from './AuditEventsPanel';
import { AuditIntegrity } from './AuditIntegrity';
import { useAuditEvents } from './api';
import { auditActionOptions } from './labels';

const PAGE_SIZE = 50;

interface Filters {
  action: string | null;
  userId: string | null;
  from: string;
  to: string;
}

const EMPTY: Filters = { action: null, userId: null, from: '', to: '' };

export function AuditLogPage() {
  const { clinic, can } = useSession();
  const users = useUsers({ enabled: can('user.read') });
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const set = (patch: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...patch }));
    setPage(1);
  };

  // A date being typed is not an error yet; a complete but impossible one is.
  const partial = (value: string) => value !== '' && !isCalendarDate(value);
  const fromError = partial(filters.from) && filters.from.length >= 10 ? t('validation.date') : null;
  const toError =
    partial(filters.to) && filters.to.length >= 10
      ? t('validation.date')
      : filters.from && filters.to && !partial(filters.from) && !partial(filters.to) && filters.to < filters.from
        ? t('validation.dateRange')
        : null;
  const usable = !partial(filters.from) && !partial(filters.to) && !toError;

  const query = {
    action: filters.action ?? undefined,
    userId: filters.userId ?? undefined,
    from: filters.from && usable ? startOfDayIn(filters.from, clinic.timezone).toISOString() : undefined,
    to:
      filters.to && usable
        ? new Date(startOfDayIn(nextDay(filters.to), clinic.timezone).getTime() - 1).toISOString()
        : undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const events = useAuditEvents(query, { enabled: usable });
  const actionOptions = useMemo(auditActionOptions, []);
  const userOptions = (users.data ?? []).map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));
  const filtered = filters.action || filters.userId || filters.from || filters.to;

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description', { timezone: clinic.timezone })} />
      <Stack gap="md">
        <AuditIntegrity />
        <Paper withBorder radius="md" p="md" component="section" aria-label={t('audit.filters')}>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="md">
            <OptionalSelect
              label={t('audit.filterAction')}
              placeholder={t('audit.anyAction')}
              data={actionOptions}
              value={filters.action}
              onChange={(action) => set({ action })}
            />
            <OptionalSelect
              label={t('audit.filterUser')}
              placeholder={t('audit.anyone')}
              data={userOptions}
              value={filters.userId}
              onChange={(userId) => set({ userId })}
            />
            <DateField
              label={t('audit.from')}
              value={filters.from}
              error={fromError}
              onChange={(from) => set({ from })}
            />
            <DateField label={t('audit.to')} value={filters.to} error={toError} onChange={(to) => set({ to })} />
          </SimpleGrid>
          {filtered && (
            <Group justify="flex-end" mt="sm">
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconFilterOff size={14} aria-hidden />}
                onClick={() => {
                  setFilters(EMPTY);
                  setPage(1);
                }}
              >
                {t('audit.clearFilters')}
              </Button>
            </Group>
          )}
        </Paper>
        <AuditEventsPanel
          events={events}
          page={page}
          pageSize={PAGE_SIZE}
          onPageChange={setPage}
          empty={<EmptyState icon={<IconShieldCheck aria-hidden />} title={t('audit.none')} />}
          caption={t('audit.title')}
        />
      </Stack>
    </>
  );
}
