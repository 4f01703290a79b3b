import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconCircleCheck, IconInfoCircle, IconSend } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import { type SmsSettingsUpdate, type SmsSettingsView, type SmsTestResult, t, zSmsSettingsUpdate } from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { FormFooter } from '../components/FormFooter';
import { FormSection } from '../components/FormSection';
import { focusFirstError, saveErrorMessage, zodValidator } from '../components/form';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/states';
import { useSaveSmsSettings, useSendTestSms, useSmsSettings } from './api';

interface SmsValues {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
  enabled: boolean;
}

function toInput(values: SmsValues): SmsSettingsUpdate {
  return {
    baseUrl: values.baseUrl,
    accountSid: values.accountSid,
    // Empty keeps the stored token: it is write-only.
    ...(values.authToken ? { authToken: values.authToken } : {}),
    fromNumber: values.fromNumber,
    enabled: values.enabled,
  };
}

function initialValues(view: SmsSettingsView): SmsValues {
  const s = view.settings;
  return {
    baseUrl: s?.baseUrl ?? 'https://api.twilio.com',
    accountSid: s?.accountSid ?? '',
    authToken: '',
    fromNumber: s?.fromNumber ?? '',
    enabled: s?.enabled ?? true,
  };
}

/** Admin → Text messages: the clinic's SMS gateway, the webhook addresses, and a test text. */
export function SmsSettingsPage() {
  const settings = useSmsSettings();
  return (
    <>
      <PageHeader title={t('smsSettings.title')} description={t('smsSettings.description')} />
      <QueryView query={settings} isEmpty={() => false} empty={null}>
        {(view) => <SmsSettingsForm key={view.settings?.updatedAt ?? 'new'} view={view} />}
      </QueryView>
    </>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function DeliveryNotice({ view }: { view: SmsSettingsView }) {
  if (view.delivery === 'send' && view.settings) {
    return (
      <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />}>
        {t('smsSettings.delivery.send', { number: view.settings.fromNumber, host: hostOf(view.settings.baseUrl) })}
      </Alert>
    );
  }
  const message =
    view.mode === 'capture'
      ? t('smsSettings.delivery.captureMode')
      : view.settings
        ? t('smsSettings.delivery.captureDisabled')
        : t('smsSettings.delivery.captureNoSettings');
  return (
    <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />}>
      <Stack gap={4} align="flex-start">
        <span>{message}</span>
        <Anchor component={Link} to="/admin/outbox" size="sm" c="blue.9" underline="always">
          {t('emailSettings.openOutbox')}
        </Anchor>
      </Stack>
    </Alert>
  );
}

function SmsSettingsForm({ view }: { view: SmsSettingsView }) {
  const save = useSaveSmsSettings();
  const [error, setError] = useState<string | null>(null);
  const tokenSet = view.settings?.tokenSet ?? false;
  const form = useForm<SmsValues>({
    initialValues: initialValues(view),
    validate: zodValidator(zSmsSettingsUpdate, toInput),
  });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await save.mutateAsync(toInput(values));
      notifySuccess(t('smsSettings.saved'));
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  }, focusFirstError(form));

  return (
    <Stack gap="lg" maw={880}>
      <DeliveryNotice view={view} />
      <form onSubmit={submit} noValidate aria-label={t('smsSettings.title')}>
        <Stack gap="lg">
          <FormSection title={t('smsSettings.gateway')}>
            <TextInput
              label={t('smsSettings.baseUrl')}
              description={t('smsSettings.baseUrlHint')}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              required
              autoComplete="off"
              {...form.getInputProps('baseUrl')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label={t('smsSettings.accountSid')}
                required
                autoComplete="off"
                spellCheck={false}
                {...form.getInputProps('accountSid')}
              />
              <PasswordInput
                label={
                  <Group gap={6} component="span">
                    {t('smsSettings.authToken')}
                    <Badge size="xs" variant="light" color={tokenSet ? 'green' : 'gray'} component="span">
                      {tokenSet ? t('smsSettings.tokenSetBadge') : t('smsSettings.tokenNotSetBadge')}
                    </Badge>
                  </Group>
                }
                description={tokenSet ? t('smsSettings.tokenSet') : t('smsSettings.tokenNotSet')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                required={!tokenSet}
                autoComplete="new-password"
                visibilityToggleButtonProps={{ 'aria-label': t('common.showTyped') }}
                {...form.getInputProps('authToken')}
              />
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label={t('smsSettings.fromNumber')}
                description={t('smsSettings.fromNumberHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                placeholder="+15551234567"
                type="tel"
                required
                {...form.getInputProps('fromNumber')}
              />
            </SimpleGrid>
            <Switch
              label={t('smsSettings.enabled')}
              description={t('smsSettings.enabledHint')}
              {...form.getInputProps('enabled', { type: 'checkbox' })}
            />
          </FormSection>
          <FormFooter
            error={error}
            submitLabel={t('common.saveChanges')}
            pending={save.isPending}
            onCancel={() => form.setValues(initialValues(view))}
            cancelLabel={t('smsSettings.discard')}
            cancelDisabled={!form.isDirty() || save.isPending}
          />
        </Stack>
      </form>
      <Webhooks />
      <TestText dirty={form.isDirty()} saved={view.settings !== null || view.delivery === 'capture'} />
    </Stack>
  );
}

function Webhooks() {
  const { clinic } = useSession();
  const base = `${window.location.origin}/api/webhooks/sms/${clinic.id}`;
  const row = (label: string, url: string) => (
    <Stack gap={2}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {url}
      </Code>
    </Stack>
  );
  return (
    <FormSection title={t('smsSettings.webhooks')} description={t('smsSettings.webhooksHint')}>
      {row(t('smsSettings.inboundUrl'), `${base}/inbound`)}
      {row(t('smsSettings.statusUrl'), `${base}/status`)}
    </FormSection>
  );
}

function TestText({ dirty, saved }: { dirty: boolean; saved: boolean }) {
  const send = useSendTestSms();
  const [to, setTo] = useState('');
  const [result, setResult] = useState<{ to: string; outcome: SmsTestResult } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setResult(null);
    setError(null);
    try {
      setResult({ to, outcome: await send.mutateAsync(to.trim()) });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <FormSection title={t('smsSettings.test')} description={t('smsSettings.testHint')}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('smsSettings.testTo')}
          type="tel"
          placeholder="+15551234567"
          value={to}
          onChange={(event) => setTo(event.currentTarget.value)}
          w={{ base: '100%', sm: 340 }}
        />
        <Button
          leftSection={<IconSend size={16} aria-hidden />}
          onClick={run}
          loading={send.isPending}
          disabled={dirty || !saved || !to.trim()}
        >
          {t('smsSettings.testSend')}
        </Button>
      </Group>
      {dirty && (
        <Text size="sm" c="dimmed">
          {t('smsSettings.saveFirst')}
        </Text>
      )}
      <div aria-live="polite">
        {result?.outcome.ok && (
          <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status">
            {result.outcome.status === 'captured'
              ? t('smsSettings.testCaptured', { to: result.to })
              : t('smsSettings.testSent', { to: result.to })}
          </Alert>
        )}
        {(error || (result && !result.outcome.ok)) && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertCircle aria-hidden />}
            title={t('smsSettings.testFailed')}
            role="alert"
          >
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {error ?? result?.outcome.error}
            </Text>
          </Alert>
        )}
      </div>
    </FormSection>
  );
}
