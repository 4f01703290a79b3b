import { Alert, Button, Group } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { t } from '@tend/domain';
import type { ReactNode } from 'react';

/** What went wrong with a form that belongs to no one field, above its buttons. */
export function FormError({
  error,
  icon = <IconAlertCircle aria-hidden />,
}: {
  error: string | null;
  icon?: ReactNode;
}) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={icon} role="alert">
      {error}
    </Alert>
  );
}

interface FormFooterProps {
  error: string | null;
  /** The error's icon (none with `null`). */
  errorIcon?: ReactNode;
  submitLabel: string;
  /** The form is being sent: the submit button spins and, by default, Cancel waits. */
  pending: boolean;
  onCancel: () => void;
  cancelLabel?: string;
  cancelDisabled?: boolean;
}

/** The end of a form: its error, then Cancel and the submit button on the right. */
export function FormFooter({
  error,
  errorIcon,
  submitLabel,
  pending,
  onCancel,
  cancelLabel = t('common.cancel'),
  cancelDisabled = pending,
}: FormFooterProps) {
  return (
    <>
      <FormError error={error} icon={errorIcon} />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onCancel} disabled={cancelDisabled}>
          {cancelLabel}
        </Button>
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}
