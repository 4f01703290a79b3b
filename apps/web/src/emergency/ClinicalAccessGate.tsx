import { Alert, Button, Modal, Stack, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertOctagon, IconLock } from '@tabler/icons-react';
import { type EmergencyAccessRequest, t, zEmergencyAccessRequest } from '@tend/domain';
import { type ReactNode, useEffect, useState } from 'react';
import { useSession } from '../auth/session';
import { FormFooter } from '../components/FormFooter';
import { focusFirstError, parseWith, saveErrorMessage, zodValidator } from '../components/form';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useClinicalAccess, useRequestEmergencyAccess } from './api';

/** Whole minutes left until `expiresAt` (at least 1 while it lasts), redrawn every 15 seconds. */
function useMinutesLeft(expiresAt: string | null): number | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!expiresAt) return;
    const timer = window.setInterval(() => setTick((tick) => tick + 1), 15_000);
    return () => window.clearInterval(timer);
  }, [expiresAt]);
  if (!expiresAt) return null;
  const left = Date.parse(expiresAt) - Date.now();
  return left > 0 ? Math.ceil(left / 60_000) : 0;
}

function EmergencyAccessDialog({
  patientId,
  opened,
  onClose,
}: {
  patientId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const { clinic } = useSession();
  const request = useRequestEmergencyAccess(patientId);
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { reason: '' },
    validate: zodValidator(zEmergencyAccessRequest, (values: { reason: string }) => values),
  });
  const close = () => {
    form.reset();
    setError(null);
    onClose();
  };
  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      const body: EmergencyAccessRequest = parseWith(zEmergencyAccessRequest, values);
      await request.mutateAsync(body.reason);
      close();
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  }, focusFirstError(form));
  return (
    <Modal opened={opened} onClose={close} title={t('emergency.dialogTitle')} size="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Textarea
            label={t('emergency.reason')}
            description={t('emergency.reasonHint')}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            required
            autosize
            minRows={3}
            data-autofocus
            {...form.getInputProps('reason')}
          />
          <FormFooter
            error={error}
            submitLabel={t('emergency.grantFor', { minutes: clinic.emergencyAccessMinutes })}
            pending={request.isPending}
            onCancel={close}
            cancelLabel={t('emergency.cancel')}
          />
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * The clinical part of a chart, behind the restricted-record rule: a restricted patient's record
 * shows only to their care providers and under an emergency grant (with a red banner and the
 * minutes left); anyone else sees "Restricted record" and, if their role may, "Emergency access".
 */
export function ClinicalAccessGate({ patientId, children }: { patientId: string; children: ReactNode }) {
  const access = useClinicalAccess(patientId);
  const [asking, setAsking] = useState(false);
  const minutesLeft = useMinutesLeft(access.data?.kind === 'emergency' ? access.data.expiresAt : null);
  const ended = minutesLeft === 0;
  const { refetch } = access;
  useEffect(() => {
    if (ended) void refetch();
  }, [ended, refetch]);

  if (access.isPending) return <Loading />;
  if (access.isError) return <ErrorState error={access.error} onRetry={() => void access.refetch()} />;
  const { kind, emergencyAccessAvailable } = access.data;
  if (kind === 'open' || kind === 'care') return <>{children}</>;
  if (kind === 'emergency' && !ended) {
    return (
      <Stack gap="md">
        <Alert
          color="red"
          variant="filled"
          icon={<IconAlertOctagon aria-hidden />}
          role="status"
          data-testid="emergency-banner"
        >
          {t('emergency.banner', { minutes: minutesLeft ?? 0 })}
        </Alert>
        {children}
      </Stack>
    );
  }
  return (
    <>
      <EmptyState
        icon={<IconLock aria-hidden />}
        title={t('emergency.restrictedTitle')}
        description={emergencyAccessAvailable ? t('emergency.restrictedBody') : t('emergency.restrictedNoAccess')}
        action={
          emergencyAccessAvailable && (
            <Button
              color="red"
              leftSection={<IconAlertOctagon size={16} aria-hidden />}
              onClick={() => setAsking(true)}
            >
              {t('emergency.request')}
            </Button>
          )
        }
      />
      <EmergencyAccessDialog patientId={patientId} opened={asking} onClose={() => setAsking(false)} />
    </>
  );
}
