import { Button, Checkbox, Stack, Text, TextInput } from '@mantine/core';
import { t } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';

/**
 * After the server refused a time as outside the provider's working hours: a receptionist or
 * manager may tick "outside working hours", give a reason (kept in the audit log) and try again.
 */
export function OverrideFields({
  label,
  confirm,
  loading,
  onConfirm,
}: {
  /** The checkbox: "Book outside working hours" or "Move outside working hours". */
  label: string;
  /** The retry button. */
  confirm: string;
  loading: boolean;
  onConfirm: (reason: string) => void;
}) {
  const { can } = useSession();
  const [checked, setChecked] = useState(false);
  const [reason, setReason] = useState('');
  if (!can('appointment.override')) {
    return (
      <Text size="sm" c="dimmed">
        {t('schedule.override.notAllowed')}
      </Text>
    );
  }
  const ready = checked && reason.trim().length >= 3;
  return (
    <Stack gap="xs" w="100%">
      <Checkbox label={label} checked={checked} onChange={(event) => setChecked(event.currentTarget.checked)} />
      {checked && (
        <TextInput
          label={t('schedule.override.reason')}
          description={t('schedule.override.reasonHint')}
          required
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          maxLength={200}
          data-autofocus
        />
      )}
      <div>
        <Button size="xs" disabled={!ready} loading={loading} onClick={() => onConfirm(reason.trim())}>
          {confirm}
        </Button>
      </div>
    </Stack>
  );
}
