import { Alert, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconTrash } from '@tabler/icons-react';
import { t, zExtraHoursCreate, zTimeOffCreate } from '@tend/domain';
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { DateField } from '../components/DateField';
import { formatDate } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { ErrorState, Loading } from '../components/states';
import {
  useAddExtraHours,
  useAddTimeOff,
  useClinicClosures,
  useExtraHours,
  useRemoveExtraHours,
  useRemoveTimeOff,
  useTimeOff,
} from '../schedule/api';
import { addDays, instantIso, isDate, zoned } from '../schedule/time';

/**
 * One-off changes to the weekly hours: a provider's extra hours (a Saturday clinic) and time off
 * (a vacation), and the clinic's closures (holidays). Open slots follow them at once. They are
 * listed from today on; managers add and remove them (appointments already booked stay).
 */

/** "Mar 3, 2026, 09:00–13:00" or "Mar 3, 2026, 00:00 – Mar 5, 2026, 00:00", in `timezone`. */
function span(start: string, end: string, timezone: string): string {
  const a = zoned(start, timezone);
  const b = zoned(end, timezone);
  if (a.date === b.date) return `${formatDate(a.date)}, ${a.time}–${b.time}`;
  if (a.time === '00:00' && b.time === '00:00') {
    const last = addDays(b.date, -1);
    return last === a.date
      ? t('schedule.exceptions.wholeDay', { date: formatDate(a.date) })
      : `${formatDate(a.date)} – ${formatDate(last)}`;
  }
  return `${formatDate(a.date)}, ${a.time} – ${formatDate(b.date)}, ${b.time}`;
}

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label={title}>
      <Title order={2} size="h4">
        {title}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        {hint}
      </Text>
      {children}
    </Paper>
  );
}

function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
      {error}
    </Alert>
  );
}

/** A Remove button that asks first; appointments already booked in that time are kept. */
function RemoveAction({ what, onRemove }: { what: string; onRemove: () => Promise<unknown> }) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <Button
        size="compact-sm"
        variant="subtle"
        color="red"
        leftSection={<IconTrash size={14} aria-hidden />}
        onClick={() => setAsking(true)}
        aria-label={t('schedule.exceptions.removeNamed', { what })}
      >
        {t('schedule.exceptions.remove')}
      </Button>
      <ConfirmDialog
        opened={asking}
        title={t('schedule.exceptions.removeNamed', { what })}
        confirmLabel={t('schedule.exceptions.remove')}
        danger
        onConfirm={async () => {
          await onRemove();
          notifySuccess(t('schedule.exceptions.removed'));
        }}
        onClose={() => setAsking(false)}
      >
        {t('schedule.exceptions.removeHint')}
      </ConfirmDialog>
    </>
  );
}

