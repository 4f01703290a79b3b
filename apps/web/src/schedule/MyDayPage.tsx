import { Alert, Anchor, Button, Paper, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCalendarOff, IconLink } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { formatDate } from '../components/format';
import { AnchorLink } from '../components/links';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useEncounters } from '../visits/api';
import { NoteState, OpenVisitButton } from '../visits/OpenVisitButton';
import { AppointmentDialog } from './AppointmentDialog';
import { type Appointment, useAppointments, useAppointmentTypes } from './api';
import { useLiveSchedule } from './live';
import { providerName, StatusBadge } from './shared';
import { addDays, instantIso, longDate, zoned } from './time';

/** Where the patient is: arrived (when), expected, or gone. */
function arrival(appointment: Appointment, timezone: string): string {
  if (appointment.status === 'no_show') return t('schedule.myDay.arrival.noShow');
  if (appointment.status === 'cancelled') return t('schedule.myDay.arrival.cancelled');
  if (appointment.checkedInAt)
    return t('schedule.myDay.arrival.arrived', { time: zoned(appointment.checkedInAt, timezone).time });
  return t('schedule.myDay.arrival.expected');
}

/** A provider's own day: today's patients in order, with who has arrived. */
export function MyDayPage() {
  const { clinic, today, user, can } = useSession();
  const timezone = clinic.timezone;
  const providers = useProviders();
  const types = useAppointmentTypes();
  const [openId, setOpenId] = useState<string | null>(null);
  // Arrivals checked in at the front desk show here at once.
  useLiveSchedule();
  const provider = (providers.data ?? []).find((p) => p.userId === user.id);
  const day = today();
  const appointments = useAppointments(
    instantIso(day, '00:00', timezone),
    instantIso(addDays(day, 1), '00:00', timezone),
    { providerId: provider?.id, enabled: provider !== undefined },
  );
  // The note of each appointment today, and the provider's notes left unsigned over a day.
  const clinical = can('clinical.read');
  const visits = useEncounters({ providerId: clinical ? provider?.id : undefined, date: day });
  const unsigned = useEncounters({ providerId: clinical ? provider?.id : undefined, status: 'in_progress' });
  const visitOf = new Map((visits.data ?? []).map((v) => [v.appointmentId, v]));
  const overdue = (unsigned.data ?? []).filter((v) => v.overdue);
  const typeName = new Map((types.data ?? []).map((type) => [type.id, type.name]));
  const rows = [...(appointments.data ?? [])]
    .filter((a) => a.status !== 'cancelled')
    .sort((a, b) => a.start.localeCompare(b.start));
  const open = rows.find((a) => a.id === openId) ?? null;

  const body = () => {
    if (providers.isPending) return <Loading />;
    if (providers.isError) return <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />;
    if (!provider) {
      return (
        <EmptyState
          icon={<IconLink aria-hidden />}
          title={t('schedule.myDay.notLinked')}
          description={t('schedule.myDay.notLinkedHint')}
          action={
            can('provider.manage') ? (
              <Button component={Link} to="/admin/providers" variant="default">
                {t('schedule.myDay.openProviders')}
              </Button>
            ) : undefined
          }
        />
      );
    }
    if (appointments.isPending) return <Loading />;
    if (appointments.isError) {
      return <ErrorState error={appointments.error} onRetry={() => void appointments.refetch()} />;
    }
    if (rows.length === 0) {
      return (
        <EmptyState
          icon={<IconCalendarOff aria-hidden />}
          title={t('schedule.myDay.empty')}
          description={
            <>
              {t('schedule.myDay.emptyHint')}{' '}
              <Anchor component={Link} to="/schedule">
                {t('schedule.myDay.openSchedule')}
              </Anchor>
            </>
          }
        />
      );
    }
    return (
      <Paper withBorder radius="md" p="md">
        <Table verticalSpacing="xs" fz="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('schedule.time')}</Table.Th>
              <Table.Th>{t('schedule.patient')}</Table.Th>
              <Table.Th>{t('schedule.type')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th>{t('schedule.myDay.arrival')}</Table.Th>
              {clinical && <Table.Th>{t('visit.myDay.note')}</Table.Th>}
              {clinical && <Table.Th>{t('visit.myDay.visit')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((appointment) => (
              <Table.Tr key={appointment.id}>
                <Table.Td>
                  {zoned(appointment.start, timezone).time}–{zoned(appointment.end, timezone).time}
                </Table.Td>
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    fw={600}
                    size="sm"
                    onClick={() => setOpenId(appointment.id)}
                    aria-label={t('schedule.myDay.openNamed', {
                      patient: appointment.patientName,
                      time: zoned(appointment.start, timezone).time,
                    })}
                  >
                    {appointment.patientName}
                  </Anchor>
                </Table.Td>
                <Table.Td>{typeName.get(appointment.appointmentTypeId) ?? ''}</Table.Td>
                <Table.Td>
                  <StatusBadge status={appointment.status} />
                </Table.Td>
                <Table.Td>
                  <Text
                    size="sm"
                    fw={appointment.checkedInAt ? 600 : undefined}
                    c={appointment.checkedInAt ? 'teal.9' : 'dimmed'}
                  >
                    {arrival(appointment, timezone)}
                  </Text>
                </Table.Td>
                {clinical && (
                  <Table.Td>
                    <NoteState visit={visitOf.get(appointment.id)} />
                  </Table.Td>
                )}
                {clinical && (
                  <Table.Td>
                    <OpenVisitButton appointment={appointment} visit={visitOf.get(appointment.id)} />
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    );
  };

  return (
    <>
      <PageHeader
        title={t('schedule.myDay.title')}
        description={[
          longDate(day),
          provider ? providerName(provider) : null,
          provider && rows.length > 0 ? t('schedule.myDay.count', { count: rows.length }) : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      {overdue.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('visit.myDay.overdueTitle', { count: overdue.length })}
          mb="md"
        >
          <Stack gap={2}>
            {overdue.map((v) => (
              <AnchorLink key={v.id} to="/visits/$id" params={{ id: v.id }} size="sm">
                {t('visit.myDay.overdueItem', { patient: v.patientName, date: formatDate(v.serviceDate) })}
              </AnchorLink>
            ))}
          </Stack>
        </Alert>
      )}
      {body()}
      <AppointmentDialog
        appointment={open}
        onClose={() => setOpenId(null)}
        providers={providers.data ?? []}
        types={types.data ?? []}
        timezone={timezone}
        canWrite={can('appointment.write')}
      />
    </>
  );
}
