import {
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconCalendarSearch,
  IconChevronLeft,
  IconChevronRight,
  IconListDetails,
  IconPrinter,
  IconRepeat,
  IconStethoscope,
} from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { type FreedTime, type Provider, t, type WaitlistOffer } from '@tend/domain';
import { useCallback, useState } from 'react';
import { useProviders } from '../admin/api';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { DateField } from '../components/DateField';
import { formatDate } from '../components/format';
import { notifyError, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useHeldTime, useReleaseOffer, useWaitlist } from '../waitlist/api';
import { FreedSlots } from '../waitlist/FreedSlots';
import { WaitlistDrawer } from '../waitlist/WaitlistDrawer';
import { AppointmentDialog } from './AppointmentDialog';
import {
  type Appointment,
  type AppointmentType,
  type Override,
  useAppointmentAction,
  useAppointments,
  useAppointmentTypes,
  useReschedule,
  useWorkingTime,
} from './api';
import { BookDialog, type BookPrefill } from './BookDialog';
import { dropStart, openRows, weekDates } from './layout';
import { type LiveStatus, useLiveSchedule } from './live';
import { LocationPicker, useWorkLocation } from './location';
import { type MoveConflict, MoveConflictDialog } from './MoveConflictDialog';
import { PrintableSchedule, type PrintGroup } from './PrintableSchedule';
import { type GridColumn, ScheduleGrid } from './ScheduleGrid';
import { SeriesDialog } from './SeriesDialog';
import { providerName, StatusBadge } from './shared';
import { addDays, instantIso, isDate, longDate, shortDate, zoned } from './time';

type View = 'day' | 'week';

const LIVE_COLORS: Record<LiveStatus, string> = { live: 'teal', connecting: 'yellow', offline: 'red' };

/** Whether this screen is receiving others' changes as they happen. */
function LiveBadge({ status }: { status: LiveStatus }) {
  return (
    <Tooltip label={t('live.hint')}>
      <Badge color={LIVE_COLORS[status]} variant="dot" size="lg" role="status">
        {t(`live.${status}`)}
      </Badge>
    </Tooltip>
  );
}

