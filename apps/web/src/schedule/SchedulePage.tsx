import { Button, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconCalendarSearch, IconChevronLeft, IconChevronRight, IconStethoscope } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { AppointmentDialog } from './AppointmentDialog';
import {
  type Appointment,
  type AppointmentType,
  useAppointmentAction,
  useAppointments,
  useAppointmentTypes,
} from './api';
import { BookDialog, type BookPrefill } from './BookDialog';
import { DayGrid } from './DayGrid';
import { providerName, StatusBadge } from './shared';
import { addDays, dayRange, isDate, longDate, zoned } from './time';

/** Today's booked and confirmed visits, each with a "Check in" button. */
function Arrivals({
  appointments,
  types,
  timezone,
  providerNames,
  canWrite,
}: {
  appointments: Appointment[];
  types: AppointmentType[];
  timezone: string;
  providerNames: Map<string, string>;
  canWrite: boolean;
}) {
  const act = useAppointmentAction();
  const waiting = appointments
    .filter((a) => a.status === 'booked' || a.status === 'confirmed')
    .sort((a, b) => a.start.localeCompare(b.start));
  const checkIn = async (appointment: Appointment) => {
    try {
      await act.mutateAsync({ id: appointment.id, action: 'check-in' });
      notifySuccess(t('schedule.done.checkIn', { patient: appointment.patientName }));
    } catch (error) {
      notifyError(error);
    }
  };
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="arrivals-heading">
      <Title order={2} size="h4" id="arrivals-heading" mb="xs">
        {t('schedule.arrivals')}
      </Title>
      {waiting.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('schedule.noArrivals')}
        </Text>
      ) : (
        <Table verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('schedule.time')}</Table.Th>
              <Table.Th>{t('schedule.patient')}</Table.Th>
              <Table.Th>{t('schedule.type')}</Table.Th>
              <Table.Th>{t('schedule.provider')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              {canWrite && (
                <Table.Th>
                  <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {waiting.map((appointment) => (
              <Table.Tr key={appointment.id}>
                <Table.Td>{zoned(appointment.start, timezone).time}</Table.Td>
                <Table.Td fw={600}>{appointment.patientName}</Table.Td>
                <Table.Td>{types.find((type) => type.id === appointment.appointmentTypeId)?.name ?? ''}</Table.Td>
                <Table.Td>{providerNames.get(appointment.providerId) ?? ''}</Table.Td>
                <Table.Td>
                  <StatusBadge status={appointment.status} />
                </Table.Td>
                {canWrite && (
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      onClick={() => void checkIn(appointment)}
                      loading={act.isPending && act.variables?.id === appointment.id}
                      aria-label={t('schedule.checkInNamed', { patient: appointment.patientName })}
                    >
                      {t('schedule.action.checkIn')}
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

export function SchedulePage() {
  const { clinic, today, can } = useSession();
  const timezone = clinic.timezone;
  const [date, setDate] = useState(today());
  const [typed, setTyped] = useState(date);
  const [booking, setBooking] = useState<BookPrefill | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const canWrite = can('appointment.write');

  const providers = useProviders();
  const types = useAppointmentTypes();
  const range = dayRange(date, timezone);
  const appointments = useAppointments(range.from, range.to);
  const todayRange = dayRange(today(), timezone);
  const todays = useAppointments(todayRange.from, todayRange.to);

  const go = (next: string) => {
    setDate(next);
    setTyped(next);
  };
  const active = (providers.data ?? []).filter((p) => p.active);
  const typeList = types.data ?? [];
  const visible = (appointments.data ?? []).filter((a) => a.status !== 'cancelled');
  const open = [...(appointments.data ?? []), ...(todays.data ?? [])].find((a) => a.id === openId) ?? null;
  const providerNames = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));

  return (
    <>
      <PageHeader
        title={t('schedule.title')}
        description={longDate(date)}
        actions={
          canWrite && (
            <Button
              leftSection={<IconCalendarSearch size={18} aria-hidden />}
              onClick={() => setBooking({ providerId: null, date: null, time: null })}
            >
              {t('schedule.findNext')}
            </Button>
          )
        }
      />
      <Stack gap="md">
        <Arrivals
          appointments={todays.data ?? []}
          types={typeList}
          timezone={timezone}
          providerNames={providerNames}
          canWrite={canWrite}
        />
        <Group gap="sm" align="flex-end" wrap="wrap">
          <DateField
            label={t('schedule.date')}
            value={typed}
            onChange={(value) => {
              setTyped(value);
              if (isDate(value)) setDate(value);
            }}
            w={170}
          />
          <Button.Group>
            <Button
              variant="default"
              onClick={() => go(addDays(date, -1))}
              leftSection={<IconChevronLeft size={16} aria-hidden />}
            >
              {t('schedule.previousDay')}
            </Button>
            <Button variant="default" onClick={() => go(today())}>
              {t('schedule.today')}
            </Button>
            <Button
              variant="default"
              onClick={() => go(addDays(date, 1))}
              rightSection={<IconChevronRight size={16} aria-hidden />}
            >
              {t('schedule.nextDay')}
            </Button>
          </Button.Group>
          <Text size="sm" c="dimmed" ml="auto">
            {t('schedule.count', { count: visible.length })}
          </Text>
        </Group>
        {providers.isPending || appointments.isPending || types.isPending ? (
          <Loading />
        ) : providers.isError ? (
          <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
        ) : appointments.isError ? (
          <ErrorState error={appointments.error} onRetry={() => void appointments.refetch()} />
        ) : active.length === 0 ? (
          <EmptyState
            icon={<IconStethoscope aria-hidden />}
            title={t('schedule.noProviders')}
            description={t('schedule.noProvidersHint')}
          />
        ) : (
          <section aria-label={t('schedule.dayLabel', { date: longDate(date) })}>
            <DayGrid
              date={date}
              timezone={timezone}
              providers={active}
              appointments={visible}
              types={typeList}
              canBook={canWrite}
              onEmpty={(providerId, time) => setBooking({ providerId, date, time })}
              onOpen={(appointment) => setOpenId(appointment.id)}
            />
          </section>
        )}
      </Stack>
      <BookDialog
        prefill={booking}
        onClose={() => setBooking(null)}
        onBooked={go}
        providers={active}
        types={typeList}
        timezone={timezone}
      />
      <AppointmentDialog
        appointment={open}
        onClose={() => setOpenId(null)}
        providers={providers.data ?? []}
        types={typeList}
        timezone={timezone}
        canWrite={canWrite}
      />
    </>
  );
}
