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
  // The change asked for, kept while the dialog closes (the patient changes under it).
  const [target, setTarget] = useState(!patient.restricted);
  const [confirming, setConfirming] = useState(false);
  const labelOf = (restricted: boolean) => (restricted ? t('emergency.restrict') : t('emergency.unrestrict'));
  return (
    <>
      <Button
        variant="default"
        size="xs"
        leftSection={patient.restricted ? <IconLockOpen size={14} aria-hidden /> : <IconLock size={14} aria-hidden />}
        onClick={() => {
          setTarget(!patient.restricted);
          setConfirming(true);
        }}
      >
        {labelOf(!patient.restricted)}
      </Button>
      <ConfirmDialog
        opened={confirming}
        title={labelOf(target)}
        confirmLabel={labelOf(target)}
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          await setRestricted.mutateAsync(target);
          notifySuccess(target ? t('emergency.restricted') : t('emergency.unrestricted'));
        }}
      >
        {target ? t('emergency.restrictConfirm') : t('emergency.unrestrictConfirm')}
      </ConfirmDialog>
    </>
  );
}
