import { Button } from '@mantine/core';
import { IconLock, IconLockOpen } from '@tabler/icons-react';
import { type Patient, t } from '@tend/domain';
import { useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { notifySuccess } from '../components/notify';
import { useSetRestricted } from './api';

/** A manager's switch on the chart header: restrict the record to its care providers, or lift it. */
export function RestrictButton({ patient }: { patient: Patient }) {
  const setRestricted = useSetRestricted(patient.id);
  const [confirming, setConfirming] = useState(false);
  const next = !patient.restricted;
  const label = next ? t('emergency.restrict') : t('emergency.unrestrict');
  return (
    <>
      <Button
        variant="default"
        size="xs"
        leftSection={next ? <IconLock size={14} aria-hidden /> : <IconLockOpen size={14} aria-hidden />}
        onClick={() => setConfirming(true)}
      >
        {label}
      </Button>
      <ConfirmDialog
        opened={confirming}
        title={label}
        confirmLabel={label}
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await setRestricted.mutateAsync(next);
          notifySuccess(next ? t('emergency.restricted') : t('emergency.unrestricted'));
        }}
      >
        {next ? t('emergency.restrictConfirm') : t('emergency.unrestrictConfirm')}
      </ConfirmDialog>
    </>
  );
}