/** Time off of a provider, or (providerId null) a clinic closure: from a date (and time) to a date (and time). */
function TimeOffForm({ providerId, timezone, today }: { providerId: string | null; timezone: string; today: string }) {
  const [fromDate, setFromDate] = useState(today);
  const [fromTime, setFromTime] = useState('');
  const [toDate, setToDate] = useState(today);
  const [toTime, setToTime] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = useAddTimeOff();
  const what = providerId ? 'schedule.timeOff' : 'schedule.closures';

  const submit = async () => {
    setError(null);
    if (!isDate(fromDate) || !isDate(toDate)) {
      setError(t('validation.date'));
      return;
    }
    // No start time: from the start of the day; no end time: to the end of the last day.
    const start = instantIso(fromDate, fromTime || '00:00', timezone);
    const end = toTime ? instantIso(toDate, toTime, timezone) : instantIso(addDays(toDate, 1), '00:00', timezone);
    const parsed = zTimeOffCreate.safeParse({ start, end, reason });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? t('error.unknown'));
      return;
    }
    try {
      await add.mutateAsync({ providerId, ...parsed.data });
      notifySuccess(t(providerId ? 'schedule.timeOff.added' : 'schedule.closures.added'));
      setReason('');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <Stack gap="xs" mt="sm">
      <Group gap="sm" align="flex-start" wrap="wrap">
        <DateField label={t(`${what}.from`)} value={fromDate} onChange={setFromDate} w={150} required />
        <TextInput
          type="time"
          label={t('schedule.exceptions.startTime')}
          description={t('schedule.exceptions.startTimeHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          value={fromTime}
          onChange={(event) => setFromTime(event.currentTarget.value)}
          w={130}
        />
        <DateField label={t(`${what}.to`)} value={toDate} onChange={setToDate} w={150} required />
        <TextInput
          type="time"
          label={t('schedule.exceptions.endTime')}
          description={t('schedule.exceptions.endTimeHint')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          value={toTime}
          onChange={(event) => setToTime(event.currentTarget.value)}
          w={130}
        />
        <TextInput
          label={t('schedule.exceptions.reason')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          maxLength={200}
          style={{ flex: 1, minWidth: 180 }}
        />
      </Group>
      <FormError error={error} />
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => void submit()} loading={add.isPending}>
          {t(`${what}.add`)}
        </Button>
      </Group>
    </Stack>
  );
}

function TimeOffList({
  items,
  timezone,
  empty,
  label,
  canManage,
}: {
  items: { id: string; start: string; end: string; reason: string }[];
  timezone: string;
  empty: string;
  label: string;
  canManage: boolean;
}) {
  const remove = useRemoveTimeOff();
  if (items.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <Table verticalSpacing={4} fz="sm" aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('schedule.exceptions.when')}</Table.Th>
          <Table.Th>{t('schedule.exceptions.reason')}</Table.Th>
          {canManage && <Table.Th>{t('common.actions')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...items]
          .sort((a, b) => a.start.localeCompare(b.start))
          .map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{span(item.start, item.end, timezone)}</Table.Td>
              <Table.Td>{item.reason}</Table.Td>
              {canManage && (
                <Table.Td>
                  <RemoveAction
                    what={span(item.start, item.end, timezone)}
                    onRemove={() => remove.mutateAsync(item.id)}
                  />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
      </Table.Tbody>
    </Table>
  );
}

/** Extra hours and time off of one provider, at the chosen location's time zone. */
export function ProviderExceptions({
  providerId,
  providerLabel,
  locationId,
  timezone,
  today,
  canManage,
}: {
  providerId: string;
  providerLabel: string;
  locationId: string;
  timezone: string;
  today: string;
  canManage: boolean;
}) {
  const from = instantIso(today, '00:00', timezone);
  const extra = useExtraHours(providerId, { from });
  const off = useTimeOff(providerId, { from });
  const addExtra = useAddExtraHours();
  const removeExtra = useRemoveExtraHours();
  const [date, setDate] = useState(today);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('13:00');
  const [error, setError] = useState<string | null>(null);

  const submitExtra = async () => {
    setError(null);
    if (!isDate(date) || !start || !end) {
      setError(t('validation.time'));
      return;
    }
    const parsed = zExtraHoursCreate.safeParse({
      locationId,
      start: instantIso(date, start, timezone),
      end: instantIso(date, end, timezone),
    });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? t('error.unknown'));
      return;
    }
    try {
      await addExtra.mutateAsync({ providerId, ...parsed.data });
      notifySuccess(t('schedule.extra.added'));
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  const ownTimeOff = (off.data ?? []).filter((item) => item.providerId === providerId);
  return (
    <>
      <Section title={t('schedule.extra.title', { provider: providerLabel })} hint={t('schedule.extra.hint')}>
        {extra.isPending ? (
          <Loading />
        ) : extra.isError ? (
          <ErrorState error={extra.error} onRetry={() => void extra.refetch()} />
        ) : extra.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('schedule.extra.none')}
          </Text>
        ) : (
          <Table verticalSpacing={4} fz="sm" aria-label={t('schedule.extra.title', { provider: providerLabel })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('schedule.exceptions.when')}</Table.Th>
                {canManage && <Table.Th>{t('common.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {[...extra.data]
                .sort((a, b) => a.start.localeCompare(b.start))
                .map((item) => (
                  <Table.Tr key={item.id}>
                    <Table.Td>{span(item.start, item.end, timezone)}</Table.Td>
                    {canManage && (
                      <Table.Td>
                        <RemoveAction
                          what={span(item.start, item.end, timezone)}
                          onRemove={() => removeExtra.mutateAsync({ providerId, id: item.id })}
                        />
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        )}
        {canManage && (
          <Stack gap="xs" mt="sm">
            <Group gap="sm" align="flex-end" wrap="wrap">
              <DateField label={t('schedule.extra.date')} value={date} onChange={setDate} w={150} required />
              <TextInput
                type="time"
                label={t('schedule.extra.start')}
                value={start}
                onChange={(event) => setStart(event.currentTarget.value)}
                w={130}
                required
              />
              <TextInput
                type="time"
                label={t('schedule.extra.end')}
                value={end}
                onChange={(event) => setEnd(event.currentTarget.value)}
                w={130}
                required
              />
              <Button
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => void submitExtra()}
                loading={addExtra.isPending}
              >
                {t('schedule.extra.add')}
              </Button>
            </Group>
            <FormError error={error} />
          </Stack>
        )}
      </Section>
      <Section title={t('schedule.timeOff.title', { provider: providerLabel })} hint={t('schedule.timeOff.hint')}>
        {off.isPending ? (
          <Loading />
        ) : off.isError ? (
          <ErrorState error={off.error} onRetry={() => void off.refetch()} />
        ) : (
          <TimeOffList
            items={ownTimeOff}
            timezone={timezone}
            empty={t('schedule.timeOff.none')}
            label={t('schedule.timeOff.title', { provider: providerLabel })}
            canManage={canManage}
          />
        )}
        {canManage && <TimeOffForm providerId={providerId} timezone={timezone} today={today} />}
      </Section>
    </>
  );
}

/** The clinic's closures (holidays): nobody can be booked then. */
export function ClinicClosures({
  timezone,
  today,
  canManage,
}: {
  timezone: string;
  today: string;
  canManage: boolean;
}) {
  const closures = useClinicClosures({ from: instantIso(today, '00:00', timezone) });
  return (
    <Section title={t('schedule.closures.title')} hint={t('schedule.closures.hint', { zone: timezone })}>
      {closures.isPending ? (
        <Loading />
      ) : closures.isError ? (
        <ErrorState error={closures.error} onRetry={() => void closures.refetch()} />
      ) : (
        <TimeOffList
          items={closures.data}
          timezone={timezone}
          empty={t('schedule.closures.none')}
          label={t('schedule.closures.title')}
          canManage={canManage}
        />
      )}
      {canManage && <TimeOffForm providerId={null} timezone={timezone} today={today} />}
    </Section>
  );
}
