import {
  Button,
  Code,
  Divider,
  Group,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { type DemoSignIns, t, zClinicSetup } from '@tend/domain';
import { useState } from 'react';
import { api } from '../api/client';
import type { Session } from '../auth/session';
import { AddressFields, type AddressValues, addressToInput, emptyAddress } from '../components/AddressFields';
import { CenteredCard } from '../components/CenteredCard';
import { FormError } from '../components/FormFooter';
import { focusFirstError, saveErrorMessage, zodValidator } from '../components/form';
import { Heading } from '../components/Heading';
import { errorMessage } from '../components/notify';
import { browserTimeZone, CountrySelect, CurrencySelect, TimeZoneSelect } from '../components/selects';
import { useDocumentTitle } from '../components/useDocumentTitle';

interface SetupValues {
  clinicName: string;
  timezone: string;
  country: string;
  currency: string;
  address: AddressValues;
  adminName: string;
  adminEmail: string;
  adminPassword: string;
  confirmPassword: string;
  setupCode: string;
}

function toInput(values: SetupValues) {
  return {
    clinicName: values.clinicName,
    timezone: values.timezone,
    country: values.country,
    currency: values.currency,
    address: addressToInput({ ...values.address, country: values.country }),
    adminName: values.adminName,
    adminEmail: values.adminEmail,
    adminPassword: values.adminPassword,
    setupCode: values.setupCode.trim() || null,
  };
}

/**
 * "Just looking?": the fresh install's demo, a training clinic full of mock data, with a sign-in
 * per role. It becomes the real clinic's training clinic once the form below is sent.
 */
function ExploreTraining({
  demo: initial,
  setupCode,
  codeRequired,
  onDone,
}: {
  demo: DemoSignIns | null;
  setupCode: string;
  codeRequired: boolean;
  onDone: (session: Session) => void;
}) {
  const [demo, setDemo] = useState(initial);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (key: string, action: () => Promise<void>) => {
    setBusy(key);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };
  const explore = () =>
    run('create', async () => {
      if (codeRequired && !setupCode.trim()) throw new Error(t('setup.demoCodeFirst'));
      setDemo(
        await api<DemoSignIns>('/setup/training', {
          method: 'POST',
          body: { timezone: browserTimeZone(), setupCode: setupCode.trim() || null },
          authFlow: true,
        }),
      );
    });
  const signIn = (email: string) =>
    run(email, async () => {
      if (!demo) return;
      onDone(
        await api<Session>('/auth/sign-in', {
          method: 'POST',
          body: { email, password: demo.password },
          authFlow: true,
        }),
      );
    });
  return (
    <Paper withBorder p="md" radius="md" bg="grape.0" data-testid="explore-training">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('setup.demoTitle')}
        </Title>
        <Text size="sm">{t('setup.demoBody')}</Text>
        {demo ? (
          <>
            <Text size="sm">
              {t('setup.demoSignIns')}
              <Code>{demo.password}</Code>
            </Text>
            <Stack gap="xs">
              {demo.signIns.map((account) => (
                <Group key={account.email} justify="space-between" wrap="nowrap">
                  <Text size="sm">
                    <Code>{account.email}</Code>
                  </Text>
                  <Button
                    size="compact-sm"
                    variant="light"
                    color="grape"
                    loading={busy === account.email}
                    onClick={() => void signIn(account.email)}
                  >
                    {t('setup.demoSignInAs', { role: t(`role.${account.role}`) })}
                  </Button>
                </Group>
              ))}
            </Stack>
          </>
        ) : (
          <Group>
            <Button color="grape" loading={busy === 'create'} onClick={() => void explore()}>
              {t('setup.demoButton')}
            </Button>
          </Group>
        )}
        <FormError error={error} />
      </Stack>
    </Paper>
  );
}

/** First run: the clinic and its first administrator, then straight into the app. */
export function SetupPage({
  codeRequired,
  demo,
  onDone,
}: {
  codeRequired: boolean;
  demo: DemoSignIns | null;
  onDone: (session: Session) => void;
}) {
  useDocumentTitle(t('setup.title'));
  const [error, setError] = useState<string | null>(null);
  const form = useForm<SetupValues>({
    initialValues: {
      clinicName: '',
      timezone: browserTimeZone(),
      country: 'US',
      currency: 'USD',
      address: emptyAddress('US'),
      adminName: '',
      adminEmail: '',
      adminPassword: '',
      confirmPassword: '',
      setupCode: '',
    },
    validate: zodValidator(zClinicSetup, toInput, {
      extra: (_input, values) =>
        values.confirmPassword !== values.adminPassword
          ? [{ path: 'confirmPassword', message: t('setup.passwordMismatch') }]
          : [],
    }),
  });

  const submit = form.onSubmit(async (values) => {
    setError(null);
    try {
      await api('/setup', { method: 'POST', body: toInput(values), authFlow: true });
      const session = await api<Session>('/auth/session', { authFlow: true });
      onDone(session);
    } catch (caught) {
      setError(saveErrorMessage(form, caught));
    }
  }, focusFirstError(form));

  return (
    <CenteredCard width={680}>
      <form onSubmit={submit} noValidate>
        <Stack gap="lg">
          <Heading order={1} size="h2" title={t('setup.title')} description={t('setup.subtitle')} gap={4} />
          <ExploreTraining demo={demo} setupCode={form.values.setupCode} codeRequired={codeRequired} onDone={onDone} />

          <Stack gap="md">
            <Title order={2} size="h4">
              {t('setup.clinicSection')}
            </Title>
            <TextInput label={t('setup.clinicName')} required autoFocus {...form.getInputProps('clinicName')} />
            <TimeZoneSelect
              label={t('setup.timezone')}
              description={t('setup.timezoneHint')}
              required
              {...form.getInputProps('timezone')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <CountrySelect label={t('setup.country')} required {...form.getInputProps('country')} />
              <CurrencySelect label={t('setup.currency')} required {...form.getInputProps('currency')} />
            </SimpleGrid>
          </Stack>

          <Divider />
          <Stack gap="md">
            <Heading order={2} size="h4" title={t('setup.addressSection')} description={t('setup.addressHint')} />
            <AddressFields
              field={(name) => form.getInputProps(`address.${name}`)}
              country={form.values.country}
              withCountry={false}
            />
          </Stack>

          <Divider />
          <Stack gap="md">
            <Heading order={2} size="h4" title={t('setup.adminSection')} description={t('setup.adminHint')} />
            <TextInput label={t('setup.adminName')} required {...form.getInputProps('adminName')} />
            <TextInput
              label={t('setup.adminEmail')}
              type="email"
              autoComplete="username"
              required
              {...form.getInputProps('adminEmail')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <PasswordInput
                label={t('setup.adminPassword')}
                description={t('setup.passwordHint')}
                autoComplete="new-password"
                required
                {...form.getInputProps('adminPassword')}
              />
              <PasswordInput
                label={t('setup.confirmPassword')}
                autoComplete="new-password"
                required
                {...form.getInputProps('confirmPassword')}
              />
            </SimpleGrid>
          </Stack>

          {codeRequired && (
            <>
              <Divider />
              <TextInput
                label={t('setup.code')}
                description={t('setup.codeHint')}
                autoComplete="off"
                required
                {...form.getInputProps('setupCode')}
              />
            </>
          )}

          <FormError error={error} />
          <Button type="submit" size="md" loading={form.submitting}>
            {t('setup.submit')}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
