import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconCircleCheck, IconInfoCircle, IconSend } from '@tabler/icons-react';
import { Link } from '@tanstack/react-router';
import {
  DEFAULT_SMTP_PORT,
  EMAIL_SECURITY,
  type EmailSecurity,
  type EmailSettingsUpdate,
  type EmailSettingsView,
  type EmailTestResult,
  t,
  zEmailSettingsUpdate,
} from '@tend/domain';
import { useState } from 'react';
import { useSession } from '../auth/session';
import { FormFooter } from '../components/FormFooter';
import { FormSection } from '../components/FormSection';
import { focusFirstError, saveErrorMessage, zodValidator } from '../components/form';
import { errorMessage, notifySuccess } from '../components/notify';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/states';
import { useEmailSettings, useSaveEmailSettings, useSendTestEmail } from './api';

interface EmailValues {
  host: string;
  port: number | string;
  security: EmailSecurity;
  username: string;
  password: string;
  removePassword: boolean;
  fromAddress: string;
  fromName: string;
  enabled: boolean;
}

function toInput(values: EmailValues): EmailSettingsUpdate {
  return {
    host: values.host,
    port: typeof values.port === 'number' ? values.port : Number.NaN,
    security: values.security,
    username: values.username,
    // Empty keeps the stored password; null removes it.
    password: values.removePassword ? null : values.password,
    fromAddress: values.fromAddress,
    fromName: values.fromName,
    enabled: values.enabled,
  };
}

function initialValues(view: EmailSettingsView): EmailValues {
  const s = view.settings;
  return {
    host: s?.host ?? '',
    port: s?.port ?? DEFAULT_SMTP_PORT.starttls,
    security: s?.security ?? 'starttls',
    username: s?.username ?? '',
    password: '',
    removePassword: false,
    fromAddress: s?.fromAddress ?? '',
    fromName: s?.fromName ?? '',
    enabled: s?.enabled ?? true,
  };
}

/** Admin → Email: the clinic's SMTP server, and a test email to prove it works. */
export function EmailSettingsPage() {
  const settings = useEmailSettings();
  return (
    <>
      <PageHeader title={t('emailSettings.title')} description={t('emailSettings.description')} />
      <QueryView query={settings} isEmpty={() => false} empty={null}>
        {(view) => <EmailSettingsForm key={view.settings?.updatedAt ?? 'new'} view={view} />}
      </QueryView>
    </>
  );
}

function DeliveryNotice({ view }: { view: EmailSettingsView }) {
  if (view.delivery === 'smtp' && view.settings) {
    return (
      <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />}>
        {t('emailSettings.delivery.smtp', { host: view.settings.host })}
      </Alert>
    );
  }
  const message =
    view.mode === 'capture'
      ? t('emailSettings.delivery.captureMode')
      : view.settings
        ? t('emailSettings.delivery.captureDisabled')
        : t('emailSettings.delivery.captureNoSettings');
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

