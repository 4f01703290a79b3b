import { Alert, Box, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { appointmentStatusLabel, formatPhone, type OfflineCopy, t } from '@tend/domain';
import { useMemo, useState } from 'react';
import { formatDate } from '../components/format';
import { CHECK_SECONDS } from './connectivity';

/** `HH:MM` of the copy's `takenAt` (ISO with the clinic's offset): clinic time, whatever the device's zone. */
export function copyTime(copy: OfflineCopy): string {
  return copy.takenAt.slice(11, 16);
}

/** The banner on every offline screen: since when the copy is, and that nothing can be changed. */
export function OfflineBanner({
  copy,
  onRetry,
  onSignOut,
}: {
  copy: OfflineCopy | null;
  onRetry: () => void;
  onSignOut: () => void;
}) {
  return (
    <Alert
      color="orange"
      variant="light"
      // Loud but readable: the theme's dark orange text on pale orange, with a bar that stands out.
      style={{ borderLeft: '6px solid var(--mantine-color-orange-filled)' }}
      icon={<IconCloudOff aria-hidden />}
      title={copy ? t('offline.banner', { time: copyTime(copy) }) : t('offline.bannerNoCopy')}
      data-testid="offline-banner"
      role="status"
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          {copy ? t('offline.bannerBody', { time: copyTime(copy) }) : t('offline.bannerBodyNoCopy')}
        </Text>
        <Group gap="sm">
          <Button size="xs" variant="default" onClick={onRetry}>
            {t('offline.retry')}
          </Button>
          <Button size="xs" variant="default" onClick={onSignOut}>
            {t('offline.signOut')}
          </Button>
          <Text size="xs">{t('offline.checking', { seconds: CHECK_SECONDS })}</Text>
        </Group>
      </Stack>
    </Alert>
  );
}

/** What the app shows instead of its screens while the server cannot be reached. */
export function OfflineView({
  copy,
  onRetry,
  onSignOut,
}: {
  copy: OfflineCopy | null;
  onRetry: () => void;
  /** Ends the session here (as far as the server can be told) and deletes the copy. */
  onSignOut: () => void;
}) {
  return (
    <Box p="md" maw={1200} mx="auto" component="main">
      <Stack gap="md">
        <OfflineBanner copy={copy} onRetry={onRetry} onSignOut={onSignOut} />
        {copy && <OfflineSchedule copy={copy} />}
      </Stack>
    </Box>
  );
}

/** Today's or tomorrow's appointments, per provider, with each patient's phones: read-only. */
function OfflineSchedule({ copy }: { copy: OfflineCopy }) {
  const [day, setDay] = useState(copy.days[0]);
  const patients = useMemo(() => new Map(copy.patients.map((p) => [p.id, p])), [copy]);
  const ofDay = copy.appointments.filter((a) => a.date === day);
  const providers = copy.providers
    .map((provider) => ({ ...provider, items: ofDay.filter((a) => a.providerId === provider.id) }))
    .filter((provider) => provider.items.length > 0);

  return (
    <Stack gap="md">
      <div>
        <Title order={1}>{t('offline.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('offline.clinic', {
            clinic: [copy.clinicName, copy.locationName].filter(Boolean).join(' · '),
            timezone: copy.timezone,
          })}
        </Text>
      </div>
      <SegmentedControl
        aria-label={t('offline.chooseDay')}
        value={day}
        onChange={setDay}
        data={[
          { value: copy.days[0], label: t('offline.dayToday', { date: formatDate(copy.days[0]) }) },
          { value: copy.days[1], label: t('offline.dayTomorrow', { date: formatDate(copy.days[1]) }) },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      {providers.length === 0 && <Text c="dimmed">{t('offline.noAppointments')}</Text>}
      {providers.map((provider) => (
        <section key={provider.id} aria-labelledby={`offline-provider-${provider.id}`}>
          <Group justify="space-between" align="baseline" mb="xs">
            <Title order={2} size="h3" id={`offline-provider-${provider.id}`}>
              {provider.name}
            </Title>
            <Text size="sm" c="dimmed">
              {provider.items.length === 1
                ? t('offline.appointmentCountOne')
                : t('offline.appointmentCount', { count: provider.items.length })}
            </Text>
          </Group>
          <Table.ScrollContainer minWidth={720}>
            <Table striped withTableBorder verticalSpacing="xs" aria-labelledby={`offline-provider-${provider.id}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('offline.column.time')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.patient')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.birthDate')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.phones')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.type')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.room')}</Table.Th>
                  <Table.Th scope="col">{t('offline.column.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {provider.items.map((appointment) => {
                  const patient = patients.get(appointment.patientId);
                  const gone = appointment.status === 'cancelled' || appointment.status === 'no_show';
                  return (
                    <Table.Tr key={appointment.id} c={gone ? 'dimmed' : undefined}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {appointment.start}–{appointment.end}
                      </Table.Td>
                      <Table.Td>
                        <Text fw={600} size="sm" td={gone ? 'line-through' : undefined}>
                          {patient?.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('offline.mrn', { mrn: patient?.mrn ?? '' })}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(patient?.birthDate)}</Table.Td>
                      <Table.Td>
                        {patient?.phones.length ? (
                          patient.phones.map((phone) => (
                            <Text key={`${phone.use}-${phone.number}`} size="sm" style={{ whiteSpace: 'nowrap' }}>
                              {formatPhone(phone.number)}{' '}
                              <Text span size="xs" c="dimmed">
                                {t(`phoneUse.${phone.use}`)}
                              </Text>
                            </Text>
                          ))
                        ) : (
                          <Text size="sm" c="dimmed">
                            {t('offline.noPhone')}
                          </Text>
                        )}
                        {patient?.email && (
                          <Text size="xs" c="dimmed">
                            {patient.email}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{appointment.typeName}</Table.Td>
                      <Table.Td>{appointment.roomName ?? '—'}</Table.Td>
                      <Table.Td>{appointmentStatusLabel(appointment.status)}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
      ))}
    </Stack>
  );
}
