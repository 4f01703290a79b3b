import { Badge, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconStethoscope } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { type Appointment, t } from '@tend/domain';
import { useSession } from '../auth/session';
import { ButtonLink } from '../components/links';
import { notifyError } from '../components/notify';
import { useOpenVisit, type VisitListItem } from './api';

/** The state of an appointment's note on My day: not started, in progress, signed (or overdue). */
export function NoteState({ visit }: { visit: VisitListItem | undefined }) {
  if (!visit) {
    return (
      <Text size="sm" c="dimmed">
        {t('visit.myDay.notStarted')}
      </Text>
    );
  }
  if (visit.status === 'signed') {
    return (
      <Badge variant="light" color="green" size="sm" radius="sm">
        {t('visit.status.signed')}
      </Badge>
    );
  }
  return (
    <Group gap={4} wrap="nowrap">
      <Badge variant="light" color="yellow" size="sm" radius="sm">
        {t('visit.status.inProgress')}
      </Badge>
      {visit.overdue && (
        <Badge
          variant="filled"
          color="orange"
          size="sm"
          radius="sm"
          leftSection={<IconAlertTriangle size={10} aria-hidden />}
        >
          {t('visit.myDay.overdue')}
        </Badge>
      )}
    </Group>
  );
}

/**
 * Open visit (a checked-in patient: the visit opens and the appointment starts), Continue visit
 * (in progress) or View visit (signed). Clinical roles only.
 */
export function OpenVisitButton({
  appointment,
  visit,
  onOpened,
}: {
  appointment: Appointment;
  visit: VisitListItem | undefined;
  onOpened?: () => void;
}) {
  const { can } = useSession();
  const open = useOpenVisit();
  const navigate = useNavigate();
  if (!can('clinical.write')) return null;
  if (visit) {
    return (
      <ButtonLink
        to="/visits/$id"
        params={{ id: visit.id }}
        size="xs"
        variant={visit.status === 'signed' ? 'default' : 'light'}
        leftSection={<IconStethoscope size={14} aria-hidden />}
        aria-label={t(visit.status === 'signed' ? 'visit.myDay.viewNamed' : 'visit.myDay.continueNamed', {
          patient: appointment.patientName,
        })}
        onClick={onOpened}
      >
        {visit.status === 'signed' ? t('visit.myDay.view') : t('visit.myDay.continue')}
      </ButtonLink>
    );
  }
  if (appointment.status !== 'checked_in' && appointment.status !== 'in_progress') return null;
  return (
    <Button
      size="xs"
      leftSection={<IconStethoscope size={14} aria-hidden />}
      loading={open.isPending}
      aria-label={t(appointment.status === 'in_progress' ? 'visit.myDay.continueNamed' : 'visit.myDay.openNamed', {
        patient: appointment.patientName,
      })}
      onClick={async () => {
        try {
          const encounter = await open.mutateAsync(appointment.id);
          onOpened?.();
          await navigate({ to: '/visits/$id', params: { id: encounter.id } });
        } catch (error) {
          notifyError(error);
        }
      }}
    >
      {appointment.status === 'in_progress' ? t('visit.myDay.continue') : t('visit.myDay.open')}
    </Button>
  );
}
