import { Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconRefresh } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { type HealthDetails, type HealthLevel, t } from '@tend/domain';
import type { ReactNode } from 'react';
import { http } from '../api/client';
import { useSession } from '../auth/session';
import { formatDateTime } from '../components/format';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/states';

/** Admin → System health: the levels of GET /api/health with the numbers behind them, and what to do. */

const LEVEL = {
  ok: { color: 'green', icon: IconCircleCheck },
  warn: { color: 'orange', icon: IconAlertTriangle },
  fail: { color: 'red', icon: IconCircleX },
} as const;

function formatBytes(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}

/** 3 d 4 h, 2 h 5 min, 12 min, 40 s: how long a server process has run. */
function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${min} min`;
  return min ? `${min} min` : `${seconds} s`;
}

function Check({
  name,
  title,
  level,
  children,
}: {
  name: string;
  title: string;
  level: HealthLevel;
  children: ReactNode;
}) {
  const { color, icon: Icon } = LEVEL[level];
  return (
    <Card
      withBorder
      padding="lg"
      data-check={name}
      data-level={level}
      style={{ borderLeft: `4px solid var(--mantine-color-${color}-6)` }}
    >
      <Group gap="sm" mb="sm" wrap="nowrap">
        <ThemeIcon color={color} variant="light" size="lg" radius="xl" aria-hidden>
          <Icon size={20} />
        </ThemeIcon>
        <div>
          <Text fw={600} component="h2" size="md" m={0}>
            {title}
          </Text>
          {/* The icon and the border carry the colour; the word stays at full contrast. */}
          <Text size="sm" fw={600}>
            {t(`health.level.${level}`)}
          </Text>
        </div>
      </Group>
      <Stack gap={6}>{children}</Stack>
    </Card>
  );
}

const Advice = ({ children }: { children: ReactNode }) => (
  <Text size="sm" fw={600} data-testid="advice">
    {children}
  </Text>
);

export function HealthPage() {
  const { clinic } = useSession();
  const query = useQuery({
    queryKey: ['admin-health'],
    queryFn: () => http.get<HealthDetails>('/admin/health'),
    refetchInterval: 30_000,
  });
  const when = (iso: string) => formatDateTime(iso, clinic.timezone);
  const refresh = (
    <Button
      variant="default"
      leftSection={<IconRefresh size={16} aria-hidden />}
      loading={query.isFetching}
      onClick={() => void query.refetch()}
    >
      {t('health.refresh')}
    </Button>
  );
  return (
    <>
      <PageHeader title={t('health.title')} description={t('health.description')} actions={refresh} />
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <HealthChecks health={query.data} when={when} />
      )}
    </>
  );
}

function HealthChecks({ health, when }: { health: HealthDetails; when: (iso: string) => string }) {
  const { database, migrations, outbox, backup, replica, server } = health.details;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('health.checkedAt', { time: when(health.checkedAt) })}
      </Text>
      <Text size="sm" c="dimmed" data-testid="server-process">
        {t('health.server', {
          pid: server.pid,
          uptime: formatUptime(server.uptimeSeconds),
          rss: server.rssMb,
          heapUsed: server.heapUsedMb,
          heapTotal: server.heapTotalMb,
        })}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Check name="database" title={t('health.database')} level={database.level}>
          <Text size="sm">
            {t('health.database.detail', {
              engine: t(database.kind === 'postgres' ? 'health.database.postgres' : 'health.database.embedded'),
              ms: database.latencyMs,
            })}
          </Text>
        </Check>
        <Check name="migrations" title={t('health.migrations')} level={migrations.level}>
          <Text size="sm">
            {t('health.migrations.detail', {
              applied: migrations.applied,
              expected: migrations.expected,
              latest: migrations.latest ?? '—',
            })}
          </Text>
          {migrations.pending.length > 0 && (
            <Advice>{t('health.migrations.pending', { names: migrations.pending.join(', ') })}</Advice>
          )}
          {migrations.unknown.length > 0 && (
            <Advice>{t('health.migrations.unknown', { names: migrations.unknown.join(', ') })}</Advice>
          )}
        </Check>
        <Check name="outbox" title={t('health.outbox')} level={outbox.level}>
          <Text size="sm">
            {t('health.outbox.detail', {
              due: outbox.due,
              inDelivery: outbox.inDelivery,
              failed: outbox.failedLast24h,
            })}
          </Text>
          {outbox.oldestDueSeconds !== null && (
            <Text size="sm">{t('health.outbox.oldest', { minutes: Math.floor(outbox.oldestDueSeconds / 60) })}</Text>
          )}
          {(outbox.oldestDueSeconds ?? 0) > 15 * 60 && <Advice>{t('health.outbox.stale')}</Advice>}
          {outbox.failedLast24h > 0 && <Advice>{t('health.outbox.failed')}</Advice>}
        </Check>
        <Check name="backup" title={t('health.backup')} level={backup.level}>
          {backup.lastOk ? (
            <>
              <Text size="sm">
                {t('health.backup.lastOk', {
                  time: when(backup.lastOk.finishedAt),
                  size: formatBytes(backup.lastOk.bytes),
                })}
              </Text>
              {backup.lastOk.file && (
                <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {t('health.backup.file', { file: backup.lastOk.file })}
                </Text>
              )}
            </>
          ) : (
            <Text size="sm">{t('health.backup.none')}</Text>
          )}
          {backup.lastFailed && (
            <Text size="sm">
              {t('health.backup.lastFailed', {
                time: when(backup.lastFailed.finishedAt),
                error: backup.lastFailed.error ?? '',
              })}
            </Text>
          )}
          {backup.level !== 'ok' &&
            (backup.lastOk &&
            backup.lastFailed &&
            backup.lastFailed.finishedAt > backup.lastOk.finishedAt &&
            Date.now() - Date.parse(backup.lastOk.finishedAt) <= backup.maxAgeHours * 3_600_000 ? (
              <Advice>{t('health.backup.failedAdvice')}</Advice>
            ) : (
              <Advice>{t('health.backup.advice', { hours: backup.maxAgeHours })}</Advice>
            ))}
        </Check>
        {replica && (
          <Check name="replica" title={t('health.replica')} level={replica.level}>
            {!replica.available ? (
              <Advice>{t('health.replica.unavailable', { error: replica.error ?? '' })}</Advice>
            ) : replica.servesReports ? (
              <Text size="sm">
                {t('health.replica.serving', {
                  seconds: replica.lagSeconds ?? 0,
                  size: formatBytes(replica.lagBytes),
                })}
              </Text>
            ) : replica.standby === false ? null : (
              <Advice>
                {t('health.replica.behind', { seconds: replica.lagSeconds ?? 0, max: replica.maxLagSeconds })}
              </Advice>
            )}
            {replica.replayedAt && (
              <Text size="sm">{t('health.replica.asOf', { time: when(replica.replayedAt) })}</Text>
            )}
            {replica.standby === false && <Advice>{t('health.replica.notStandby')}</Advice>}
          </Check>
        )}
      </SimpleGrid>
    </Stack>
  );
}
