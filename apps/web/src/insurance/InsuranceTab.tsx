import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconId, IconPencil, IconPlus } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { COVERAGE_RANKS, type Coverage, formatCents, t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { EditModal } from '../components/EditModal';
import { formatDate } from '../components/format';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useCoverages, usePayers, useSaveCoverage } from './api';
import { CoverageForm } from './CoverageForm';

type Status = 'active' | 'ended' | 'future';

/** The later of two YYYY-MM-DD dates. */
const laterDate = (a: string, b: string) => (a < b ? b : a);

function statusOf(coverage: Coverage, today: string): Status {
  if (coverage.validFrom > today) return 'future';
  if (coverage.validTo && coverage.validTo < today) return 'ended';
  return 'active';
}

const STATUS_COLOR: Record<Status, string> = { active: 'green', ended: 'gray', future: 'blue' };

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

function CoverageCard({
  coverage,
  status,
  canWrite,
  onEdit,
  onEnd,
}: {
  coverage: Coverage;
  status: Status;
  canWrite: boolean;
  onEdit: () => void;
  onEnd: () => void;
}) {
  const { clinic } = useSession();
  const subscriber =
    coverage.subscriberRelationship === 'self'
      ? t('relationship.self')
      : [coverage.subscriberName, `(${t(`relationship.${coverage.subscriberRelationship}`)})`]
          .filter(Boolean)
          .join(' ');
  return (
    <Paper withBorder radius="md" p="lg" component="article" aria-label={coverage.payerName}>
      <Group justify="space-between" align="flex-start" mb="sm" gap="sm">
        <div>
          <Title order={3} size="h4">
            {coverage.payerName}
          </Title>
          <Group gap={6} mt={4}>
            <Badge variant="light" color="tend">
              {t(`rank.${coverage.rank}`)}
            </Badge>
            <Badge variant="light" color={STATUS_COLOR[status]}>
              {t(`coverage.status.${status}`)}
            </Badge>
          </Group>
        </div>
        {canWrite && (
          <Group gap="xs">
            {status !== 'ended' && !coverage.validTo && (
              <Button variant="subtle" color="gray" size="xs" onClick={onEnd}>
                {t('coverage.end')}
              </Button>
            )}
            <Button
              variant="light"
              size="xs"
              leftSection={<IconPencil size={14} aria-hidden />}
              onClick={onEdit}
              aria-label={t('coverage.editNamed', { payer: coverage.payerName })}
            >
              {t('common.edit')}
            </Button>
          </Group>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" verticalSpacing="sm">
        <Field label={t('coverage.memberId')}>
          <Text span ff="monospace" fw={600}>
            {coverage.memberId}
          </Text>
        </Field>
        <Field label={t('coverage.groupNumber')}>{coverage.groupNumber ?? '—'}</Field>
        <Field label={t('coverage.copay')}>
          {coverage.copayCents === null ? '—' : formatCents(coverage.copayCents, clinic.currency)}
        </Field>
        <Field label={t('coverage.subscriber')}>{subscriber}</Field>
        <Field label={t('coverage.validFrom')}>{formatDate(coverage.validFrom)}</Field>
        <Field label={t('coverage.validTo')}>
          {coverage.validTo ? formatDate(coverage.validTo) : t('coverage.openEnded')}
        </Field>
      </SimpleGrid>
    </Paper>
  );
}

export function InsuranceTab({ patientId }: { patientId: string }) {
  const { can, today } = useSession();
  const coverages = useCoverages(patientId);
  const payers = usePayers();
  const save = useSaveCoverage(patientId);
  const [editing, setEditing] = useState<Coverage | 'new' | null>(null);
  const [ending, setEnding] = useState<Coverage | null>(null);
  const canWrite = can('coverage.write');
  const now = today();

  if (coverages.isPending || payers.isPending) return <Loading />;
  if (coverages.isError) return <ErrorState error={coverages.error} onRetry={() => void coverages.refetch()} />;
  if (payers.isError) return <ErrorState error={payers.error} onRetry={() => void payers.refetch()} />;

  const sorted = [...coverages.data].sort((a, b) => {
    const order = { active: 0, future: 1, ended: 2 };
    const byStatus = order[statusOf(a, now)] - order[statusOf(b, now)];
    return byStatus || COVERAGE_RANKS.indexOf(a.rank) - COVERAGE_RANKS.indexOf(b.rank);
  });
  const taken = new Set(sorted.filter((c) => statusOf(c, now) === 'active').map((c) => c.rank));
  const defaultRank = COVERAGE_RANKS.find((rank) => !taken.has(rank)) ?? 'primary';
  const activePayers = payers.data.filter((p) => p.active);

  const addButton = canWrite && (
    <Button
      leftSection={<IconPlus size={16} aria-hidden />}
      onClick={() => setEditing('new')}
      disabled={activePayers.length === 0}
    >
      {t('coverage.add')}
    </Button>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('coverage.title')}
        </Title>
        {addButton}
      </Group>
      {canWrite && activePayers.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('coverage.noPayers')}{' '}
          {can('payer.manage') && (
            <Anchor component={Link} to="/admin/payers" underline="always">
              {t('coverage.managePayers')}
            </Anchor>
          )}
        </Text>
      )}
      {sorted.length === 0 ? (
        <EmptyState icon={<IconId aria-hidden />} title={t('coverage.none')} description={t('coverage.noneHint')} />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          {sorted.map((coverage) => (
            <CoverageCard
              key={coverage.id}
              coverage={coverage}
              status={statusOf(coverage, now)}
              canWrite={canWrite}
              onEdit={() => setEditing(coverage)}
              onEnd={() => setEnding(coverage)}
            />
          ))}
        </SimpleGrid>
      )}
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        addTitle={t('coverage.addTitle')}
        editTitle={t('coverage.editTitle')}
        size="lg"
      >
        {(coverage) => (
          <CoverageForm
            patientId={patientId}
            payers={payers.data}
            coverage={coverage}
            defaultRank={defaultRank}
            onDone={() => setEditing(null)}
          />
        )}
      </EditModal>
      <ConfirmDialog
        opened={ending !== null}
        onClose={() => setEnding(null)}
        title={t('coverage.endTitle')}
        confirmLabel={t('coverage.end')}
        danger
        onConfirm={() =>
          ending ? save.mutateAsync({ id: ending.id, body: { validTo: laterDate(now, ending.validFrom) } }) : undefined
        }
      >
        {ending &&
          t('coverage.endBody', {
            payer: ending.payerName,
            date: formatDate(laterDate(now, ending.validFrom)),
          })}
      </ConfirmDialog>
    </Stack>
  );
}
