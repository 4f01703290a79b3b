import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { MAX_SERIES_COUNT, MAX_SERIES_EVERY_WEEKS, offeredBy, type PlannedVisit, type Provider, t } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { http, isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { useAppointmentTypes } from './api';
import { OverrideFields } from './OverrideFields';
import { PatientPicker } from './PatientPicker';
import { providerName } from './shared';
import { instantIso, zoned } from './time';

/**
 * Recurring appointments (weekly physiotherapy × 8): plan the series, see each visit free or why
 * not with alternatives, choose, and book them all at once — or none, if one was taken meanwhile.
 */

/** A visit's time and provider (the planned one or an alternative). */
type PlannedSlot = Pick<PlannedVisit, 'providerId' | 'start' | 'end'>;

/** What the receptionist chose for one visit: its planned time, an alternative, or leave it out. */
type Choice = { kind: 'planned' } | { kind: 'alternative'; slot: PlannedSlot } | { kind: 'skip' };

const SKIP = 'skip';
const PLANNED = 'planned';

function initialChoice(visit: PlannedVisit): Choice {
  if (visit.status === 'free') return { kind: 'planned' };
  const first = visit.alternatives[0];
  return first ? { kind: 'alternative', slot: first } : { kind: 'skip' };
}

export function SeriesDialog({ onClose }: { onClose: () => void }) {
  const { clinic } = useSession();
  const types = useAppointmentTypes();
  const providers = useProviders();
  const client = useQueryClient();
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(null);
  const [typeId, setTypeId] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string | null>(null);
  const [date, setDate] = useState('');
  const [time, setTime] = useState('09:00');
  const [everyWeeks, setEveryWeeks] = useState<number | string>(1);
  const [count, setCount] = useState<number | string>(8);
  const [plan, setPlan] = useState<PlannedVisit[] | null>(null);
  const [choices, setChoices] = useState<Choice[]>([]);

  const type = types.data?.find((x) => x.id === typeId);
  const offering = (providers.data ?? []).filter((p: Provider) => p.active && (!type || offeredBy(type, p.id)));

  const planIt = useMutation({
    mutationFn: () =>
      http.post<{ occurrences: PlannedVisit[] }>('/appointments/series/plan', {
        patientId: patient?.id,
        providerId,
        appointmentTypeId: typeId,
        start: instantIso(date, time, clinic.timezone),
        everyWeeks: Number(everyWeeks),
        count: Number(count),
      }),
    onSuccess: (result) => {
      setPlan(result.occurrences);
      setChoices(result.occurrences.map(initialChoice));
    },
  });

  const chosen = (plan ?? []).flatMap((visit, index) => {
    const choice = choices[index];
    if (!choice || choice.kind === 'skip') return [];
    const slot = choice.kind === 'planned' ? visit : choice.slot;
    return [{ start: slot.start, providerId: slot.providerId }];
  });
  const needsOverride = (plan ?? []).some(
    (visit, index) => choices[index]?.kind === 'planned' && visit.status === 'outside_availability',
  );
  const needsOverlapOk = (plan ?? []).some(
    (visit, index) => choices[index]?.kind === 'planned' && visit.status === 'patient_overlap',
  );

  const book = useMutation({
    mutationFn: (reason: string | null) =>
      http.post<{ seriesId: string; items: unknown[] }>('/appointments/series', {
        patientId: patient?.id,
        appointmentTypeId: typeId,
        occurrences: chosen,
        override: reason ? { reason } : null,
        allowPatientOverlap: needsOverlapOk,
      }),
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: ['appointments'] });
      notifySuccess(t('series.booked', { count: String(result.items.length), patient: patient?.name ?? '' }));
      onClose();
    },
  });

  const canPlan = patient && typeId && providerId && /^\d{4}-\d{2}-\d{2}$/.test(date) && /^\d{2}:\d{2}$/.test(time);
  const planError = isApiError(planIt.error) ? planIt.error : null;

  return (
    <Modal opened onClose={onClose} title={t('series.title')} size="xl">
      <Stack>
        {!plan && (
          <>
            <PatientPicker value={patient?.id ?? null} onChange={(id, name) => setPatient({ id, name })} />
            <Group grow>
              <Select
                label={t('schedule.type')}
                data={(types.data ?? []).filter((x) => x.active).map((x) => ({ value: x.id, label: x.name }))}
                value={typeId}
                onChange={setTypeId}
                required
              />
              <Select
                label={t('schedule.provider')}
                data={offering.map((p) => ({ value: p.id, label: providerName(p) }))}
                value={providerId}
                onChange={setProviderId}
                required
              />
            </Group>
            <Group grow align="flex-start">
              <DateField label={t('series.firstDate')} value={date} onChange={setDate} required />
              <TextInput
                label={t('series.time')}
                description={t('series.timeHint', { timezone: clinic.timezone })}
                value={time}
                onChange={(e) => setTime(e.currentTarget.value)}
                placeholder="09:00"
                required
              />
            </Group>
            <Group grow>
              <NumberInput
                label={t('series.everyWeeks')}
                min={1}
                max={MAX_SERIES_EVERY_WEEKS}
                value={everyWeeks}
                onChange={setEveryWeeks}
              />
              <NumberInput label={t('series.count')} min={2} max={MAX_SERIES_COUNT} value={count} onChange={setCount} />
            </Group>
            {planError && (
              <Alert color="red">
                {planError.fields.length ? planError.fields.map((f) => f.message).join(' ') : planError.message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => planIt.mutate()} disabled={!canPlan} loading={planIt.isPending}>
                {t('series.check')}
              </Button>
            </Group>
          </>
        )}
        {plan && (
          <>
            <Text size="sm">
              {t('series.summary', {
                patient: patient?.name ?? '',
                type: type?.name ?? '',
                chosen: String(chosen.length),
                total: String(plan.length),
              })}
            </Text>
            <Table aria-label={t('series.visits')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>#</Table.Th>
                  <Table.Th>{t('series.planned')}</Table.Th>
                  <Table.Th>{t('series.choice')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {plan.map((visit, index) => (
                  <VisitRow
                    key={visit.start}
                    index={index}
                    visit={visit}
                    choice={choices[index]}
                    providers={providers.data ?? []}
                    timezone={clinic.timezone}
                    onChoose={(choice) => setChoices((all) => all.map((c, i) => (i === index ? choice : c)))}
                  />
                ))}
              </Table.Tbody>
            </Table>
            {needsOverride && (
              <OverrideFields
                label={t('series.override')}
                confirm={t('series.bookAll', { count: String(chosen.length) })}
                loading={book.isPending}
                onConfirm={(reason) => book.mutate(reason)}
              />
            )}
            {book.isError && <Alert color="red">{errorMessage(book.error)}</Alert>}
            <Group justify="space-between">
              <Button variant="subtle" onClick={() => setPlan(null)}>
                {t('series.back')}
              </Button>
              <Group>
                <Button variant="default" onClick={onClose}>
                  {t('common.cancel')}
                </Button>
                {!needsOverride && (
                  <Button onClick={() => book.mutate(null)} loading={book.isPending} disabled={chosen.length === 0}>
                    {t('series.bookAll', { count: String(chosen.length) })}
                  </Button>
                )}
              </Group>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}

function VisitRow({
  index,
  visit,
  choice,
  providers,
  timezone,
  onChoose,
}: {
  index: number;
  visit: PlannedVisit;
  choice: Choice | undefined;
  providers: Provider[];
  timezone: string;
  onChoose: (choice: Choice) => void;
}) {
  const when = (slot: PlannedSlot) => {
    const at = zoned(slot.start, timezone);
    return `${formatDate(at.date)} ${at.time}`;
  };
  const label = (slot: PlannedSlot) =>
    slot.providerId === visit.providerId
      ? when(slot)
      : `${when(slot)} · ${providerName(providers.find((p) => p.id === slot.providerId))}`;
  const value =
    choice?.kind === 'alternative'
      ? choice.slot.start + choice.slot.providerId
      : choice?.kind === 'skip'
        ? SKIP
        : PLANNED;
  return (
    <Table.Tr>
      <Table.Td>{index + 1}</Table.Td>
      <Table.Td>
        <Text size="sm">{when(visit)}</Text>
        {visit.status === 'free' ? (
          <Badge color="teal" variant="light">
            {t('series.free')}
          </Badge>
        ) : (
          <Text size="xs" c="red.8">
            {visit.message}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {visit.status === 'free' ? (
          <Text size="sm">{t('series.asPlanned')}</Text>
        ) : (
          <Radio.Group
            aria-label={t('series.choiceFor', { n: String(index + 1) })}
            value={value}
            onChange={(next) => {
              if (next === SKIP) onChoose({ kind: 'skip' });
              else if (next === PLANNED) onChoose({ kind: 'planned' });
              else {
                const slot = visit.alternatives.find((a) => a.start + a.providerId === next);
                if (slot) onChoose({ kind: 'alternative', slot });
              }
            }}
          >
            <Stack gap={4}>
              {visit.alternatives.map((slot) => (
                <Radio key={slot.start + slot.providerId} value={slot.start + slot.providerId} label={label(slot)} />
              ))}
              {(visit.status === 'outside_availability' || visit.status === 'patient_overlap') && (
                <Radio value={PLANNED} label={t('series.keepAnyway')} />
              )}
              <Radio value={SKIP} label={t('series.skip')} />
            </Stack>
          </Radio.Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
