import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { t } from '@tend/domain';
import { useState } from 'react';
import { formatDate } from '../components/format';
import { errorMessage } from '../components/notify';
import type { Appointment, Override } from './api';
import { OverrideFields } from './OverrideFields';
import { zoned } from './time';

/** A drag the server refused with a question attached: outside working hours, or a patient double-booked. */
export interface MoveConflict {
  appointment: Appointment;
  providerId: string;
  start: string;
  code: 'outside_availability' | 'patient_overlap';
  message: string;
}

export function MoveConflictDialog({
  conflict,
  timezone,
  onClose,
  onRetry,
}: {
  conflict: MoveConflict | null;
  timezone: string;
  onClose: () => void;
  /** Try the move again with an override or overlap permission; resolves when done, throws the refusal. */
  onRetry: (conflict: MoveConflict, extra: { override?: Override; allowPatientOverlap?: boolean }) => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const retry = async (extra: { override?: Override; allowPatientOverlap?: boolean }) => {
    if (!conflict) return;
    setBusy(true);
    setError(null);
    try {
      await onRetry(conflict, extra);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  const close = () => {
    setError(null);
    onClose();
  };
  const at = conflict ? zoned(conflict.start, timezone) : null;
  return (
    <Modal opened={conflict !== null} onClose={close} title={t('schedule.notMoved')}>
      {conflict && at && (
        <Stack gap="md">
          <Text size="sm">
            {t('schedule.moveAsked', {
              patient: conflict.appointment.patientName,
              date: formatDate(at.date),
              time: at.time,
            })}
          </Text>
          <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} role="alert">
            {error ?? conflict.message}
          </Alert>
          {conflict.code === 'outside_availability' ? (
            <OverrideFields
              label={t('schedule.override.move')}
              confirm={t('schedule.override.moveConfirm')}
              loading={busy}
              onConfirm={(reason) => void retry({ override: { reason } })}
            />
          ) : (
            <div>
              <Button
                size="xs"
                variant="default"
                loading={busy}
                onClick={() => void retry({ allowPatientOverlap: true })}
              >
                {t('schedule.moveAnyway')}
              </Button>
            </div>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('schedule.keepTime')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