/** Today's booked and confirmed visits, each with a "Check in" button. */
function Arrivals({
  query,
  types,
  timezone,
  providerNames,
  canWrite,
}: {
  query: ReturnType<typeof useAppointments>;
  types: AppointmentType[];
  timezone: string;
  providerNames: Map<string, string>;
  canWrite: boolean;
}) {
  const act = useAppointmentAction();
  const waiting = (query.data ?? [])
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
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : waiting.length === 0 ? (
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
  const { clinic, today, can, user } = useSession();
  const timezone = clinic.timezone;
  const [view, setView] = useState<View>('day');
  const [date, setDate] = useState(today());
  const [typed, setTyped] = useState(date);
  const [chosenProvider, setChosenProvider] = useState<string | null>(null);
  const [booking, setBooking] = useState<BookPrefill | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [moving, setMoving] = useState<Map<string, { start: string; end: string; providerId: string }>>(new Map());
  const [conflict, setConflict] = useState<MoveConflict | null>(null);
  const canWrite = can('appointment.write');
  const reschedule = useReschedule();
  const [freed, setFreed] = useState<FreedTime[]>([]);
  const [waitlistOpen, setWaitlistOpen] = useState(false);
  const [seriesOpen, setSeriesOpen] = useState(false);
  const live = useLiveSchedule(
    useCallback((time: FreedTime) => {
      if (Date.parse(time.start) > Date.now()) setFreed((all) => [...all, time]);
    }, []),
  );
  const dismissFreed = useCallback((time: FreedTime) => setFreed((all) => all.filter((x) => x !== time)), []);
  const waitlist = useWaitlist();

  const providers = useProviders();
  const types = useAppointmentTypes();
  const work = useWorkLocation();
  const active = (providers.data ?? []).filter((p) => p.active);
  // With more than one location the day shows one at a time (a network's day of every location is
  // 250 providers and more appointments than one screen).
  const dayLocation = work.location;
  // The week shows one provider: the one chosen, else the user's own, else the first.
  const weekProvider: Provider | undefined =
    active.find((p) => p.id === chosenProvider) ?? active.find((p) => p.userId === user.id) ?? active[0];

  const days = view === 'week' ? weekDates(date) : [date];
  const from = instantIso(days[0], '00:00', timezone);
  const to = instantIso(addDays(days[days.length - 1], 1), '00:00', timezone);
  const locationsKnown = work.known;
  const appointments = useAppointments(
    from,
    to,
    view === 'week'
      ? { providerId: weekProvider?.id, enabled: weekProvider !== undefined }
      : { locationId: dayLocation?.id, enabled: locationsKnown },
  );
  const todayFrom = instantIso(today(), '00:00', timezone);
  const todayTo = instantIso(addDays(today(), 1), '00:00', timezone);
  const todays = useAppointments(todayFrom, todayTo, { locationId: dayLocation?.id, enabled: locationsKnown });
  const held = useHeldTime(from, to);
  const release = useReleaseOffer();
  const releaseHold = async (offer: WaitlistOffer) => {
    try {
      await release.mutateAsync(offer.id);
      notifySuccess(t('waitlist.released'));
    } catch (error) {
      notifyError(error);
    }
  };
  const dayLocationId = view === 'day' ? (dayLocation?.id ?? null) : null;
  // The week shows one provider: their working time only (not 250 providers' at a network).
  const availability = useWorkingTime(
    from,
    to,
    view === 'week' ? { providerId: weekProvider?.id } : { locationId: dayLocationId ?? undefined },
  );
  // At one location: the providers working there that day or booked there (outside hours).
  const dayProviders = dayLocation
    ? active.filter(
        (p) =>
          (availability?.get(p.id)?.length ?? 0) > 0 ||
          (appointments.data ?? []).some((a) => a.providerId === p.id && a.status !== 'cancelled'),
      )
    : active;

  const go = (next: string) => {
    setDate(next);
    setTyped(next);
  };
  const step = view === 'week' ? 7 : 1;
  const typeList = types.data ?? [];
  const visible = (appointments.data ?? [])
    .filter((a) => a.status !== 'cancelled')
    .map((a) => {
      const moved = moving.get(a.id);
      return moved ? { ...a, ...moved } : a;
    });
  const open = [...(appointments.data ?? []), ...(todays.data ?? [])].find((a) => a.id === openId) ?? null;
  const providerNames = new Map((providers.data ?? []).map((p) => [p.id, providerName(p)]));

  const columns: GridColumn[] =
    view === 'week'
      ? weekProvider
        ? days.map((day) => ({
            key: day,
            providerId: weekProvider.id,
            date: day,
            title: shortDate(day),
            where: `${providerName(weekProvider)}, ${shortDate(day)}`,
            color: weekProvider.color,
            open: availability ? openRows(availability.get(weekProvider.id) ?? [], day, timezone) : null,
          }))
        : []
      : dayProviders.map((provider) => ({
          key: provider.id,
          providerId: provider.id,
          date,
          title: providerName(provider),
          where: providerName(provider),
          color: provider.color,
          open: availability ? openRows(availability.get(provider.id) ?? [], date, timezone) : null,
        }));

  /** Moves an appointment; the block shows at its new place until the server answered. */
  const moveTo = async (
    appointment: Appointment,
    providerId: string,
    start: string,
    extra: { override?: Override; allowPatientOverlap?: boolean } = {},
  ) => {
    const end = new Date(Date.parse(start) + Date.parse(appointment.end) - Date.parse(appointment.start)).toISOString();
    setMoving((all) => new Map(all).set(appointment.id, { start, end, providerId }));
    try {
      await reschedule.mutateAsync({ id: appointment.id, start, providerId, ...extra });
      const at = zoned(start, timezone);
      notifySuccess(
        t('schedule.done.reschedule', { patient: appointment.patientName, date: formatDate(at.date), time: at.time }),
      );
      setConflict(null);
    } finally {
      // Back to what the server says: the new place after success, the old one (snap back) after a refusal.
      setMoving((all) => {
        const next = new Map(all);
        next.delete(appointment.id);
        return next;
      });
    }
  };

  const drop = async (appointment: Appointment, column: GridColumn, minutes: number, grabRows: number) => {
    const start = dropStart(column.date, minutes, grabRows, timezone);
    if (start === new Date(appointment.start).toISOString() && column.providerId === appointment.providerId) return;
    try {
      await moveTo(appointment, column.providerId, start);
    } catch (error) {
      if (isApiError(error) && (error.code === 'outside_availability' || error.code === 'patient_overlap')) {
        setConflict({ appointment, providerId: column.providerId, start, code: error.code, message: error.message });
      } else {
        notifyError(error, t('schedule.notMoved'));
      }
    }
  };

  const printGroups: PrintGroup[] =
    view === 'week'
      ? days.map((day) => ({
          key: day,
          heading: longDate(day),
          appointments: visible.filter((a) => zoned(a.start, timezone).date === day),
        }))
      : dayProviders.map((provider) => ({
          key: provider.id,
          heading: providerName(provider),
          appointments: visible.filter((a) => a.providerId === provider.id),
        }));
  const title =
    view === 'week'
      ? t('schedule.weekOf', {
          provider: providerName(weekProvider),
          from: shortDate(days[0]),
          to: shortDate(days[6]),
        })
      : dayLocation
        ? t('schedule.dayAt', { date: longDate(date), location: dayLocation.name })
        : longDate(date);

  return (
    <>
      <div className="tend-no-print">
        <PageHeader
          title={t('schedule.title')}
          description={title}
          actions={
            <>
              <LiveBadge status={live} />
              <Button
                variant="default"
                leftSection={<IconListDetails size={18} aria-hidden />}
                onClick={() => setWaitlistOpen(true)}
              >
                {t('waitlist.open', { count: String(waitlist.data?.length ?? 0) })}
              </Button>
              <Button
                variant="default"
                leftSection={<IconPrinter size={18} aria-hidden />}
                onClick={() => window.print()}
                disabled={active.length === 0}
              >
                {t('schedule.print')}
              </Button>
              {can('downtime.print') && (
                <Button
                  component={Link}
                  to="/downtime"
                  variant="default"
                  leftSection={<IconPrinter size={18} aria-hidden />}
                >
                  {t('downtime.fromSchedule')}
                </Button>
              )}
              {canWrite && (
                <Button
                  variant="default"
                  leftSection={<IconRepeat size={18} aria-hidden />}
                  onClick={() => setSeriesOpen(true)}
                >
                  {t('series.open')}
                </Button>
              )}
              {canWrite && (
                <Button
                  leftSection={<IconCalendarSearch size={18} aria-hidden />}
                  onClick={() => setBooking({ providerId: null, date: null, time: null, locationId: dayLocationId })}
                >
                  {t('schedule.findNext')}
                </Button>
              )}
            </>
          }
        />
        <Stack gap="md">
          <FreedSlots freed={freed} onDismiss={dismissFreed} />
          <Arrivals
            query={todays}
            types={typeList}
            timezone={timezone}
            providerNames={providerNames}
            canWrite={canWrite}
          />
          <Group gap="sm" align="flex-end" wrap="wrap">
            <SegmentedControl
              aria-label={t('schedule.view')}
              value={view}
              onChange={(value) => setView(value === 'week' ? 'week' : 'day')}
              data={[
                { value: 'day', label: t('schedule.view.day') },
                { value: 'week', label: t('schedule.view.week') },
              ]}
            />
            {view === 'day' && <LocationPicker work={work} />}
            {view === 'week' && (
              <Select
                label={t('schedule.provider')}
                data={active.map((p) => ({ value: p.id, label: providerName(p) }))}
                value={weekProvider?.id ?? null}
                onChange={setChosenProvider}
                allowDeselect={false}
                searchable
                w={230}
              />
            )}
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
                onClick={() => go(addDays(date, -step))}
                leftSection={<IconChevronLeft size={16} aria-hidden />}
              >
                {t(view === 'week' ? 'schedule.previousWeek' : 'schedule.previousDay')}
              </Button>
              <Button variant="default" onClick={() => go(today())}>
                {t('schedule.today')}
              </Button>
              <Button
                variant="default"
                onClick={() => go(addDays(date, step))}
                rightSection={<IconChevronRight size={16} aria-hidden />}
              >
                {t(view === 'week' ? 'schedule.nextWeek' : 'schedule.nextDay')}
              </Button>
            </Button.Group>
            <Text size="sm" c="dimmed" ml="auto">
              {t('schedule.count', { count: visible.length })}
            </Text>
          </Group>
          {providers.isPending ||
          types.isPending ||
          (appointments.isPending && active.length > 0) ||
          (dayLocation && availability === null) ? (
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
          ) : dayLocation && dayProviders.length === 0 ? (
            <EmptyState
              icon={<IconStethoscope aria-hidden />}
              title={t('schedule.nobodyAt', { location: dayLocation.name })}
              description={t('schedule.nobodyAtHint')}
            />
          ) : (
            <section aria-label={view === 'week' ? title : t('schedule.dayLabel', { date: longDate(date) })}>
              {canWrite && (
                <Text size="xs" c="dimmed" mb={6}>
                  {t('schedule.dragHint')}
                </Text>
              )}
              <ScheduleGrid
                columns={columns}
                timezone={timezone}
                appointments={visible}
                held={held.data ?? []}
                onRelease={canWrite ? (offer) => void releaseHold(offer) : undefined}
                types={typeList}
                canBook={canWrite}
                canMove={canWrite}
                onEmpty={(column, time, inside) =>
                  setBooking({
                    providerId: column.providerId,
                    date: column.date,
                    time,
                    outside: !inside,
                    locationId: dayLocationId,
                  })
                }
                onOpen={(appointment) => setOpenId(appointment.id)}
                onMove={(appointment, column, minutes, grabRows) => void drop(appointment, column, minutes, grabRows)}
              />
            </section>
          )}
        </Stack>
      </div>
      {active.length > 0 && (
        <PrintableSchedule
          clinicName={clinic.name}
          title={title}
          groups={printGroups}
          types={typeList}
          timezone={timezone}
        />
      )}
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
      <WaitlistDrawer opened={waitlistOpen} onClose={() => setWaitlistOpen(false)} />
      {seriesOpen && <SeriesDialog onClose={() => setSeriesOpen(false)} />}
      <MoveConflictDialog
        conflict={conflict}
        timezone={timezone}
        onClose={() => setConflict(null)}
        onRetry={(c, extra) => moveTo(c.appointment, c.providerId, c.start, extra)}
      />
    </>
  );
}
