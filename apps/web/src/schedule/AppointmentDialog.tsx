import { Alert, Button, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCash } from '@tabler/icons-react';
import { type AppointmentAction, type MessageKey, nextStatus, offeredBy, type Provider, t } from '@tend/domain';
import { useState } from 'react';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { CopayForm } from '../billing/CopayForm';
import { DateField } from '../components/DateField';
import { formatDate, formatDateTime } from '../components/format';
import { errorMessage, notifySuccess } from '../components/notify';
import { OpenVisitButton } from '../visits/OpenVisitButton';
import {
  type Appointment,
  type AppointmentType,
  fetchSlots,
  type Override,
  type Slot,
  useAppointmentAction,
  useReschedule,
  useRooms,
} from './api';
import { OverrideFields } from './OverrideFields';
import { SlotPicker, slotKey } from './SlotPicker';
import { providerName, StatusBadge } from './shared';
import { addDays, instantIso, isDate, laterIso, longDate, zoned } from './time';

const ACTIONS: { action: AppointmentAction; label: MessageKey; done: MessageKey }[] = [
  { action: 'confirm', label: 'schedule.action.confirm', done: 'schedule.done.confirm' },
  { action: 'check-in', label: 'schedule.action.checkIn', done: 'schedule.done.checkIn' },
  { action: 'start', label: 'schedule.action.start', done: 'schedule.done.start' },
  { action: 'complete', label: 'schedule.action.complete', done: 'schedule.done.complete' },
  { action: 'no-show', label: 'schedule.action.noShow', done: 'schedule.done.noShow' },
];

type Mode = 'view' | 'cancel' | 'reschedule' | 'copay';

/** The patient is here (or was): the front desk may take the copay. */
const ARRIVED = new Set(['checked_in', 'in_progress', 'completed']);

/** One appointment: its details and what can happen to it next. */
export function AppointmentDialog({
  appointment,
  onClose,
  providers,
  types,
  timezone,
  canWrite,
}: {
  appointment: Appointment | null;
  onClose: () => void;
  providers: Provider[];
  types: AppointmentType[];
  timezone: string;
  canWrite: boolean;
}) {
  return (
    <Modal opened={appointment !== null} onClose={onClose} title={t('schedule.appointmentTitle')} size="lg">
      {appointment && (
        <AppointmentDetails
          key={appointment.id}
          appointment={appointment}
          onClose={onClose}
          providers={providers}
          types={types}
          timezone={timezone}
          canWrite={canWrite}
        />
      )}
    </Modal>
  );
}

