import { Button, Group, Paper, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDownload, IconFilterOff, IconShieldCheck } from '@tabler/icons-react';
import { isCalendarDate, ROLES, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { useUsers } from '../admin/api';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { nextDay, startOfDayIn } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { OptionalSelect } from '../components/selects';
import { EmptyState } from '../components/states';
import { AuditEventsPanel } from './AuditEventsPanel';
import { AuditIntegrity } from './AuditIntegrity';
import { type AuditFilter, type AuditSort, downloadAuditCsv, NEWEST_FIRST, useAuditEvents } from './api';
import { auditActionOptions, roleLabel } from './labels';

const PAGE_SIZE = 50;

interface Filters {
  action: string | null;
  userId: string | null;
  outcome: 'success' | 'failure' | null;
  actorRole: string | null;
  entityType: string;
  entityId: string;
  ip: string;
  q: string;
  from: string;
  to: string;
}

const EMPTY: Filters = {
  action: null,
  userId: null,
  outcome: null,
  actorRole: null,
  entityType: '',
  entityId: '',
  ip: '',
  q: '',
  from: '',
  to: '',
};
const TEXT_FILTERS = ['entityType', 'entityId', 'ip', 'q'] as const;

export function AuditLogPage() {
  const { clinic, can } = useSession();
  const users = useUsers({ enabled: can('user.read') });
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<AuditSort>(NEWEST_FIRST);
  const [downloading, setDownloading] = useState(false);
  // Typed filters wait for a pause in typing before they ask the server (a string: stable between renders).
  const [typedKey] = useDebouncedValue(
    JSON.stringify(Object.fromEntries(TEXT_FILTERS.map((key) => [key, filters[key].trim() || undefined]))),
    300,
  );
  const typed = useMemo(
    () => JSON.parse(typedKey) as Partial<Record<(typeof TEXT_FILTERS)[number], string>>,
    [typedKey],
  );
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

  const query: AuditFilter = {
    action: filters.action ?? undefined,
    userId: filters.userId ?? undefined,
    outcome: filters.outcome ?? undefined,
    actorRole: filters.actorRole ?? undefined,
    ...typed,
    ...sort,
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
  const filtered = Object.values(filters).some(Boolean);
  const roleOptions = ROLES.map((role) => ({ value: role, label: roleLabel(role) }));
  const outcomeOptions = (['success', 'failure'] as const).map((outcome) => ({
    value: outcome,
    label: t(`audit.outcome.${outcome}`),
  }));
  const download = async () => {
    setDownloading(true);
    try {
      notifySuccess(t('audit.downloaded', { file: await downloadAuditCsv(query) }));
    } catch (error) {
      notifyError(error);
    } finally {
      setDownloading(false);
    }
  };

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
            <OptionalSelect
              label={t('audit.filterOutcome')}
              placeholder={t('audit.anyOutcome')}
              data={outcomeOptions}
              value={filters.outcome}
              onChange={(outcome) => set({ outcome: outcome as Filters['outcome'] })}
            />
            <OptionalSelect
              label={t('audit.filterRole')}
              placeholder={t('audit.anyRole')}
              data={roleOptions}
              value={filters.actorRole}
              onChange={(actorRole) => set({ actorRole })}
            />
            <TextInput
              label={t('audit.filterEntityType')}
              value={filters.entityType}
              maxLength={60}
              onChange={(event) => set({ entityType: event.currentTarget.value })}
            />
            <TextInput
              label={t('audit.filterEntityId')}
              value={filters.entityId}
              maxLength={100}
              onChange={(event) => set({ entityId: event.currentTarget.value })}
            />
            <TextInput
              label={t('audit.filterIp')}
              value={filters.ip}
              maxLength={64}
              onChange={(event) => set({ ip: event.currentTarget.value })}
            />
            <TextInput
              label={t('audit.filterText')}
              value={filters.q}
              maxLength={100}
              onChange={(event) => set({ q: event.currentTarget.value })}
            />
          </SimpleGrid>
          <Group justify="flex-end" mt="sm">
            <Button
              variant="light"
              size="xs"
              leftSection={<IconDownload size={14} aria-hidden />}
              loading={downloading}
              disabled={!usable}
              onClick={() => void download()}
            >
              {t('audit.downloadCsv')}
            </Button>
            {filtered && (
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
            )}
          </Group>
        </Paper>
        <AuditEventsPanel
          events={events}
          page={page}
          pageSize={PAGE_SIZE}
          onPageChange={setPage}
          empty={<EmptyState icon={<IconShieldCheck aria-hidden />} title={t('audit.none')} />}
          caption={t('audit.title')}
          sort={sort}
          onSortChange={(next) => {
            setSort(next);
            setPage(1);
          }}
        />
      </Stack>
    </>
  );
}
