import { Alert, Badge, Button, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type MfaStatus, t, zMfaDisable } from '@tend/domain';
import { useState } from 'react';
import { api, http } from '../api/client';
import { FormError } from '../components/FormFooter';
import { FormSection } from '../components/FormSection';
import { saveErrorMessage, zodValidator } from '../components/form';
import { notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { MfaEnrolment } from './MfaEnrolment';
import { useSession } from './session';

/** The signed-in person's own two-step sign-in: set it up, see the codes left, turn it off. */
export function AccountSecurityPage() {
  const { setMfaEnabled } = useSession();
  const client = useQueryClient();
  const status = useQuery({ queryKey: ['mfa'], queryFn: () => http.get<MfaStatus>('/auth/mfa') });
  const refresh = () => void client.invalidateQueries({ queryKey: ['mfa'] });
  // The recovery codes stay on screen until the person says they saved them.
  const [enrolling, setEnrolling] = useState(false);

  return (
    <>
      <PageHeader title={t('mfa.title')} description={t('mfa.description')} />
      <Stack gap="lg" maw={720}>
        <FormSection title={t('mfa.title')}>
          {!status.data ? (
            <Loader size="sm" />
          ) : (
            <Stack gap="md">
              <Group gap="sm">
                <Badge color={status.data.enabled ? 'green' : 'gray'} variant="light" data-testid="mfa-status">
                  {status.data.enabled ? t('mfa.statusOn') : t('mfa.statusOff')}
                </Badge>
                {status.data.enabled && !enrolling && (
                  <Text size="sm" c="dimmed">
                    {t('mfa.recoveryLeft', { count: status.data.recoveryCodesLeft })}
                  </Text>
                )}
              </Group>
              {status.data.required && (
                <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
                  {t('mfa.requiredByClinic')}
                </Alert>
              )}
              {(!status.data.enabled || enrolling) && (
                <MfaEnrolment
                  onEnabled={() => {
                    setEnrolling(true);
                    setMfaEnabled(true);
                  }}
                  onDone={() => {
                    setEnrolling(false);
                    refresh();
                  }}
                />
              )}
              {status.data.enabled && !enrolling && !status.data.required && (
                <DisableForm
                  onDisabled={() => {
                    setMfaEnabled(false);
                    refresh();
                  }}
                />
              )}
            </Stack>
          )}
        </FormSection>
      </Stack>
    </>
  );
}

function DisableForm({ onDisabled }: { onDisabled: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const form = useForm({
    initialValues: { password: '', code: '' },
    validate: zodValidator(zMfaDisable, (values: { password: string; code: string }) => values),
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    setPending(true);
    try {
      await api('/auth/mfa/disable', { method: 'POST', body: values });
      notifySuccess(t('mfa.disabled'));
      onDisabled();
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    } finally {
      setPending(false);
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text fw={600}>{t('mfa.disableTitle')}</Text>
        <Text size="sm">{t('mfa.disableBody')}</Text>
        <FormError error={error} />
        <Group gap="sm" align="flex-start">
          <PasswordInput
            label={t('mfa.password')}
            autoComplete="current-password"
            w={240}
            {...form.getInputProps('password')}
          />
          <TextInput
            label={t('mfa.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            w={160}
            {...form.getInputProps('code')}
          />
        </Group>
        <Group>
          <Button type="submit" color="red" variant="light" loading={pending}>
            {t('mfa.disable')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