function AppointmentDetails({
  appointment,
  onClose,
  providers,
  types,
  timezone,
  canWrite,
}: {
  appointment: Appointment;
  onClose: () => void;
  providers: Provider[];
  types: AppointmentType[];
  timezone: string;
  canWrite: boolean;
}) {
  const [mode, setMode] = useState<Mode>('view');
  const canPay = useSession().can('payment.post');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const act = useAppointmentAction();
  const reschedule = useReschedule();
  const provider = providers.find((p) => p.id === appointment.providerId);
  const type = types.find((item) => item.id === appointment.appointmentTypeId);
  const rooms = useRooms({ enabled: appointment.roomId !== null });
  const room = rooms.data?.find((r) => r.id === appointment.roomId);
  const start = zoned(appointment.start, timezone);
  const end = zoned(appointment.end, timezone);
  const [date, setDate] = useState(start.date);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [slot, setSlot] = useState<string | null>(null);
  const [loadingSlots, setLoadingSlots] = useState(false);
  const [moveProvider, setMoveProvider] = useState(appointment.providerId);
  const [exactTime, setExactTime] = useState('');
  const [outside, setOutside] = useState(false);
  const exact = /^([01]\d|2[0-3]):[0-5]\d$/.test(exactTime.trim()) ? exactTime.trim() : null;
  const moveProviders = providers.filter(
    (p) => p.id === appointment.providerId || (p.active && type !== undefined && offeredBy(type, p.id)),
  );

  const run = async (action: AppointmentAction, done: MessageKey) => {
    setError(null);
    try {
      await act.mutateAsync({ id: appointment.id, action, reason: action === 'cancel' ? reason.trim() : undefined });
      notifySuccess(t(done, { patient: appointment.patientName }));
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  /** Checks the patient in and keeps the dialog open on the copay form. */
  const checkInWithCopay = async () => {
    setError(null);
    try {
      await act.mutateAsync({ id: appointment.id, action: 'check-in' });
      notifySuccess(t('schedule.done.checkIn', { patient: appointment.patientName }));
      setMode('copay');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const loadSlots = async (day: string, providerId: string = moveProvider) => {
    if (!isDate(day)) return;
    setLoadingSlots(true);
    setError(null);
    try {
      const now = new Date().toISOString();
      const from = instantIso(day, '00:00', timezone);
      const result = await fetchSlots({
        appointmentTypeId: appointment.appointmentTypeId,
        providerId,
        from: laterIso(from, now),
        to: instantIso(addDays(day, 1), '00:00', timezone),
      });
      setSlots(result.filter((item) => item.start !== appointment.start));
      setSlot(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingSlots(false);
    }
  };

  const move = async (override: Override | null = null) => {
    const picked = slots?.find((item) => slotKey(item) === slot);
    // A typed time wins over the open times: it may be outside working hours (then an override).
    const chosen =
      exact && isDate(date)
        ? { start: instantIso(date, exact, timezone), providerId: moveProvider }
        : picked
          ? { start: picked.start, providerId: picked.providerId }
          : null;
    if (!chosen) return;
    setError(null);
    setOutside(false);
    try {
      await reschedule.mutateAsync({
        id: appointment.id,
        start: chosen.start,
        providerId: chosen.providerId,
        override,
      });
      const at = zoned(chosen.start, timezone);
      notifySuccess(
        t('schedule.done.reschedule', { patient: appointment.patientName, date: formatDate(at.date), time: at.time }),
      );
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setOutside(isApiError(err) && err.code === 'outside_availability');
    }
  };

  const stamps: [MessageKey, string | null][] = [
    ['schedule.bookedAt', appointment.bookedAt],
    ['schedule.confirmedAt', appointment.confirmedAt],
    ['schedule.checkedInAt', appointment.checkedInAt],
    ['schedule.startedAt', appointment.startedAt],
    ['schedule.completedAt', appointment.completedAt],
    ['schedule.cancelledAt', appointment.cancelledAt],
    ['schedule.noShowAt', appointment.noShowAt],
  ];
  const canCancel = nextStatus(appointment.status, 'cancel') !== null;
  const canMove = appointment.status === 'booked' || appointment.status === 'confirmed';

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Text fw={700} size="lg">
            {appointment.patientName}
          </Text>
          <Text size="sm">{t('schedule.when', { date: longDate(start.date), start: start.time, end: end.time })}</Text>
          <Text size="sm" c="dimmed">
            {[type?.name, providerName(provider)].filter(Boolean).join(' · ')}
          </Text>
        </div>
        <StatusBadge status={appointment.status} />
      </Group>
      <Table withRowBorders={false} verticalSpacing={2} fz="sm">
        <Table.Tbody>
          {room && (
            <Table.Tr>
              <Table.Th w="40%" fw={500} c="dimmed">
                {t('schedule.room')}
              </Table.Th>
              <Table.Td>{room.name}</Table.Td>
            </Table.Tr>
          )}
          {stamps
            .filter(([, at]) => at)
            .map(([label, at]) => (
              <Table.Tr key={label}>
                <Table.Th w="40%" fw={500} c="dimmed">
                  {t(label)}
                </Table.Th>
                <Table.Td>{formatDateTime(at, timezone)}</Table.Td>
              </Table.Tr>
            ))}
          {appointment.cancelReason && (
            <Table.Tr>
              <Table.Th fw={500} c="dimmed">
                {t('schedule.cancelReason')}
              </Table.Th>
              <Table.Td>{appointment.cancelReason}</Table.Td>
            </Table.Tr>
          )}
          {appointment.notes && (
            <Table.Tr>
              <Table.Th fw={500} c="dimmed">
                {t('schedule.notes')}
              </Table.Th>
              <Table.Td>{appointment.notes}</Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {error && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
          <Stack gap="xs" align="flex-start">
            <span>{error}</span>
            {outside && mode === 'reschedule' && (
              <OverrideFields
                label={t('schedule.override.move')}
                confirm={t('schedule.override.moveConfirm')}
                loading={reschedule.isPending}
                onConfirm={(why) => void move({ reason: why })}
              />
            )}
          </Stack>
        </Alert>
      )}
      {(canWrite || canPay) && mode === 'view' && (
        <Group gap="xs">
          {canWrite && <OpenVisitButton appointment={appointment} visit={undefined} onOpened={onClose} />}
          {canWrite && canPay && nextStatus(appointment.status, 'check-in') !== null && (
            <Button
              variant="light"
              leftSection={<IconCash size={18} aria-hidden />}
              onClick={() => void checkInWithCopay()}
              loading={act.isPending && act.variables?.action === 'check-in'}
            >
              {t('copay.checkInAndTake')}
            </Button>
          )}
          {canPay && ARRIVED.has(appointment.status) && (
            <Button variant="light" leftSection={<IconCash size={18} aria-hidden />} onClick={() => setMode('copay')}>
              {t('copay.takeShort')}
            </Button>
          )}
          {canWrite &&
            ACTIONS.filter(({ action }) => nextStatus(appointment.status, action) !== null).map(
              ({ action, label, done }) => (
                <Button
                  key={action}
                  variant={action === 'check-in' ? 'filled' : 'light'}
                  color={action === 'no-show' ? 'orange' : undefined}
                  onClick={() => void run(action, done)}
                  loading={act.isPending && act.variables?.action === action}
                >
                  {t(label)}
                </Button>
              ),
            )}
          {canWrite && canMove && (
            <Button
              variant="default"
              onClick={() => {
                setMode('reschedule');
                void loadSlots(date);
              }}
            >
              {t('schedule.action.reschedule')}
            </Button>
          )}
          {canWrite && canCancel && (
            <Button variant="subtle" color="red" onClick={() => setMode('cancel')}>
              {t('schedule.action.cancel')}
            </Button>
          )}
        </Group>
      )}
      {mode === 'copay' && (
        <CopayForm
          patientId={appointment.patientId}
          patientName={appointment.patientName}
          serviceDate={start.date}
          onDone={onClose}
        />
      )}
      {mode === 'cancel' && (
        <Stack gap="sm">
          <Text size="sm">{t('schedule.cancelExplain')}</Text>
          <TextInput
            label={t('schedule.cancelReason')}
            required
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setMode('view')}>
              {t('schedule.back')}
            </Button>
            <Button
              color="red"
              disabled={reason.trim().length === 0}
              loading={act.isPending}
              onClick={() => void run('cancel', 'schedule.done.cancel')}
            >
              {t('schedule.cancelConfirm')}
            </Button>
          </Group>
        </Stack>
      )}
      {mode === 'reschedule' && (
        <Stack gap="sm">
          <Group align="flex-end" gap="sm">
            <DateField label={t('schedule.newDate')} value={date} onChange={setDate} style={{ flex: 1 }} />
            <Select
              label={t('schedule.provider')}
              data={moveProviders.map((p) => ({ value: p.id, label: providerName(p) }))}
              value={moveProvider}
              onChange={(value) => {
                if (!value) return;
                setMoveProvider(value);
                void loadSlots(date, value);
              }}
              allowDeselect={false}
              style={{ flex: 1 }}
            />
            <Button variant="default" onClick={() => void loadSlots(date)} loading={loadingSlots}>
              {t('schedule.showTimes')}
            </Button>
          </Group>
          {slots && (
            <SlotPicker
              slots={slots}
              providers={providers}
              timezone={timezone}
              value={slot}
              onChange={setSlot}
              label={t('schedule.newTime')}
              showProvider={false}
            />
          )}
          <TextInput
            type="time"
            label={t('schedule.exactTime')}
            description={t('schedule.exactTimeHint')}
            value={exactTime}
            onChange={(event) => setExactTime(event.currentTarget.value)}
            w={220}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setMode('view')}>
              {t('schedule.back')}
            </Button>
            <Button disabled={!slot && !exact} loading={reschedule.isPending} onClick={() => void move()}>
              {t('schedule.moveConfirm')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
