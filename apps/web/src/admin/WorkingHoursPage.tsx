import { ActionIcon, Alert, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { type MessageKey, t, zWorkingHoursPut } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/states';
import { type ScheduleVersion, useSaveWorkingHours, useWorkingHours, type WorkingBlock } from '../schedule/api';
import { providerName } from '../schedule/shared';
import { ClinicClosures, ProviderExceptions } from './AvailabilityExceptions';
import { useLocations, useProviders } from './api';

const WEEKDAYS: { day: number; label: MessageKey }[] = [
  { day: 1, label: 'schedule.hours.monday' },
  { day: 2, label: 'schedule.hours.tuesday' },
  { day: 3, label: 'schedule.hours.wednesday' },
  { day: 4, label: 'schedule.hours.thursday' },
  { day: 5, label: 'schedule.hours.friday' },
  { day: 6, label: 'schedule.hours.saturday' },
  { day: 7, label: 'schedule.hours.sunday' },
];

/** The version in force now (open-ended), else the latest one. */
function currentBlocks(versions: ScheduleVersion[], locationId: string): WorkingBlock[] {
  const atLocation = versions
    .filter((v) => v.locationId === locationId)
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom));
  const version = atLocation.find((v) => v.validTo === null) ?? atLocation[0];
  return version ? version.blocks.map((b) => ({ ...b })) : [];
}

function HoursEditor({
  providerId,
  locationId,
  versions,
  canManage,
}: {
  providerId: string;
  locationId: string;
  versions: ScheduleVersion[];
  canManage: boolean;
}) {
  const [blocks, setBlocks] = useState<WorkingBlock[]>(() => currentBlocks(versions, locationId));
  const [error, setError] = useState<string | null>(null);
  const save = useSaveWorkingHours(providerId);

  const update = (index: number, patch: Partial<WorkingBlock>) =>
    setBlocks((all) => all.map((block, i) => (i === index ? { ...block, ...patch } : block)));
  const remove = (index: number) => setBlocks((all) => all.filter((_, i) => i !== index));
  const add = (weekday: number) => {
    const same = blocks.filter((b) => b.weekday === weekday);
    const last = same[same.length - 1];
    setBlocks((all) => [
      ...all,
      last ? { weekday, start: last.end, end: '17:00' } : { weekday, start: '08:00', end: '12:00' },
    ]);
  };

  const submit = async () => {
    setError(null);
    const parsed = zWorkingHoursPut.safeParse({ locationId, blocks });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? t('error.unknown'));
      return;
    }
    try {
      await save.mutateAsync({ locationId, blocks: parsed.data.blocks });
      notifySuccess(t('schedule.hours.saved'));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <Paper withBorder radius="md" p="md">
      <Table verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={140}>{t('schedule.hours.weekday')}</Table.Th>
            <Table.Th>{t('schedule.hours.blocks')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {WEEKDAYS.map(({ day, label }) => {
            const dayName = t(label);
            const entries = blocks
              .map((block, index) => ({ block, index }))
              .filter(({ block }) => block.weekday === day);
            return (
              <Table.Tr key={day}>
                <Table.Th scope="row" fw={600}>
                  {dayName}
                </Table.Th>
                <Table.Td>
                  <Group gap="md" wrap="wrap">
                    {entries.length === 0 && (
                      <Text size="sm" c="dimmed">
                        {t('schedule.hours.off')}
                      </Text>
                    )}
                    {entries.map(({ block, index }, n) => (
                      <Group key={index} gap={4} wrap="nowrap">
                        <TextInput
                          type="time"
                          size="xs"
                          w={110}
                          aria-label={t('schedule.hours.start', { day: dayName, n: n + 1 })}
                          value={block.start}
                          onChange={(event) => update(index, { start: event.currentTarget.value })}
                          disabled={!canManage}
                        />
                        <Text size="sm" aria-hidden>
                          –
                        </Text>
                        <TextInput
                          type="time"
                          size="xs"
                          w={110}
                          aria-label={t('schedule.hours.end', { day: dayName, n: n + 1 })}
                          value={block.end}
                          onChange={(event) => update(index, { end: event.currentTarget.value })}
                          disabled={!canManage}
                        />
                        {canManage && (
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t('schedule.hours.remove', { day: dayName, n: n + 1 })}
                            onClick={() => remove(index)}
                          >
                            <IconTrash size={16} aria-hidden />
                          </ActionIcon>
                        )}
                      </Group>
                    ))}
                    {canManage && (
                      <Button
                        size="xs"
                        variant="subtle"
                        leftSection={<IconPlus size={14} aria-hidden />}
                        onClick={() => add(day)}
                        aria-label={t('schedule.hours.addNamed', { day: dayName })}
                      >
                        {t('schedule.hours.add')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {error && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert" mt="md">
          {error}
        </Alert>
      )}
      {canManage && (
        <Group justify="flex-end" mt="md">
          <Button onClick={() => void submit()} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      )}
    </Paper>
  );
}

export function WorkingHoursPage() {
  const { can, clinic, today } = useSession();
  const providers = useProviders();
  const locations = useLocations();
  const [providerId, setProviderId] = useState<string | null>(null);
  const [locationId, setLocationId] = useState<string | null>(null);
  const activeProviders = (providers.data ?? []).filter((p) => p.active);
  const activeLocations = (locations.data ?? []).filter((l) => l.active);
  const provider = providerId ?? activeProviders[0]?.id ?? null;
  const location = locationId ?? activeLocations[0]?.id ?? null;
  const hours = useWorkingHours(provider);
  const zone = activeLocations.find((l) => l.id === location)?.timezone ?? '';

  return (
    <>
      <PageHeader title={t('schedule.hours.title')} description={t('schedule.hours.description')} />
      <Stack gap="md">
        <Group gap="md" align="flex-end">
          <Select
            label={t('schedule.provider')}
            data={activeProviders.map((p) => ({ value: p.id, label: providerName(p) }))}
            value={provider}
            onChange={setProviderId}
            allowDeselect={false}
            searchable
            w={260}
          />
          <Select
            label={t('schedule.hours.location')}
            description={zone ? t('schedule.hours.zone', { zone }) : undefined}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data={activeLocations.map((l) => ({ value: l.id, label: l.name }))}
            value={location}
            onChange={setLocationId}
            allowDeselect={false}
            w={260}
          />
        </Group>
        {providers.isPending || locations.isPending || (provider && hours.isPending) ? (
          <Loading />
        ) : hours.isError ? (
          <ErrorState error={hours.error} onRetry={() => void hours.refetch()} />
        ) : provider && location ? (
          <HoursEditor
            key={`${provider}-${location}-${hours.dataUpdatedAt}`}
            providerId={provider}
            locationId={location}
            versions={hours.data ?? []}
            canManage={can('schedule.manage')}
          />
        ) : (
          <Text c="dimmed">{t('schedule.noProvidersHint')}</Text>
        )}
        {provider && location && zone && (
          <ProviderExceptions
            key={`${provider}-${location}`}
            providerId={provider}
            providerLabel={providerName(activeProviders.find((p) => p.id === provider))}
            locationId={location}
            timezone={zone}
            today={today()}
            canManage={can('schedule.manage')}
          />
        )}
        <ClinicClosures timezone={clinic.timezone} today={today()} canManage={can('schedule.manage')} />
      </Stack>
    </>
  );
}
