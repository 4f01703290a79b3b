import { Stack } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { type ReactNode, useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import { FormFooter } from './FormFooter';
import { focusFirstError, saveErrorMessage } from './form';

interface RecordFormProps<Values extends { active: boolean }> {
  form: UseFormReturnType<Values>;
  /** The record as it is now is active: switching it off asks first. */
  wasActive: boolean;
  /** Sends the values (and says it worked); the form closes once it resolves. */
  onSave: (values: Values) => Promise<void>;
  onClose: () => void;
  pending: boolean;
  submitLabel: string;
  /** The question asked before deactivating the record. */
  deactivate: { title: string; confirmLabel: string; body: string };
  /** The fields. */
  children: ReactNode;
}

/**
 * The add/edit form of a record that is deactivated rather than deleted (staff, providers,
 * locations, payers): its fields, the server's errors, Cancel and save, and the confirmation
 * before an active record is switched off.
 */
export function RecordForm<Values extends { active: boolean }>({
  form,
  wasActive,
  onSave,
  onClose,
  pending,
  submitLabel,
  deactivate,
  children,
}: RecordFormProps<Values>) {
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Values | null>(null);

  const send = async (values: Values) => {
    setError(null);
    try {
      await onSave(values);
      onClose();
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  };
  const submit = form.onSubmit((values) => {
    if (wasActive && !values.active) setConfirming(values);
    else void send(values);
  }, focusFirstError(form));

  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {children}
          <FormFooter error={error} submitLabel={submitLabel} pending={pending} onCancel={onClose} />
        </Stack>
      </form>
      <ConfirmDialog
        opened={confirming !== null}
        onClose={() => setConfirming(null)}
        title={deactivate.title}
        confirmLabel={deactivate.confirmLabel}
        danger
        onConfirm={() => (confirming ? send(confirming) : undefined)}
      >
        {deactivate.body}
      </ConfirmDialog>
    </>
  );
}