function EmailSettingsForm({ view }: { view: EmailSettingsView }) {
  const save = useSaveEmailSettings();
  const [error, setError] = useState<string | null>(null);
  const passwordSet = view.settings?.passwordSet ?? false;
  const form = useForm<EmailValues>({
    initialValues: initialValues(view),
    validate: zodValidator(zEmailSettingsUpdate, toInput),
  });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await save.mutateAsync(toInput(values));
      notifySuccess(t('emailSettings.saved'));
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  }, focusFirstError(form));

  const changeSecurity = (value: string | null) => {
    if (!value) return;
    const security = value as EmailSecurity;
    // Follow with the usual port unless the administrator typed another one.
    if (form.values.port === DEFAULT_SMTP_PORT[form.values.security])
      form.setFieldValue('port', DEFAULT_SMTP_PORT[security]);
    form.setFieldValue('security', security);
  };

  return (
    <Stack gap="lg" maw={880}>
      <DeliveryNotice view={view} />
      <form onSubmit={submit} noValidate aria-label={t('emailSettings.title')}>
        <Stack gap="lg">
          <FormSection title={t('emailSettings.server')}>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
              <TextInput
                label={t('emailSettings.host')}
                placeholder={t('emailSettings.hostHint')}
                required
                autoComplete="off"
                {...form.getInputProps('host')}
              />
              <Select
                label={t('emailSettings.security')}
                data={EMAIL_SECURITY.map((value) => ({ value, label: t(`emailSettings.security.${value}`) }))}
                allowDeselect={false}
                {...form.getInputProps('security')}
                onChange={changeSecurity}
              />
              <NumberInput
                label={t('emailSettings.port')}
                min={1}
                max={65535}
                allowDecimal={false}
                allowNegative={false}
                thousandSeparator={false}
                required
                {...form.getInputProps('port')}
              />
            </SimpleGrid>
            <Text size="xs" c="dimmed" mt={-8}>
              {t('emailSettings.securityHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label={t('emailSettings.username')}
                description={t('emailSettings.usernameHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                autoComplete="off"
                {...form.getInputProps('username')}
              />
              <Stack gap={6}>
                <PasswordInput
                  label={
                    <Group gap={6} component="span">
                      {t('emailSettings.password')}
                      <Badge size="xs" variant="light" color={passwordSet ? 'green' : 'gray'} component="span">
                        {passwordSet ? t('emailSettings.passwordSetBadge') : t('emailSettings.passwordNotSetBadge')}
                      </Badge>
                    </Group>
                  }
                  description={passwordSet ? t('emailSettings.passwordSet') : t('emailSettings.passwordNotSet')}
                  inputWrapperOrder={['label', 'input', 'description', 'error']}
                  autoComplete="new-password"
                  disabled={form.values.removePassword || !form.values.username.trim()}
                  visibilityToggleButtonProps={{ 'aria-label': t('common.showTyped') }}
                  {...form.getInputProps('password')}
                />
                {passwordSet && (
                  <Checkbox
                    label={t('emailSettings.passwordRemove')}
                    size="xs"
                    {...form.getInputProps('removePassword', { type: 'checkbox' })}
                  />
                )}
              </Stack>
            </SimpleGrid>
          </FormSection>
          <FormSection title={t('emailSettings.sender')}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label={t('emailSettings.fromAddress')}
                description={t('emailSettings.fromAddressHint')}
                inputWrapperOrder={['label', 'input', 'description', 'error']}
                type="email"
                required
                {...form.getInputProps('fromAddress')}
              />
              <TextInput
                label={t('emailSettings.fromName')}
                placeholder={t('emailSettings.fromNameHint')}
                {...form.getInputProps('fromName')}
              />
            </SimpleGrid>
            <Switch
              label={t('emailSettings.enabled')}
              description={t('emailSettings.enabledHint')}
              {...form.getInputProps('enabled', { type: 'checkbox' })}
            />
          </FormSection>
          <FormFooter
            error={error}
            submitLabel={t('common.saveChanges')}
            pending={save.isPending}
            onCancel={() => form.setValues(initialValues(view))}
            cancelLabel={t('emailSettings.discard')}
            cancelDisabled={!form.isDirty() || save.isPending}
          />
        </Stack>
      </form>
      <TestEmail dirty={form.isDirty()} saved={view.settings !== null || view.delivery === 'capture'} />
    </Stack>
  );
}

function TestEmail({ dirty, saved }: { dirty: boolean; saved: boolean }) {
  const { user } = useSession();
  const send = useSendTestEmail();
  const [to, setTo] = useState(user.email);
  const [result, setResult] = useState<{ to: string; outcome: EmailTestResult } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setResult(null);
    setError(null);
    try {
      setResult({ to, outcome: await send.mutateAsync(to) });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <FormSection title={t('emailSettings.test')} description={t('emailSettings.testHint')}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('emailSettings.testTo')}
          type="email"
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
          {t('emailSettings.testSend')}
        </Button>
      </Group>
      {dirty && (
        <Text size="sm" c="dimmed">
          {t('emailSettings.saveFirst')}
        </Text>
      )}
      <div aria-live="polite">
        {result?.outcome.ok && (
          <Alert color="green" variant="light" icon={<IconCircleCheck aria-hidden />} role="status">
            {result.outcome.status === 'captured'
              ? t('emailSettings.testCaptured', { to: result.to })
              : t('emailSettings.testSent', { to: result.to })}
          </Alert>
        )}
        {(error || (result && !result.outcome.ok)) && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertCircle aria-hidden />}
            title={t('emailSettings.testFailed')}
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
