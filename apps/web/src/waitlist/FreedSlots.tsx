import { Alert, Button, CloseButton, Group, Stack, Text } from '@mantine/core';
import { IconCalendarCheck } from '@tabler/icons-react';
import { type FreedTime, t, type WaitlistEntry } from '@tend/domain';
import { useEffect } from 'react';
import { useProviders } from '../admin/api';
import { useSession } from '../auth/session';
import { notifyError, notifySuccess } from '../components/notify';
import { useAppointmentTypes } from '../schedule/api';
import { providerName } from '../schedule/shared';
import { useBookFromWaitlist, useWaitlistMatches } from './api';
import { whenText } from './WaitlistDrawer';

/**
 * When time frees up (a cancellation, a no-show, a move), the waiting patients it suits, first
 * come first served, with a button to book each into it. Freed times nobody waits for show nothing.
 */
export function FreedSlots({ freed, onDismiss }: { freed: FreedTime[]; onDismiss: (freed: FreedTime) => void }) {
  if (!freed.length) return null;
  return (
    <Stack gap="xs" aria-live="polite">
      {freed.map((time) => (
        <FreedSlot key={`${time.providerId}-${time.start}`} freed={time} onDismiss={() => onDismiss(time)} />
      ))}
    </Stack>
  );
}

function FreedSlot({ freed, onDismiss }: { freed: FreedTime; onDismiss: () => void }) {
  const { clinic, can } = useSession();
  const matches = useWaitlistMatches(freed);
  const providers = useProviders();
  const types = useAppointmentTypes();
  const book = useBookFromWaitlist();
  // Nobody waits for it (or the time has passed): nothing to show.
  useEffect(() => {
    if (matches.isSuccess && matches.data.length === 0) onDismiss();
  }, [matches.isSuccess, matches.data, onDismiss]);
  if (!matches.data?.length) return null;
  const provider = providerName(providers.data?.find((p) => p.id === freed.providerId));
  const when = whenText(freed.start, clinic.timezone);
  const bookEntry = async (entry: WaitlistEntry) => {
    try {
      await book.mutateAsync({ entry, freed });
      notifySuccess(t('waitlist.booked', { patient: entry.patientName, when }));
      onDismiss();
    } catch (error) {
      notifyError(error);
    }
  };
  return (
    <Alert
      color="teal"
      icon={<IconCalendarCheck aria-hidden />}
      title={t('waitlist.freedTitle', { when, provider })}
      role="region"
      aria-label={t('waitlist.freedTitle', { when, provider })}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={6}>
          <Text size="sm">{t('waitlist.freedIntro', { count: String(matches.data.length) })}</Text>
          {matches.data.slice(0, 5).map((entry) => (
            <Group key={entry.id} gap="sm">
              <Text size="sm" fw={600}>
                {entry.patientName}
              </Text>
              <Text size="sm" c="dimmed">
                {types.data?.find((x) => x.id === entry.appointmentTypeId)?.name}
              </Text>
              {can('appointment.write') && (
                <Button size="compact-sm" onClick={() => void bookEntry(entry)} loading={book.isPending}>
                  {t('waitlist.bookInto', { patient: entry.patientName })}
                </Button>
              )}
            </Group>
          ))}
        </Stack>
        <CloseButton aria-label={t('waitlist.dismiss')} onClick={onDismiss} />
      </Group>
    </Alert>
  );
}
